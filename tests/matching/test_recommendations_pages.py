"""The recommendation pages: "Missions pour vous" reads the table or scores on the fly (the
same ranking either way), filters, empty states, "Profils recommandés" for a brief, who sees
what, constant queries; and the recompute runs in the admin."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import CohortBrief, MatchScore, RecomputeRun
from matching.selectors import recommendations as selectors
from matching.selectors.recommendations import RecommendationFilters, student_recommendations
from matching.services.recommendations import recompute_all, recompute_queue
from organisations.models import Brief, BriefSkill
from students.models import StudentProfile, StudentSkill

from .recommendations_fixtures import (
    add_briefs,
    add_students,
    make_world,
    no_change_margin,  # noqa: F401 (a fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_change_margin")]

URL = reverse("matching:recommendations")


def _full() -> None:
    run = recompute_queue(trigger=RecomputeRun.Trigger.MANUAL)
    assert run is not None
    recompute_all(run=run)


def _ranking(result) -> list[tuple[int, float]]:
    return [(item.brief.pk, round(item.score, 3)) for item in result.items]


def _all_pages(user, filters=None) -> tuple[str, list[tuple[int, float]]]:
    filters = filters or RecommendationFilters()
    first = student_recommendations(user=user, filters=filters, page_number=1)
    ranking = _ranking(first)
    for number in range(2, first.page.paginator.num_pages + 1):
        ranking += _ranking(student_recommendations(user=user, filters=filters, page_number=number))
    return first.source, ranking


# -----------------------------------------------------------------------------------------------


def test_the_table_and_the_live_scoring_rank_alike(cast) -> None:
    make_world(cast, briefs=25, students=5)
    source, live = _all_pages(cast.student_a)
    assert source == "live"  # no rows yet
    _full()
    source, table = _all_pages(cast.student_a)
    assert source == "table"
    assert table == live
    # The top 20 less the briefs whose required skills the student covers none of.
    assert 0 < len(table) <= selectors.STUDENT_TOP_K


def test_a_changed_profile_is_scored_on_the_fly_until_the_next_run(cast) -> None:
    make_world(cast, briefs=6, students=3)
    _full()
    profile = cast.profile_a
    profile.hours_per_week = 30
    profile.save()
    result = student_recommendations(user=cast.student_a, filters=RecommendationFilters())
    assert result.source == "live"
    _full()
    result = student_recommendations(user=cast.student_a, filters=RecommendationFilters())
    assert result.source == "table"


def test_a_brief_that_closed_since_the_run_is_not_shown(cast) -> None:
    world = make_world(cast, briefs=6, students=3)
    _full()
    shown = [
        i.brief.pk
        for i in student_recommendations(user=cast.student_a, filters=RecommendationFilters()).items
    ]
    gone = Brief.objects.get(pk=shown[0])
    gone.state = "in_progress"
    gone.save()
    result = student_recommendations(user=cast.student_a, filters=RecommendationFilters())
    assert result.source == "table"
    assert gone.pk not in [i.brief.pk for i in result.items]
    assert world


def test_filters(cast) -> None:
    make_world(cast, briefs=30, students=2)
    _full()
    by_category = student_recommendations(
        user=cast.student_a, filters=RecommendationFilters(need_category="database")
    )
    assert by_category.source == "live"
    assert by_category.items
    assert {i.brief.need_category for i in by_category.items} == {"database"}
    remote = student_recommendations(
        user=cast.student_a, filters=RecommendationFilters(work_mode="remote")
    )
    assert {i.brief.work_mode for i in remote.items} == {"remote"}
    _source, everything = _all_pages(cast.student_a)
    _source, good = _all_pages(cast.student_a, RecommendationFilters(hide_low=True))
    assert good == [(pk, s) for pk, s in everything if s >= selectors.LOW_MATCH_BELOW]


def test_the_page_in_french_names_the_missing_skill(cast, client_for) -> None:
    brief = cast.brief_b
    BriefSkill.objects.create(brief=brief, skill_id=_skill_id("django"), level=2, weight=3)
    BriefSkill.objects.create(brief=brief, skill_id=_skill_id("swift"), level=2, weight=2)
    response = client_for(cast.student_a).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Missions pour vous" in html
    assert "Couvre 1 des 2 compétences recherchées" in html
    assert "manque Swift (niveau intermédiaire)" in html
    assert brief.title in html


def _skill_id(slug: str) -> int:
    from matching.models import Skill

    return Skill.objects.get(slug=slug).pk


def test_filters_through_the_page_and_htmx(cast, client_for) -> None:
    make_world(cast, briefs=12, students=2)
    client = client_for(cast.student_a)
    page = client.get(URL, {"category": "database", "work_mode": "", "hide_low": ""})
    assert page.status_code == 200
    partial = client.get(URL, {"category": "website"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    # An unknown value is ignored, not an error.
    assert client.get(URL, {"category": "nope", "page": "x"}).status_code == 200


@pytest.mark.parametrize(
    ("setup", "text"),
    [
        ("no_profile", "Complétez votre profil pour recevoir des recommandations"),
        ("no_skills", "Ajoutez au moins une compétence"),
    ],
)
def test_empty_states(cast, client_for, setup, text) -> None:
    user = cast.owner_a if setup == "no_profile" else cast.student_b
    html = client_for(user).get(URL).content.decode()
    assert text in html
    assert reverse("students:profile_edit") in html


def test_a_learning_wish_alone_is_not_enough(cast) -> None:
    StudentSkill.objects.filter(profile=cast.profile_a).update(wants_to_learn=True)
    result = student_recommendations(user=cast.student_a, filters=RecommendationFilters())
    assert result.state == "no_skills"


def test_a_student_never_sees_another_students_scores(cast, client_for) -> None:
    make_world(cast, briefs=8, students=4)
    _full()
    other = MatchScore.objects.exclude(student=cast.student_a).filter(student_rank=1).first()
    mine = set(MatchScore.objects.filter(student=cast.student_a).values_list("brief_id", flat=True))
    # Whatever the query string says, the page is the signed-in student's.
    response = client_for(cast.student_a).get(
        URL, {"student": other.student_id, "user": other.student_id}
    )
    shown = {item.brief.pk for item in response.context["result"].items}
    assert shown <= mine
    assert all(isinstance(i.explanation.student_id, int) for i in response.context["result"].items)
    assert {i.explanation.student_id for i in response.context["result"].items} == {
        cast.student_a.pk
    }
    # And a student cannot open "Profils recommandés" (scores of students): 404.
    brief_url = reverse("matching:brief_recommendations", kwargs={"pk": cast.brief_a.pk})
    assert client_for(cast.student_a).get(brief_url).status_code == 404


@pytest.mark.parametrize("source", ["table", "live"])
def test_constant_queries_on_the_student_page(
    cast, client_for, source, django_assert_max_num_queries
) -> None:
    counts = []
    for briefs, students in ((4, 3), (40, 20)):
        add_briefs(cast, briefs, seed=briefs)
        add_students(cast, students, seed=students)
        if source == "table":
            _full()
        client = client_for(cast.student_a)
        client.get(URL)  # warm the caches (taxonomy, published block) like a running site
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.context["result"].source == source
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[1]):
        client.get(URL)


# -----------------------------------------------------------------------------------------------


def _brief_url(brief: Brief) -> str:
    return reverse("matching:brief_recommendations", kwargs={"pk": brief.pk})


def test_visible_students_and_the_cohort_working_with_the_organisation(cast, client_for) -> None:
    world = make_world(cast, briefs=4, students=12)
    brief = next(b for b in world.briefs if b.organisation_id == cast.org_a.pk)
    _full()
    result = selectors.brief_recommendations(brief=brief, viewer=cast.owner_a)
    shown = {item.student.pk for item in result.items}
    visible = set(
        StudentProfile.objects.filter(visible_to_organisations=True).values_list(
            "user_id", flat=True
        )
    )
    assert shown and shown <= visible
    # cohort_a opens one of A's briefs: all its students count, visible or not.
    CohortBrief.objects.create(cohort=cast.cohort_a, brief=brief)
    result = selectors.brief_recommendations(brief=brief, viewer=cast.owner_a)
    linked = {item.student.pk for item in result.items if item.linked}
    assert cast.student_a.pk in linked
    hidden = next(item for item in result.items if item.student.pk not in visible)
    assert hidden.profile_pk is None  # listed, but their profile page stays closed
    open_one = next(item for item in result.items if item.student.pk in visible)
    assert open_one.profile_pk == StudentProfile.objects.get(user=open_one.student).pk
    # Organisation B sees none of it: A's brief is a 404 for them.
    assert client_for(cast.owner_b).get(_brief_url(brief)).status_code == 404


def test_the_organisation_page(cast, client_for) -> None:
    world = make_world(cast, briefs=4, students=12)
    brief = next(b for b in world.briefs if b.organisation_id == cast.org_a.pk)
    _full()
    response = client_for(cast.member_a).get(_brief_url(brief))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Profils recommandés" in html
    assert "Pourquoi ce score\u00a0?" in html
    assert re.search(r"\d+ profils? recommandés?", html)


def test_a_brief_that_is_not_published(cast, client_for) -> None:
    html = client_for(cast.owner_a).get(_brief_url(cast.draft_a)).content.decode()
    assert "Les profils recommandés s’affichent" in html or "profils recommandés" in html.lower()
    result = selectors.brief_recommendations(brief=cast.draft_a, viewer=cast.owner_a)
    assert not result.is_open


def test_constant_queries_on_the_organisation_page(cast, client_for) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    CohortBrief.objects.create(cohort=cast.cohort_a, brief=cast.brief_a)
    for students in (3, 30):
        add_students(cast, students, seed=students, visible_share=0.7)
        _full()
        client = client_for(cast.owner_a)
        client.get(_brief_url(cast.brief_a))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_brief_url(cast.brief_a))
        assert response.context["result"].items
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -----------------------------------------------------------------------------------------------


def test_moderators_follow_runs_and_start_one(
    cast, client_for, django_capture_on_commit_callbacks
) -> None:
    make_world(cast, briefs=3, students=3)
    _full()
    client = client_for(cast.moderator)
    page = client.get(reverse("admin:matching_recomputerun_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<progress" in html
    assert "Recalculer maintenant" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:matching_recomputerun_recompute"))
    assert response.status_code == 302
    assert RecomputeRun.objects.count() == 2
    run = RecomputeRun.objects.first()
    assert run.trigger == RecomputeRun.Trigger.MANUAL
    assert run.state == RecomputeRun.State.DONE  # eager Celery in tests
    from accounts.models import AuditEvent

    assert AuditEvent.objects.filter(action="recompute_run.start", actor=cast.moderator).exists()
    # The detail page is read-only; nobody edits a run.
    detail = client.get(reverse("admin:matching_recomputerun_change", args=[run.pk]))
    assert detail.status_code == 200
    assert client.get(reverse("admin:matching_recomputerun_add")).status_code == 403


def test_only_staff_with_the_permission_start_a_run(cast, client_for) -> None:
    url = reverse("admin:matching_recomputerun_recompute")
    assert client_for(cast.student_a).post(url).status_code == 302  # to the admin login
    assert client_for(cast.moderator).get(url).status_code == 405
    assert not RecomputeRun.objects.exists()


def test_the_demo_shows_recommendations_at_once(cast) -> None:
    from humanitech.demo import DemoContext
    from matching import demo_recommendations

    make_world(cast, briefs=3, students=3)
    demo_recommendations.seed(DemoContext(scale=1, log=lambda line: None))
    assert MatchScore.objects.filter(student=cast.student_a).exists()
    assert timezone.now() - RecomputeRun.objects.get().finished_at < datetime.timedelta(minutes=1)


def test_the_link_to_recommended_profiles(cast) -> None:
    from django.template import Context, Template

    template = Template("{% load match_explanation %}{% brief_recommendations_link brief %}")
    html = template.render(Context({"brief": cast.brief_a}))
    assert _brief_url(cast.brief_a) in html
    assert "Voir les profils recommandés" in html
    assert _brief_url(cast.draft_a) not in template.render(Context({"brief": cast.draft_a}))


def test_the_brief_page_links_members_to_recommended_profiles(cast, client_for) -> None:
    detail = reverse("briefs:detail", kwargs={"pk": cast.brief_a.pk})
    assert _brief_url(cast.brief_a) in client_for(cast.member_a).get(detail).content.decode()
    for outsider in (cast.owner_b, cast.student_a, None):
        assert _brief_url(cast.brief_a) not in client_for(outsider).get(detail).content.decode()


# --- What "Missions pour vous" leaves out, and the cohort's cap --------------------------------


def _ids(user, filters=None) -> list[int]:
    return [pk for pk, _score in _all_pages(user, filters)[1]]


def test_briefs_applied_to_or_joined_are_left_out_alike_on_both_paths(cast) -> None:
    from .applications_fixtures import free, make_application

    free(cast.cohort_a, max_accepted_applications=3)
    make_world(cast, briefs=25, students=5)
    first, second, third, fourth, *_rest = _ids(cast.student_a)
    make_application(cast.student_a, Brief.objects.get(pk=first))  # waiting for an answer
    make_application(cast.student_a, Brief.objects.get(pk=second), state="accepted")  # team
    make_application(cast.student_a, Brief.objects.get(pk=third), state="withdrawn")
    make_application(cast.student_a, Brief.objects.get(pk=fourth), state="declined")
    source, live = _all_pages(cast.student_a)
    assert source == "live"
    shown = [pk for pk, _score in live]
    assert first not in shown and second not in shown and fourth not in shown
    assert third in shown  # a withdrawn application may be sent again
    _full()
    source, table = _all_pages(cast.student_a)
    assert source == "table"
    assert table == live


def test_briefs_covering_none_of_the_required_skills_are_not_recommended(cast) -> None:
    from matching.models import Skill

    # brief_a requires WordPress only; student_a holds Django and PostgreSQL.
    fits = add_briefs(cast, 1, seed=7)[0]
    BriefSkill.objects.filter(brief=fits).delete()
    BriefSkill.objects.create(brief=fits, skill_id=_skill_id("django"), level=2, weight=3)
    BriefSkill.objects.create(brief=fits, skill_id=_skill_id("swift"), level=2, weight=3)
    for path in ("live", "table"):
        if path == "table":
            _full()
        result = student_recommendations(user=cast.student_a, filters=RecommendationFilters())
        assert result.source == path
        shown = [item.brief.pk for item in result.items]
        assert fits.pk in shown  # one of two skills is enough
        assert cast.brief_a.pk not in shown
        assert result.count == len(shown)
    # The same brief once the student holds WordPress (or a related skill).
    StudentSkill.objects.create(
        profile=cast.profile_a, skill=Skill.objects.get(slug="wordpress"), level=1
    )
    result = student_recommendations(user=cast.student_a, filters=RecommendationFilters())
    assert cast.brief_a.pk in [item.brief.pk for item in result.items]


def test_a_student_at_the_cohort_cap_is_told_at_the_top_and_still_browses(cast, client_for) -> None:
    from students.models import ApplicationPolicy

    from .applications_fixtures import free, make_application, set_policy

    free(cast.cohort_a, max_accepted_applications=1)
    make_world(cast, briefs=10, students=2)
    client = client_for(cast.student_a)
    banner = "le maximum prévu par votre promotion\u00a0: vous ne pouvez plus postuler"
    assert banner not in client.get(URL).content.decode()
    make_application(cast.student_a, cast.brief_b, state="accepted")
    page = client.get(URL)
    html = page.content.decode()
    assert "Vous avez déjà 1 candidature acceptée" in html and banner in html
    assert html.index(banner) < html.index('class="catalogue-count"')
    assert page.context["result"].items  # still listed
    filtered = client.get(URL, {"category": "website"}, headers={"HX-Request": "true"})
    assert banner in filtered.content.decode()  # the htmx results keep it
    free(cast.cohort_a, max_accepted_applications=2)
    assert banner not in client.get(URL).content.decode()
    # In an allocated cohort students do not apply: no cap to speak of.
    set_policy(cast.cohort_a, ApplicationPolicy.ALLOCATION, max_accepted_applications=1)
    assert banner not in client.get(URL).content.decode()


# --- What "Profils recommandés" leaves out, and each profile's next step ----------------------


def test_recommended_profiles_leave_out_the_team_and_lead_somewhere(cast, client_for) -> None:
    from .applications_fixtures import free, make_application

    free(cast.cohort_a)
    world = make_world(cast, briefs=4, students=12)
    brief = next(b for b in world.briefs if b.organisation_id == cast.org_a.pk)
    CohortBrief.objects.create(cohort=cast.cohort_a, brief=brief)  # every student is linked
    _full()
    before = selectors.brief_recommendations(brief=brief, viewer=cast.owner_a, page_number=1)
    member, declined, applicant, waiting_school, *_ = [i.student for i in before.items]
    make_application(member, brief, state="accepted")
    make_application(declined, brief, state="declined")
    application = make_application(applicant, brief, state="shortlisted")
    make_application(waiting_school, brief, state="awaiting_approval")

    result = selectors.brief_recommendations(brief=brief, viewer=cast.owner_a, page_number=1)
    shown = {item.student.pk: item for item in result.items}
    assert member.pk not in shown and declined.pk not in shown
    assert result.count == before.count - 2
    assert shown[applicant.pk].application == application
    # An application the organisation has not received yet changes nothing it sees.
    assert shown[waiting_school.pk].application is None

    html = client_for(cast.owner_a).get(_brief_url(brief)).content.decode()
    applications = reverse("matching:brief_applications", kwargs={"pk": brief.pk})
    assert f'href="{applications}#application-{application.pk}"' in html
    assert "Répondre à sa candidature" in html and "Présélectionnée" in html
    for item in result.items:
        if item.profile_pk:
            assert reverse("students:profile_detail", kwargs={"pk": item.profile_pk}) in html
    assert any(not i.profile_pk and not i.application for i in result.items)
    assert f'href="{applications}"' in html  # where a closed profile will show up
    assert "Si elle choisit cette mission, vous la retrouverez parmi ses candidatures" in html
