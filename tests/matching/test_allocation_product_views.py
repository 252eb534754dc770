"""Pages of the cohort allocation: staff, students and organisations; constant queries;
nothing of a proposal outside the school before publication."""

import html

import pytest
from django.conf import settings
from django.urls import reverse

from matching.models import AllocationRun, OrganisationRanking, TeamMember
from matching.services import allocations as services
from tests.cast import ROLES

from .allocation_fixtures import (
    allocation_cohort,
    enrol_students,
    open_briefs,
    published_brief,
    rank,
    with_skill,
)

pytestmark = pytest.mark.django_db


def _cohort_with_choices(cast, students=12, briefs_per_org=2):
    cohort = allocation_cohort(cast.school_a)
    users = enrol_students(cohort, students, skill_slugs=["django", "python", "wordpress"])
    briefs = [
        with_skill(published_brief(org, team_min=2, team_max=4), "django", 2)
        for org in (cast.org_a, cast.org_b)
        for _ in range(briefs_per_org)
    ]
    open_briefs(cohort, briefs)
    for i, user in enumerate(users):
        rank(user, [briefs[(i + k) % len(briefs)] for k in range(3)])
    return cohort, users, briefs


def _run(cohort, staff, capture, mode="stable"):
    with capture(execute=True):
        run = services.allocation_run_start(
            cohort=cohort, mode=mode, min_teams=False, acting_user=staff
        )
    run.refresh_from_db()
    return run


@pytest.mark.parametrize("students", [40, 200])
def test_proposal_page_constant_queries(
    cast, client_for, django_capture_on_commit_callbacks, django_assert_max_num_queries, students
):
    cohort, users, _briefs = _cohort_with_choices(
        cast, students=students, briefs_per_org=students // 20
    )
    run = _run(cohort, cast.staff_a, django_capture_on_commit_callbacks)
    client = client_for(cast.staff_a)
    url = reverse("matching:allocation_run", kwargs={"pk": cohort.pk, "run_pk": run.pk})
    # 15 measured at 40 and at 200 students: 5 rebuild the engine's input to tell whether
    # the proposal is stale.
    with django_assert_max_num_queries(15):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('id="student-') == students
    assert "Publier la répartition" in body
    move = reverse("matching:allocation_move", kwargs={"pk": cohort.pk, "run_pk": run.pk})
    with django_assert_max_num_queries(11):
        response = client.get(move, {"student": users[0].pk, "brief": "none"})
    assert "Effet de ce déplacement" in response.content.decode()


@pytest.mark.parametrize("students", [40, 200])
def test_staff_and_choices_pages_constant_queries(
    cast, client_for, django_assert_max_num_queries, students
):
    cohort, users, _briefs = _cohort_with_choices(
        cast, students=students, briefs_per_org=students // 20
    )
    staff, student, owner = client_for(cast.staff_a), client_for(users[0]), client_for(cast.owner_a)
    for client in (staff, student, owner):
        client.get(reverse("dashboard"))  # the first request of a session writes it
    with django_assert_max_num_queries(13):
        response = staff.get(reverse("matching:cohort_allocation", args=[cohort.pk]), {"q": ""})
    assert response.status_code == 200
    with django_assert_max_num_queries(21):  # 18 once the scoring taxonomy is cached
        response = student.get(reverse("matching:student_allocation", args=[cohort.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="ranked-item"') == 3
    with django_assert_max_num_queries(23):  # 2 for the organisation's seats and limit
        response = owner.get(
            reverse("matching:organisation_ranking", args=[cohort.pk, cast.org_a.pk])
        )
    assert response.status_code == 200


def test_the_whole_journey_through_the_pages(cast, client_for, django_capture_on_commit_callbacks):
    cohort, users, _briefs = _cohort_with_choices(cast, students=8)
    staff = client_for(cast.staff_a)
    page = staff.get(
        reverse("matching:cohort_allocation", args=[cohort.pk]), {"q": "Site internet"}
    )
    assert cast.brief_b.title in page.content.decode()  # a published brief not yet opened
    staff.post(
        reverse("matching:cohort_brief_open", args=[cohort.pk]),
        {"brief": cast.brief_b.pk, "capacity": "2"},
    )
    assert cohort.opened_briefs.filter(brief=cast.brief_b, capacity=2).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("matching:allocation_run_start", args=[cohort.pk]), {"mode": "welfare"}
        )
    run = AllocationRun.objects.get(cohort=cohort)
    assert response["Location"] == reverse("matching:allocation_run", args=[cohort.pk, run.pk])
    assert run.state == "proposed"

    # Nothing of the proposal is visible to students or organisations yet.
    student_page = client_for(users[0]).get(
        reverse("matching:student_allocation", args=[cohort.pk])
    )
    assert "Vous êtes affecté" not in student_page.content.decode()
    org_page = client_for(cast.owner_a).get(
        reverse("matching:organisation_ranking", args=[cohort.pk, cast.org_a.pk])
    )
    assert "Vos équipes" not in org_page.content.decode()
    assert not TeamMember.objects.exists()

    # Move the first student out, then publish.
    target = users[0]
    move = reverse("matching:allocation_move", args=[cohort.pk, run.pk])
    preview = staff.get(move, {"student": target.pk, "brief": "none"})
    assert "Confirmer le déplacement" in preview.content.decode()
    staff.post(move, {"student": target.pk, "brief": "none"})
    run.refresh_from_db()
    assert run.assignment[str(target.pk)] is None
    response = staff.post(
        reverse("matching:allocation_publish", args=[cohort.pk, run.pk]), follow=True
    )
    assert "La répartition est publiée" in response.content.decode()
    run.refresh_from_db()
    assert run.state == "published"

    placed = TeamMember.objects.filter(allocation=run).select_related("brief").first()
    page = (
        client_for(placed.student)
        .get(reverse("matching:student_allocation", args=[cohort.pk]))
        .content.decode()
    )
    assert "Vous êtes affecté(e) à «\u00a0" + placed.brief.title in page
    page = (
        client_for(target)
        .get(reverse("matching:student_allocation", args=[cohort.pk]))
        .content.decode()
    )
    assert "Pas de mission pour vous" in page
    org = client_for(cast.owner_a).get(
        reverse("matching:organisation_ranking", args=[cohort.pk, cast.org_a.pk])
    )
    assert "Vos équipes" in org.content.decode()


def test_progress_page_polls_then_reloads(cast, client_for):
    cohort, _users, _briefs = _cohort_with_choices(cast, students=4)
    run = AllocationRun.objects.create(cohort=cohort, mode="stable", state="running", progress=40)
    client = client_for(cast.staff_a)
    url = reverse("matching:allocation_run", args=[cohort.pk, run.pk])
    body = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="40"' in body
    assert f'href="{url}"' in body  # the refresh link without JavaScript
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 200  # still polling
    AllocationRun.objects.filter(pk=run.pk).update(state="failed", error="interrupted")
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert "Le calcul a été interrompu" in client.get(url).content.decode()


def test_other_schools_and_cohorts_answer_404(cast, client_for, django_capture_on_commit_callbacks):
    cohort, users, _briefs = _cohort_with_choices(cast, students=4)
    run = _run(cohort, cast.staff_a, django_capture_on_commit_callbacks)
    urls = [
        reverse("matching:cohort_allocation", args=[cohort.pk]),
        reverse("matching:allocation_run", args=[cohort.pk, run.pk]),
        reverse("matching:allocation_move", args=[cohort.pk, run.pk]) + f"?student={users[0].pk}",
    ]
    for url in urls:
        assert client_for(cast.staff_b).get(url).status_code == 404
        assert client_for(users[0]).get(url).status_code == 404
        assert client_for(cast.owner_a).get(url).status_code == 404
    # A run of another cohort through this cohort's address.
    other = allocation_cohort(cast.school_a, name="Autre promotion")
    assert (
        client_for(cast.staff_a)
        .get(reverse("matching:allocation_run", args=[other.pk, run.pk]))
        .status_code
        == 404
    )
    # A cohort whose students apply has no allocation page.
    assert (
        client_for(cast.staff_a)
        .get(reverse("matching:cohort_allocation", args=[cast.cohort_a.pk]))
        .status_code
        == 404
    )
    # An organisation whose briefs are not opened to the cohort.
    assert (
        client_for(cast.owner_b)
        .get(reverse("matching:organisation_ranking", args=[cohort.pk, cast.org_a.pk]))
        .status_code
        == 404
    )


def test_ways_in_from_other_pages(cast, client_for):
    cohort, users, briefs = _cohort_with_choices(cast, students=3)
    staff_page = client_for(cast.staff_a).get(reverse("students:cohort_detail", args=[cohort.pk]))
    assert reverse("matching:cohort_allocation", args=[cohort.pk]) in staff_page.content.decode()
    other = client_for(cast.staff_a).get(reverse("students:cohort_detail", args=[cast.cohort_a.pk]))
    assert "/allocation/" not in other.content.decode()
    dashboard = client_for(users[0]).get(reverse("dashboard")).content.decode()
    assert reverse("matching:student_allocation", args=[cohort.pk]) in dashboard
    ranking = reverse("matching:organisation_ranking", args=[cohort.pk, cast.org_a.pk])
    assert ranking in client_for(cast.member_a).get(briefs[0].get_absolute_url()).content.decode()
    assert ranking not in client_for(users[0]).get(briefs[0].get_absolute_url()).content.decode()
    assert (
        reverse("matching:favourites")
        in client_for(users[0]).get(reverse("dashboard")).content.decode()
    )


# --- An organisation's capacity for the cohort ---------------------------------------------


def _text(response):
    """The page with its entities decoded (Django escapes the apostrophes of French)."""
    return html.unescape(response.content.decode())


def test_an_organisation_sets_its_capacity_on_its_ranking_page(cast, client_for):
    cohort, _users, _briefs = _cohort_with_choices(cast, students=4)
    url = reverse("matching:organisation_ranking", args=[cohort.pk, cast.org_a.pk])
    member = client_for(cast.member_a)
    page = _text(member.get(url))
    assert '<label class="field-label" for="id_capacity">' in page
    assert "Vos missions ouvertes à la promotion offrent 8 places." in page

    for typed, error in [
        ("0", "Accueillez au moins un étudiant, ou laissez le champ vide."),
        ("-2", "Accueillez au moins un étudiant, ou laissez le champ vide."),
        ("deux", "Tapez un nombre entier d'étudiants."),
        ("2,5", "Tapez un nombre entier d'étudiants."),
        ("1000", "Tapez au plus 999 étudiants."),
    ]:
        response = member.post(url, {"capacity": typed})
        assert response.status_code == 400, typed
        body = _text(response)
        # The error sits in the field's group, between its label and its input.
        field = body[body.index('for="id_capacity"') : body.index('name="capacity"')]
        assert error in field, typed
        assert 'aria-invalid="true"' in body
        assert f'value="{typed}"' in body  # what they typed stays, to correct it
    assert not OrganisationRanking.objects.exists()

    response = member.post(url, {"capacity": " 3 "})
    assert response.status_code == 302 and response["Location"] == url
    assert OrganisationRanking.objects.get(cohort=cohort, organisation=cast.org_a).capacity == 3
    page = _text(member.get(url))
    assert "Votre capacité d'accueil pour la promotion est enregistrée." in page
    assert 'value="3"' in page
    assert "La répartition place au plus 3 étudiants sur vos missions." in page
    member.post(url, {"capacity": ""})
    assert OrganisationRanking.objects.get(cohort=cohort, organisation=cast.org_a).capacity is None


def test_only_the_organisation_members_may_post_its_capacity(cast, client_for):
    # Organisation B's briefs are opened to the cohort too: owner_b has a page of its own.
    cohort, _users, _briefs = _cohort_with_choices(cast, students=2)
    url = reverse("matching:organisation_ranking", args=[cohort.pk, cast.org_a.pk])
    outcomes = {}
    for role in ROLES:
        response = client_for(cast.user(role)).post(url, {"capacity": "2"})
        location = response.get("Location", "")
        outcomes[role] = (
            "login"
            if location.startswith(reverse(settings.LOGIN_URL))
            else (location or response.status_code)
        )
    assert outcomes == {
        **dict.fromkeys(ROLES, 404),
        "anonymous": "login",
        "owner_a": url,
        "member_a": url,
    }
    assert OrganisationRanking.objects.get().organisation == cast.org_a


def test_the_proposal_warns_when_a_move_takes_an_organisation_over_its_capacity(
    cast, client_for, django_capture_on_commit_callbacks
):
    cohort, users, briefs = _cohort_with_choices(cast, students=8)
    services.organisation_capacity_set(
        cohort=cohort, organisation=cast.org_a, capacity=2, acting_user=cast.member_a
    )
    run = _run(cohort, cast.staff_a, django_capture_on_commit_callbacks)
    of_a = {str(b.pk) for b in briefs if b.organisation_id == cast.org_a.pk}
    assert sum(b in of_a for b in run.assignment.values()) == 2
    mover = next(u for u in users if run.assignment[str(u.pk)] not in of_a)
    target = next(b for b in briefs if str(b.pk) in of_a)
    staff = client_for(cast.staff_a)
    proposal_url = reverse("matching:allocation_run", args=[cohort.pk, run.pk])
    warning = "Organisations au-delà du nombre d'étudiants qu'elles peuvent accueillir"
    assert warning not in _text(staff.get(proposal_url))

    move = reverse("matching:allocation_move", args=[cohort.pk, run.pk])
    preview = _text(staff.get(move, {"student": mover.pk, "brief": target.pk}))
    assert (
        f"{cast.org_a.name} accueillera 3 étudiants de la promotion, pour 2 qu'elle dit pouvoir"
        in preview
    )
    assert '<li class="effect-warning">' + cast.org_a.name in preview
    staff.post(move, {"student": mover.pk, "brief": target.pk})
    page = _text(staff.get(proposal_url))
    assert warning in page
    assert f"{cast.org_a.name}\u00a0: 3 étudiants (peut en accueillir 2)" in page
    assert "Publier la répartition" in page  # publishing stays possible


def test_the_proposal_flags_a_brief_no_longer_open_before_publishing(
    cast, client_for, django_capture_on_commit_callbacks
):
    from organisations.models import Brief
    from organisations.workflow import BriefState

    cohort, _users, _briefs = _cohort_with_choices(cast, students=8)
    run = _run(cohort, cast.staff_a, django_capture_on_commit_callbacks)
    staff = client_for(cast.staff_a)
    proposal_url = reverse("matching:allocation_run", args=[cohort.pk, run.pk])
    assert "Missions qui ne sont plus ouvertes" not in _text(staff.get(proposal_url))

    started = next(team for team in run.assignment.values() if team)
    brief = Brief.objects.get(pk=int(started))
    brief.state = BriefState.IN_PROGRESS
    brief.save(update_fields=["state"])
    page = _text(staff.get(proposal_url))
    assert "Missions qui ne sont plus ouvertes" in page
    assert f'<a href="#brief-{brief.pk}">{brief.title}</a>' in page
    assert "Plus ouverte" in page  # on its team's card

    publish = reverse("matching:allocation_publish", args=[cohort.pk, run.pk])
    after = _text(staff.post(publish, follow=True))
    assert (
        f"La mission «\u00a0{brief.title}\u00a0» n'est plus ouverte\u00a0: "
        "déplacez ses étudiants ailleurs, ou relancez le calcul." in after
    )
    assert not TeamMember.objects.filter(allocation=run).exists()
