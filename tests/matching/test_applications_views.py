"""Pages of applications: French messages beside the fields, nothing saved on bad input,
no 500, 404 for what one may not see, and constant query counts at two data sizes."""

import csv
import html
import io

import pytest
from django.urls import reverse

from matching.models import Application, ApplicationState, TeamMember
from organisations.models import Brief, BriefSkill
from organisations.workflow import BriefState
from students.models import StudentSkill

from .applications_fixtures import free, make_application, new_brief, new_student

S = ApplicationState
pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _skilled_student(cohort):
    student = new_student(cohort)
    profile = student.student_profile  # type: ignore[attr-defined]
    from matching.models import Skill

    StudentSkill.objects.bulk_create(
        StudentSkill(profile=profile, skill=skill, level=2)
        for skill in Skill.objects.order_by("pk")[:3]
    )
    return student


# --- Applying ---------------------------------------------------------------------------------


def test_a_student_applies_from_the_form(cast, client_for) -> None:
    client = client_for(cast.student_a)
    url = reverse("matching:apply", kwargs={"pk": cast.brief_a.pk})
    page = _text(client.get(url))
    assert "Postuler à «\u00a0Site internet (brief_a)\u00a0»" in page
    assert "un encadrant valide chaque candidature" in page
    assert 'name="enrolment"' not in page  # one cohort: nothing to choose
    response = client.post(url, {"motivation": "Je connais bien WordPress."}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("matching:my_applications"))
    page = _text(response)
    assert "Votre candidature est envoyée à votre établissement pour validation." in page
    assert "En attente de validation par l'établissement" in page
    assert Application.objects.get().state == S.AWAITING_APPROVAL


def test_a_huge_motivation_gets_a_french_message_beside_the_field(cast, client_for) -> None:
    response = client_for(cast.student_a).post(
        reverse("matching:apply", kwargs={"pk": cast.brief_a.pk}), {"motivation": "a" * 50_000}
    )
    assert response.status_code == 400
    page = _text(response)
    assert 'id="id_motivation_error"' in page
    assert "Votre motivation doit tenir en 3" in page and "(elle en compte 50" in page
    assert not Application.objects.exists()


def test_an_empty_motivation_gets_a_french_message(cast, client_for) -> None:
    response = client_for(cast.student_a).post(
        reverse("matching:apply", kwargs={"pk": cast.brief_a.pk}), {"motivation": ""}
    )
    assert response.status_code == 400
    assert "Écrivez quelques lignes" in _text(response)


def test_unknown_and_unpublished_briefs_are_not_found(cast, client_for) -> None:
    client = client_for(cast.student_a)
    for pk in (cast.draft_a.pk, 999_999):
        url = reverse("matching:apply", kwargs={"pk": pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"motivation": "x"}).status_code == 404
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (BriefState.CLOSED, "Cette mission est terminée"),
        (BriefState.IN_PROGRESS, "Une équipe travaille"),
    ],
)
def test_closed_briefs_say_why_and_save_nothing(cast, client_for, state, message) -> None:
    Brief.objects.filter(pk=cast.brief_a.pk).update(state=state)
    client = client_for(cast.student_a)
    url = reverse("matching:apply", kwargs={"pk": cast.brief_a.pk})
    page = _text(client.get(url))
    assert message in page and "Vous ne pouvez pas postuler à cette mission" in page
    assert "Envoyer ma candidature" not in page
    response = client.post(url, {"motivation": "Je veux aider."})
    assert response.status_code == 400
    assert message in _text(response)
    assert not Application.objects.exists()


def test_a_full_brief_says_so(cast, client_for) -> None:
    brief = new_brief(cast, team_min=1, team_max=1)
    make_application(new_student(cast.cohort_a), brief, state=S.ACCEPTED)
    response = client_for(cast.student_a).post(
        reverse("matching:apply", kwargs={"pk": brief.pk}), {"motivation": "Je veux aider."}
    )
    assert "L'équipe de cette mission est complète" in _text(response)
    assert Application.objects.filter(student=cast.student_a).count() == 0


def test_applying_twice_leads_to_the_existing_application(cast, client_for) -> None:
    client = client_for(cast.student_a)
    url = reverse("matching:apply", kwargs={"pk": cast.brief_a.pk})
    client.post(url, {"motivation": "Première fois."})
    response = client.post(url, {"motivation": "Deuxième fois."}, follow=True)
    assert "Vous avez déjà postulé à cette mission." in _text(response)
    assert Application.objects.get().motivation == "Première fois."


def test_people_outside_a_cohort_are_told_how_to_apply(cast, client_for) -> None:
    page = _text(
        client_for(cast.owner_b).get(reverse("matching:apply", kwargs={"pk": cast.brief_a.pk}))
    )
    assert "rejoignez d'abord votre promotion" in page


def test_withdrawing_twice_is_a_message_not_an_error(cast, client_for) -> None:
    application = make_application(cast.student_a, cast.brief_a)
    client = client_for(cast.student_a)
    url = reverse("matching:application_withdraw", kwargs={"pk": application.pk})
    assert "est retirée" in _text(client.post(url, follow=True))
    assert "Vous avez déjà retiré cette candidature." in _text(client.post(url, follow=True))


# --- The brief's page ---------------------------------------------------------------------------


def test_the_brief_page_shows_the_student_where_they_stand(cast, client_for) -> None:
    client = client_for(cast.student_a)
    url = reverse("briefs:detail", kwargs={"pk": cast.brief_a.pk})
    page = _text(client.get(url))
    assert reverse("matching:apply", kwargs={"pk": cast.brief_a.pk}) in page
    application = make_application(cast.student_a, cast.brief_a, state=S.SHORTLISTED)
    page = _text(client.get(url))
    assert "Présélectionnée" in page and "Voir ma candidature" in page
    Application.objects.filter(pk=application.pk).update(state=S.ACCEPTED)
    page = _text(client.get(url))
    assert "Vous faites partie de l'équipe (0 étudiants sur 4)" in page


def test_the_brief_page_shows_the_organisation_its_applications(cast, client_for) -> None:
    free(cast.cohort_a)
    make_application(cast.student_a, cast.brief_a)
    page = _text(
        client_for(cast.owner_a).get(reverse("briefs:detail", kwargs={"pk": cast.brief_a.pk}))
    )
    assert "1 candidature à traiter" in page and "Équipe\u00a0: 0 sur 4" in page
    assert reverse("matching:brief_applications", kwargs={"pk": cast.brief_a.pk}) in page


def test_the_brief_page_runs_constant_queries(
    cast, client_for, django_assert_max_num_queries
) -> None:
    counts = []
    for extra in (1, 15):
        for _ in range(extra):
            make_application(new_student(cast.cohort_a), cast.brief_a)
        for user in (cast.student_a, cast.owner_a):
            client = client_for(user)
            with django_assert_max_num_queries(25) as captured:
                client.get(reverse("briefs:detail", kwargs={"pk": cast.brief_a.pk}))
            counts.append(len(captured.captured_queries))
    assert counts[:2] == counts[2:]


# --- The organisation ---------------------------------------------------------------------------


def test_the_organisation_reads_the_applications_with_skills_and_motivation(
    cast, client_for
) -> None:
    free(cast.cohort_a)
    student = _skilled_student(cast.cohort_a)
    make_application(student, cast.brief_a, motivation="Je code des sites depuis trois ans.")
    make_application(cast.student_a, cast.brief_a, state=S.AWAITING_APPROVAL)
    page = _text(
        client_for(cast.member_a).get(
            reverse("matching:brief_applications", kwargs={"pk": cast.brief_a.pk})
        )
    )
    assert student.display_name in page
    assert "Je code des sites depuis trois ans." in page
    assert "niveau 2 sur 4" in page
    assert "Accepter dans l'équipe" in page and "Présélectionner" in page
    # Not approved by the school yet: invisible to the organisation.
    assert cast.student_a.display_name not in page
    assert "Il manque 2 étudiants pour démarrer le projet (2 au moins)." in page
    assert "match-explanation" in page  # the engine explains the match beside it


def test_an_applicant_out_of_the_project_dates_gets_a_badge_that_agrees_with_the_headline(
    cast, client_for
) -> None:
    """No score for a pair with no shared day: the badge says why ("Dates incompatibles")
    beside "Couvre 1 des 1 compétences…", instead of a bare "no match" that read as a
    contradiction of the covered skills."""
    import datetime

    free(cast.cohort_a)
    student = new_student(cast.cohort_a)
    profile = student.student_profile  # type: ignore[attr-defined]
    StudentSkill.objects.create(
        profile=profile, skill=cast.brief_a.brief_skills.get().skill, level=3
    )
    cast.brief_a.start_date = datetime.date.today() + datetime.timedelta(days=60)
    cast.brief_a.end_date = cast.brief_a.start_date + datetime.timedelta(days=60)
    cast.brief_a.save(update_fields=["start_date", "end_date"])
    profile.available_from = datetime.date.today()
    profile.available_until = datetime.date.today() + datetime.timedelta(days=30)
    profile.save(update_fields=["available_from", "available_until"])
    make_application(student, cast.brief_a)
    page = _text(
        client_for(cast.member_a).get(
            reverse("matching:brief_applications", kwargs={"pk": cast.brief_a.pk})
        )
    )
    assert "Dates incompatibles" in page
    assert "Couvre la compétence recherchée" in page
    assert "Pas de correspondance pour l'instant" not in page


def test_the_organisation_page_runs_constant_queries(
    cast, client_for, django_assert_max_num_queries
) -> None:
    free(cast.cohort_a)
    client = client_for(cast.owner_a)
    url = reverse("matching:brief_applications", kwargs={"pk": cast.brief_a.pk})
    make_application(_skilled_student(cast.cohort_a), cast.brief_a)
    client.get(url)  # warms the taxonomy cache of the explanations
    counts = []
    for size in (2, 25):
        while Application.objects.filter(brief=cast.brief_a).count() < size:
            student = _skilled_student(cast.cohort_a)
            make_application(student, cast.brief_a)
        make_application(new_student(cast.cohort_a), cast.brief_a, state=S.ACCEPTED)
        make_application(new_student(cast.cohort_a), cast.brief_a, state=S.DECLINED)
        with django_assert_max_num_queries(25) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_accepting_from_the_page_forms_the_team(cast, client_for) -> None:
    free(cast.cohort_a)
    application = make_application(cast.student_a, cast.brief_a)
    client = client_for(cast.owner_a)
    response = client.post(
        reverse("matching:application_accept", kwargs={"pk": application.pk}),
        {"note": "Bienvenue !"},
        follow=True,
    )
    assert "rejoint l'équipe" in _text(response)
    assert TeamMember.objects.filter(brief=cast.brief_a, student=cast.student_a).exists()
    # Twice: a message, no error page, nothing changed.
    response = client.post(
        reverse("matching:application_accept", kwargs={"pk": application.pk}), follow=True
    )
    assert response.status_code == 200
    assert "Cette candidature est déjà acceptée." in _text(response)
    assert TeamMember.objects.count() == 1


def test_accepting_after_a_withdrawal_changes_nothing(cast, client_for) -> None:
    free(cast.cohort_a)
    application = make_application(cast.student_a, cast.brief_a, state=S.WITHDRAWN)
    response = client_for(cast.owner_a).post(
        reverse("matching:application_accept", kwargs={"pk": application.pk}), follow=True
    )
    assert "L'étudiant a retiré cette candidature." in _text(response)
    assert not TeamMember.objects.exists()


def test_a_too_long_note_is_shown_beside_the_field(cast, client_for) -> None:
    free(cast.cohort_a)
    application = make_application(cast.student_a, cast.brief_a)
    response = client_for(cast.owner_a).post(
        reverse("matching:application_decline", kwargs={"pk": application.pk}), {"note": "x" * 2500}
    )
    assert response.status_code == 400
    page = _text(response)
    assert f'id="id_note_{application.pk}_error"' in page
    assert "Votre message doit tenir en 2" in page
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_starting_the_project_from_the_page(cast, client_for) -> None:
    free(cast.cohort_a)
    Brief.objects.filter(pk=cast.brief_a.pk).update(team_min=1)
    client = client_for(cast.owner_a)
    url = reverse("matching:project_start", kwargs={"pk": cast.brief_a.pk})
    response = client.post(url, follow=True)
    assert "il en faut au moins 1 pour démarrer" in _text(response)
    make_application(cast.student_a, cast.brief_a, state=S.ACCEPTED)
    page = _text(client.get(reverse("matching:brief_applications", kwargs={"pk": cast.brief_a.pk})))
    assert "Démarrer le projet" in page
    response = client.post(url, follow=True)
    assert "Le projet a démarré." in _text(response)
    cast.brief_a.refresh_from_db()
    assert cast.brief_a.state == BriefState.IN_PROGRESS


def test_another_organisation_sees_nothing(cast, client_for) -> None:
    free(cast.cohort_a)
    application = make_application(cast.student_a, cast.brief_a)
    client = client_for(cast.owner_b)
    assert (
        client.get(
            reverse("matching:brief_applications", kwargs={"pk": cast.brief_a.pk})
        ).status_code
        == 404
    )
    for name in ("application_accept", "application_decline", "application_shortlist"):
        assert (
            client.post(reverse(f"matching:{name}", kwargs={"pk": application.pk})).status_code
            == 404
        )
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


# --- The student's list ------------------------------------------------------------------------


def test_my_applications_lists_states_and_next_steps(cast, client_for) -> None:
    free(cast.cohort_a)
    make_application(cast.student_a, cast.brief_a, state=S.ACCEPTED)
    declined = make_application(cast.student_a, cast.brief_b, state=S.DECLINED)
    Application.objects.filter(pk=declined.pk).update(organisation_note="Merci beaucoup !")
    page = _text(client_for(cast.student_a).get(reverse("matching:my_applications")))
    assert "Mon équipe" in page and "Vous faites partie de l'équipe (1 étudiants sur 4)" in page
    assert "Merci beaucoup !" in page and "Voir des missions similaires" in page
    # Another student's applications are not listed.
    assert "Site internet" not in _text(
        client_for(cast.student_b).get(reverse("matching:my_applications"))
    )


def test_an_open_application_on_a_cancelled_brief_says_recruitment_is_over(
    cast, client_for
) -> None:
    make_application(cast.student_a, cast.brief_a)
    Brief.objects.filter(pk=cast.brief_a.pk).update(state=BriefState.CANCELLED)
    page = _text(client_for(cast.student_a).get(reverse("matching:my_applications")))
    assert "Cette mission n'accepte plus de candidatures" in page
    assert "Retirer ma candidature" in page


def test_my_applications_runs_constant_queries(
    cast, client_for, django_assert_max_num_queries
) -> None:
    free(cast.cohort_a)
    client = client_for(cast.student_a)
    counts = []
    for size in (2, 20):
        while Application.objects.filter(student=cast.student_a).count() < size:
            brief = new_brief(cast)
            BriefSkill.objects.create(
                brief=brief, skill_id=cast.brief_a.brief_skills.get().skill_id
            )
            make_application(cast.student_a, brief)
        with django_assert_max_num_queries(20) as captured:
            assert client.get(reverse("matching:my_applications")).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- School staff -------------------------------------------------------------------------------


def test_staff_approve_from_the_queue(cast, client_for) -> None:
    application = make_application(cast.student_a, cast.brief_a, state=S.AWAITING_APPROVAL)
    client = client_for(cast.staff_a)
    url = reverse("matching:cohort_applications", kwargs={"pk": cast.cohort_a.pk})
    page = _text(client.get(url))
    assert "À valider (1)" in page and application.motivation in page
    response = client.post(
        reverse("matching:application_approve", kwargs={"pk": application.pk}), follow=True
    )
    assert "Validée\u00a0: «\u00a0Site internet (brief_a)\u00a0»" in _text(response)
    assert "Rien à valider\u00a0: vous êtes à jour." in _text(response)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_refusing_without_a_reason_is_shown_beside_the_field(cast, client_for) -> None:
    application = make_application(cast.student_a, cast.brief_a, state=S.AWAITING_APPROVAL)
    response = client_for(cast.staff_a).post(
        reverse("matching:application_refuse", kwargs={"pk": application.pk}), {"reason": ""}
    )
    assert response.status_code == 400
    assert f'id="id_reason_{application.pk}_error"' in _text(response)
    application.refresh_from_db()
    assert application.state == S.AWAITING_APPROVAL


def test_staff_of_another_school_see_nothing(cast, client_for) -> None:
    application = make_application(cast.student_a, cast.brief_a, state=S.AWAITING_APPROVAL)
    client = client_for(cast.staff_b)
    assert (
        client.get(
            reverse("matching:cohort_applications", kwargs={"pk": cast.cohort_a.pk})
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("matching:application_approve", kwargs={"pk": application.pk})
        ).status_code
        == 404
    )
    page = _text(
        client.get(reverse("matching:cohort_applications", kwargs={"pk": cast.cohort_b.pk}))
    )
    assert cast.student_a.display_name not in page


def test_the_cohort_applications_page_runs_constant_queries(
    cast, client_for, django_assert_max_num_queries
) -> None:
    client = client_for(cast.staff_a)
    url = reverse("matching:cohort_applications", kwargs={"pk": cast.cohort_a.pk})
    counts = []
    for size in (2, 20):
        while Application.objects.count() < size:
            student = new_student(cast.cohort_a)
            make_application(student, new_brief(cast), state=S.AWAITING_APPROVAL)
            make_application(student, new_brief(cast))
        with django_assert_max_num_queries(20) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- The cohort roster (students app) -----------------------------------------------------------


def test_the_roster_says_who_applied_where_and_who_is_placed(
    cast, client_for, django_assert_max_num_queries
) -> None:
    free(cast.cohort_a)
    make_application(cast.student_a, cast.brief_a, state=S.ACCEPTED)
    make_application(cast.student_a, cast.brief_b, state=S.SHORTLISTED)
    make_application(cast.student_a, new_brief(cast, title="Ancien projet"), state=S.WITHDRAWN)
    client = client_for(cast.staff_a)
    url = reverse("students:cohort_detail", kwargs={"pk": cast.cohort_a.pk})
    response = client.get(url)
    row = response.context["roster"].rows[0]
    assert (row.applications.applied, row.applications.accepted, row.applications.placed) == (
        2,
        1,
        True,
    )
    assert row.applications.teams == (cast.brief_a.title,)
    page = _text(response)
    assert "Présélectionnée" in page and "Ancien projet" not in page
    assert "élèves placés" in page or "placés dans une équipe" in page
    export = client.get(reverse("students:cohort_export", kwargs={"pk": cast.cohort_a.pk}))
    rows = list(csv.reader(io.StringIO(export.content.decode().lstrip("\ufeff")), delimiter=";"))
    header, line = rows[0], rows[1]
    assert line[header.index("Candidatures")] == "2"
    assert "Site internet (brief_b) (Présélectionnée)" in line[header.index("Projets visés")]
    assert line[header.index("Candidatures acceptées")] == "1"
    assert line[header.index("Équipe")] == cast.brief_a.title
    # Constant queries whatever the number of students with applications.
    counts = []
    for size in (3, 30):
        while Application.objects.count() < size:
            make_application(new_student(cast.cohort_a), cast.brief_b)
        with django_assert_max_num_queries(20) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- Admin --------------------------------------------------------------------------------------


def test_the_admin_shows_applications_to_superusers_only_and_read_only(
    cast, client_for, django_assert_max_num_queries
) -> None:
    from tests.factories import UserFactory

    application = make_application(cast.student_a, cast.brief_a, state=S.ACCEPTED)
    superuser = UserFactory.create(is_staff=True, is_superuser=True)
    client = client_for(superuser)
    counts = []
    for extra in (1, 20):
        for _ in range(extra):
            make_application(new_student(cast.cohort_a), new_brief(cast))
        with django_assert_max_num_queries(20) as captured:
            assert client.get("/admin/matching/application/").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    page = client.get(f"/admin/matching/application/{application.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.get("/admin/matching/teammember/").status_code == 200
    assert client.get("/admin/matching/application/add/").status_code == 403
    # Motivations are personal data: moderators do not read them.
    moderator = client_for(cast.moderator)
    assert moderator.get("/admin/matching/application/").status_code == 403
