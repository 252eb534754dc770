"""Services of applications: every transition, every bad input of the issue (clear French
message, nothing changed), the caps, the audit trail and the notifications."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from matching.models import Application, ApplicationState, TeamMember
from matching.selectors.applications import (
    brief_ids_full,
    briefs_with_free_seats,
    with_seats_taken,
)
from matching.services import applications as services
from notifications.models import Notification
from organisations.models import Brief
from organisations.workflow import BriefState
from students.models import ApplicationPolicy, Cohort, Enrolment

from .applications_fixtures import free, make_application, new_brief, new_student, set_policy

S = ApplicationState
pytestmark = pytest.mark.django_db


def _message(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


def _kinds(**filters: object) -> list[str]:
    return sorted(Notification.objects.filter(**filters).values_list("kind", flat=True))


def _submit(cast, student=None, brief=None, motivation="Je veux aider.", **kwargs):
    student = student or cast.student_a
    return services.application_submit(
        student=student,
        brief=brief or cast.brief_a,
        motivation=motivation,
        acting_user=student,
        **kwargs,
    )


# --- Submitting ------------------------------------------------------------------------------


def test_a_staff_approve_cohort_sends_the_application_to_the_school_first(cast) -> None:
    application = _submit(cast, motivation="  J'aime les jardins.  ")
    assert application.state == S.AWAITING_APPROVAL
    assert application.motivation == "J'aime les jardins."
    assert application.submitted_at is None
    assert application.enrolment.cohort == cast.cohort_a
    # The cohort has no supervisor: its school's administrators answer for it.
    assert _kinds(recipient=cast.staff_a) == ["approval_requested"]
    assert not Notification.objects.filter(recipient__in=[cast.owner_a, cast.member_a]).exists()
    notification = Notification.objects.get(kind="approval_requested")
    assert notification.context == {
        "student_name": cast.student_a.display_name,
        "brief_title": cast.brief_a.title,
        "cohort_name": cast.cohort_a.name,
    }
    assert notification.link.endswith(
        f"/cohorts/{cast.cohort_a.pk}/applications/#application-{application.pk}"
    )
    event = AuditEvent.objects.get(action="application.submit")
    assert (event.actor, event.from_state, event.to_state) == (
        cast.student_a,
        "",
        S.AWAITING_APPROVAL,
    )
    # The organisation does not see it yet.
    assert not Application.objects.received_by(cast.owner_a).exists()


def test_cohort_supervisors_receive_the_approval_request_instead_of_the_admins(cast) -> None:
    supervisor = new_student(cast.cohort_b)  # any account will do as a supervisor
    cast.cohort_a.supervisors.add(supervisor)
    _submit(cast)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [supervisor.pk]


def test_a_free_cohort_sends_the_application_to_every_member_of_the_organisation(cast) -> None:
    free(cast.cohort_a)
    application = _submit(cast)
    assert application.state == S.SUBMITTED
    assert application.submitted_at is not None
    rows = Notification.objects.filter(kind="application_received")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(
        [cast.owner_a.pk, cast.member_a.pk]
    )
    assert rows[0].context == {
        "brief_title": cast.brief_a.title,
        "student_name": cast.student_a.display_name,
    }
    assert rows[0].link.endswith(
        f"/briefs/{cast.brief_a.pk}/applications/#application-{application.pk}"
    )
    assert list(Application.objects.received_by(cast.member_a)) == [application]
    assert not Application.objects.received_by(cast.owner_b).exists()


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (BriefState.DRAFT, "Cette mission n'est pas ouverte aux candidatures."),
        (BriefState.SUBMITTED, "Cette mission n'est pas ouverte aux candidatures."),
        (BriefState.CANCELLED, "Cette mission n'est pas ouverte aux candidatures."),
        (BriefState.IN_PROGRESS, "Une équipe travaille déjà sur cette mission"),
        (BriefState.CLOSED, "Cette mission est terminée"),
    ],
)
def test_only_published_briefs_take_applications(cast, state, message) -> None:
    Brief.objects.filter(pk=cast.brief_a.pk).update(state=state)
    cast.brief_a.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        _submit(cast)
    assert message in _message(error)
    assert not Application.objects.exists()
    assert not Notification.objects.exists()


def test_a_full_brief_takes_no_more_applications(cast) -> None:
    free(cast.cohort_a)
    brief = new_brief(cast, team_min=1, team_max=1)
    make_application(new_student(cast.cohort_a), brief, state=S.ACCEPTED)
    with pytest.raises(ValidationError) as error:
        _submit(cast, brief=brief)
    assert "L'équipe de cette mission est complète" in _message(error)
    assert Application.objects.count() == 1


def test_applying_twice_is_refused_whatever_the_state(cast) -> None:
    _submit(cast)
    for state in (S.AWAITING_APPROVAL, S.SUBMITTED, S.DECLINED, S.ACCEPTED):
        Application.objects.update(state=state)
        with pytest.raises(ValidationError) as error:
            _submit(cast, motivation="Encore moi.")
        assert "Vous avez déjà postulé à cette mission." in _message(error)
    assert Application.objects.get().motivation == "Je veux aider."


def test_a_fifty_thousand_character_motivation_is_refused_beside_the_field(cast) -> None:
    with pytest.raises(ValidationError) as error:
        _submit(cast, motivation="a" * 50_000)
    assert set(error.value.message_dict) == {"motivation"}
    text = error.value.message_dict["motivation"][0]
    assert "3\u202f000" in text or "3\xa0000" in text or "3 000" in text
    assert "50" in text and "000" in text
    assert not Application.objects.exists()


def test_an_empty_motivation_is_refused(cast) -> None:
    with pytest.raises(ValidationError) as error:
        _submit(cast, motivation="   \n ")
    assert "Écrivez quelques lignes" in error.value.message_dict["motivation"][0]


def test_a_student_without_an_active_cohort_cannot_apply(cast) -> None:
    Cohort.objects.filter(pk=cast.cohort_a.pk).update(archived_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        _submit(cast)
    assert "rejoignez d'abord votre promotion" in _message(error)


def test_an_allocated_cohort_ranks_favourites_instead_of_applying(cast) -> None:
    set_policy(cast.cohort_a, ApplicationPolicy.ALLOCATION)
    with pytest.raises(ValidationError) as error:
        _submit(cast)
    message = _message(error)
    assert "Votre établissement répartit les étudiants de «\u00a0Promotion A\u00a0»" in message
    assert "favoris" in message
    assert not Application.objects.exists()


def test_someone_else_cannot_apply_for_a_student(cast) -> None:
    with pytest.raises(PermissionDenied):
        services.application_submit(
            student=cast.student_a, brief=cast.brief_a, motivation="x", acting_user=cast.staff_a
        )


def test_a_student_of_two_cohorts_chooses_the_one_they_apply_with(cast) -> None:
    other = free(
        Cohort.objects.create(
            school=cast.school_b,
            name="Promotion bis",
            programme="Web",
            starts_on=cast.cohort_a.starts_on,
            ends_on=cast.cohort_a.ends_on,
            expected_hours=40,
            join_code="BISBISBI",
        )
    )
    enrolment = Enrolment.objects.create(cohort=other, student=cast.student_a, source="code")
    with pytest.raises(ValidationError) as error:
        _submit(cast)
    assert "enrolment" in error.value.message_dict
    application = _submit(cast, enrolment=enrolment)
    assert application.state == S.SUBMITTED  # the free cohort's rules apply
    # An enrolment of someone else is not a choice.
    foreign = Enrolment.objects.get(student=cast.student_b)
    with pytest.raises(ValidationError):
        _submit(cast, brief=new_brief(cast), enrolment=foreign)


def test_applying_again_after_withdrawing_reactivates_the_same_application(cast) -> None:
    free(cast.cohort_a)
    first = _submit(cast)
    services.application_withdraw(application=first, acting_user=cast.student_a)
    again = _submit(cast, motivation="Je reviens avec plus de temps.")
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.state, again.motivation, again.withdrawn_at) == (
        S.SUBMITTED,
        "Je reviens avec plus de temps.",
        None,
    )
    events = AuditEvent.objects.filter(action="application.submit").order_by("pk")
    assert [e.from_state for e in events] == ["", S.WITHDRAWN]


# --- Withdrawing -----------------------------------------------------------------------------


def test_withdrawing_tells_the_organisation_only_if_it_had_seen_it(cast) -> None:
    awaiting = _submit(cast)
    services.application_withdraw(application=awaiting, acting_user=cast.student_a)
    assert not Notification.objects.filter(kind="application_withdrawn").exists()

    free(cast.cohort_a)
    brief = new_brief(cast)
    seen = _submit(cast, brief=brief)
    withdrawn = services.application_withdraw(application=seen, acting_user=cast.student_a)
    assert withdrawn.state == S.WITHDRAWN and withdrawn.withdrawn_at is not None
    assert sorted(
        Notification.objects.filter(kind="application_withdrawn").values_list(
            "recipient", flat=True
        )
    ) == sorted([cast.owner_a.pk, cast.member_a.pk])


def test_withdrawing_is_for_the_student_and_open_applications_only(cast) -> None:
    free(cast.cohort_a)
    application = _submit(cast)
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=application, acting_user=cast.student_b)
    services.application_withdraw(application=application, acting_user=cast.student_a)
    with pytest.raises(ValidationError) as error:
        services.application_withdraw(application=application, acting_user=cast.student_a)
    assert "Vous avez déjà retiré cette candidature." in _message(error)

    accepted = make_application(cast.student_a, new_brief(cast), state=S.ACCEPTED)
    with pytest.raises(ValidationError) as error:
        services.application_withdraw(application=accepted, acting_user=cast.student_a)
    assert "écrivez à l'organisation" in _message(error)
    accepted.refresh_from_db()
    assert accepted.state == S.ACCEPTED


# --- The school -------------------------------------------------------------------------------


def test_approving_sends_it_to_the_organisation_and_tells_the_student(cast) -> None:
    application = _submit(cast)
    Notification.objects.all().delete()
    approved = services.application_approve(application=application, acting_user=cast.staff_a)
    assert approved.state == S.SUBMITTED
    assert approved.approved_by == cast.staff_a and approved.submitted_at is not None
    assert _kinds(recipient=cast.student_a) == ["approval_given"]
    assert _kinds(recipient__in=[cast.owner_a, cast.member_a]) == ["application_received"] * 2
    assert AuditEvent.objects.filter(
        action="application.approve", actor=cast.staff_a, to_state=S.SUBMITTED
    ).exists()
    with pytest.raises(ValidationError) as error:
        services.application_approve(application=application, acting_user=cast.staff_a)
    assert "n'attend plus de validation" in _message(error)


def test_staff_of_another_school_cannot_approve(cast) -> None:
    application = _submit(cast)
    for outsider in (cast.staff_b, cast.owner_a, cast.student_a):
        with pytest.raises(PermissionDenied):
            services.application_approve(application=application, acting_user=outsider)
    application.refresh_from_db()
    assert application.state == S.AWAITING_APPROVAL


def test_refusing_the_approval_needs_a_reason_and_hides_it_from_the_organisation(cast) -> None:
    application = _submit(cast)
    with pytest.raises(ValidationError) as error:
        services.application_refuse_approval(
            application=application, reason=" ", acting_user=cast.staff_a
        )
    assert "reason" in error.value.message_dict
    refused = services.application_refuse_approval(
        application=application, reason="Choisissez un projet plus court.", acting_user=cast.staff_a
    )
    assert refused.state == S.DECLINED and refused.refused_by_school
    assert refused.organisation_note == "Choisissez un projet plus court."
    assert not Application.objects.received_by(cast.owner_a).exists()
    event = AuditEvent.objects.get(action="application.refuse_approval")
    assert event.reason == "Choisissez un projet plus court."
    # The student, and only the student, is told why.
    notification = Notification.objects.get(kind="approval_refused")
    assert notification.recipient == cast.student_a
    assert notification.context["reason"] == "Choisissez un projet plus court."


# --- The organisation --------------------------------------------------------------------------


@pytest.fixture
def submitted(cast) -> Application:
    free(cast.cohort_a)
    application = _submit(cast)
    Notification.objects.all().delete()
    return application


def test_shortlisting_tells_the_student_with_the_note(cast, submitted) -> None:
    shortlisted = services.application_shortlist(
        application=submitted, note="Pouvons-nous en parler mardi ?", acting_user=cast.member_a
    )
    assert shortlisted.state == S.SHORTLISTED
    notification = Notification.objects.get(recipient=cast.student_a)
    assert notification.kind == "application_shortlisted"
    assert notification.context == {
        "brief_title": cast.brief_a.title,
        "organisation_name": cast.org_a.name,
        "note": "Pouvons-nous en parler mardi ?",
    }
    with pytest.raises(ValidationError) as error:
        services.application_shortlist(application=submitted, acting_user=cast.owner_a)
    assert "déjà présélectionnée" in _message(error)


def test_accepting_takes_a_seat_and_tells_the_student(cast, submitted) -> None:
    accepted = services.application_accept(
        application=submitted, note="Bienvenue !", acting_user=cast.owner_a
    )
    assert accepted.state == S.ACCEPTED and accepted.decided_at is not None
    member = TeamMember.objects.get(brief=cast.brief_a)
    assert (member.student, member.seat, member.source, member.application) == (
        cast.student_a,
        1,
        TeamMember.Source.APPLICATION,
        accepted,
    )
    assert _kinds(recipient=cast.student_a) == ["application_accepted"]
    assert AuditEvent.objects.get(action="application.accept").data == {"seat": 1}


def test_accepting_twice_changes_nothing(cast, submitted) -> None:
    services.application_accept(application=submitted, acting_user=cast.owner_a)
    with pytest.raises(ValidationError) as error:
        services.application_accept(application=submitted, acting_user=cast.member_a)
    assert "Cette candidature est déjà acceptée." in _message(error)
    assert TeamMember.objects.count() == 1
    assert Notification.objects.count() == 1
    assert AuditEvent.objects.filter(action="application.accept").count() == 1


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (S.WITHDRAWN, "L'étudiant a retiré cette candidature."),
        (S.DECLINED, "Cette candidature a déjà été déclinée."),
        (S.AWAITING_APPROVAL, "Cette candidature attend la validation de l'établissement."),
    ],
)
def test_no_decision_on_a_closed_or_unapproved_application(cast, submitted, state, message) -> None:
    Application.objects.filter(pk=submitted.pk).update(state=state)
    for decide in (
        services.application_accept,
        services.application_decline,
        services.application_shortlist,
    ):
        with pytest.raises(ValidationError) as error:
            decide(application=submitted, acting_user=cast.owner_a)
        assert message in _message(error)
    submitted.refresh_from_db()
    assert submitted.state == state
    assert not TeamMember.objects.exists()
    assert not Notification.objects.exists()


def test_only_members_of_the_organisation_decide(cast, submitted) -> None:
    for outsider in (cast.owner_b, cast.staff_a, cast.student_a, cast.moderator):
        for decide in (
            services.application_accept,
            services.application_decline,
            services.application_shortlist,
        ):
            with pytest.raises(PermissionDenied):
                decide(application=submitted, acting_user=outsider)
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED


def test_declining_sends_the_note_and_similar_projects(cast, submitted) -> None:
    similar = new_brief(cast, organisation=cast.org_b, title="Un autre site")
    declined = services.application_decline(
        application=submitted,
        note="Merci, votre candidature était soignée.",
        acting_user=cast.owner_a,
    )
    assert declined.state == S.DECLINED
    notification = Notification.objects.get(recipient=cast.student_a)
    assert notification.kind == "application_declined"
    assert notification.context["note"] == "Merci, votre candidature était soignée."
    assert {"title": similar.title, "path": similar.get_absolute_url()} in notification.context[
        "similar_briefs"
    ]


def test_a_note_over_the_limit_is_refused_beside_the_field(cast, submitted) -> None:
    with pytest.raises(ValidationError) as error:
        services.application_decline(
            application=submitted, note="x" * 2001, acting_user=cast.owner_a
        )
    assert set(error.value.message_dict) == {"note"}
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED


def test_the_last_seat_closes_recruitment_kindly(cast) -> None:
    free(cast.cohort_a)
    brief = new_brief(cast, team_min=1, team_max=2)
    first, second, third = (make_application(new_student(cast.cohort_a), brief) for _ in range(3))
    waiting = make_application(new_student(cast.cohort_a), brief, state=S.AWAITING_APPROVAL)
    services.application_accept(application=first, acting_user=cast.owner_a)
    services.application_accept(application=second, acting_user=cast.owner_a)
    assert list(TeamMember.objects.filter(brief=brief).values_list("seat", flat=True)) == [1, 2]
    for application in (third, waiting):
        application.refresh_from_db()
        assert application.state == S.DECLINED
        assert _kinds(recipient=application.student) == ["application_declined"]
    with pytest.raises(ValidationError) as error:
        services.application_accept(application=third, acting_user=cast.owner_a)
    assert "L'équipe est complète (2 places prises)." in _message(error)
    assert brief_ids_full([brief.pk, cast.brief_a.pk]) == {brief.pk}


def test_a_student_is_accepted_on_no_more_briefs_than_the_cohort_allows(cast) -> None:
    free(cast.cohort_a, max_accepted_applications=1)
    one, two = new_brief(cast), new_brief(cast, organisation=cast.org_b)
    first = _submit(cast, brief=one)
    second = _submit(cast, brief=two)
    services.application_accept(application=first, acting_user=cast.owner_a)
    with pytest.raises(ValidationError) as error:
        services.application_accept(application=second, acting_user=cast.owner_b)
    assert "1 mission acceptée par étudiant" in _message(error)
    second.refresh_from_db()
    assert second.state == S.SUBMITTED
    # And a third application is refused at once.
    with pytest.raises(ValidationError) as error:
        _submit(cast, brief=new_brief(cast))
    assert "le maximum prévu par votre promotion" in _message(error)
    # A cohort allowing two lets the second one through.
    Cohort.objects.filter(pk=cast.cohort_a.pk).update(max_accepted_applications=2)
    services.application_accept(application=second, acting_user=cast.owner_b)


# --- Starting the project -------------------------------------------------------------------


def test_the_project_starts_once_the_team_reaches_its_minimum(cast) -> None:
    free(cast.cohort_a)
    brief = new_brief(cast, team_min=2, team_max=3)
    first, second, other = (make_application(new_student(cast.cohort_a), brief) for _ in range(3))
    services.application_accept(application=first, acting_user=cast.owner_a)
    with pytest.raises(ValidationError) as error:
        services.project_start(brief=brief, acting_user=cast.owner_a)
    too_small = "L'équipe compte 1 étudiant\u00a0; il en faut au moins 2 pour démarrer."
    assert too_small in _message(error)
    brief.refresh_from_db()
    assert brief.state == BriefState.PUBLISHED

    services.application_accept(application=second, acting_user=cast.member_a)
    started = services.project_start(brief=brief, acting_user=cast.member_a)
    assert started.state == BriefState.IN_PROGRESS
    assert AuditEvent.objects.filter(action="brief.start", actor=cast.member_a).exists()
    other.refresh_from_db()
    assert other.state == S.DECLINED
    assert AuditEvent.objects.get(action="application.decline").reason == "project_started"
    with pytest.raises(ValidationError):
        services.project_start(brief=brief, acting_user=cast.owner_a)
    with pytest.raises(PermissionDenied):
        services.project_start(brief=new_brief(cast), acting_user=cast.owner_b)


# --- Seats for the catalogue and the recommendations ---------------------------------------------


def test_briefs_with_free_seats(cast) -> None:
    full = new_brief(cast, team_min=1, team_max=1)
    make_application(new_student(cast.cohort_a), full, state=S.ACCEPTED)
    half = new_brief(cast, team_min=1, team_max=2)
    make_application(new_student(cast.cohort_a), half, state=S.ACCEPTED)
    open_ids = set(briefs_with_free_seats().values_list("pk", flat=True))
    assert half.pk in open_ids and cast.brief_a.pk in open_ids
    assert full.pk not in open_ids and cast.draft_a.pk not in open_ids
    narrowed = briefs_with_free_seats(Brief.objects.filter(organisation=cast.org_b))
    assert list(narrowed) == [cast.brief_b]
    sizes = dict(with_seats_taken(Brief.objects.all()).values_list("pk", "seats_taken"))  # type: ignore[misc]
    assert (sizes[full.pk], sizes[half.pk], sizes[cast.brief_a.pk]) == (1, 1, 0)


# --- Reminders --------------------------------------------------------------------------------


def test_an_unanswered_application_is_reminded_once(cast) -> None:
    free(cast.cohort_a)
    application = make_application(cast.student_a, cast.brief_a)
    fresh = make_application(new_student(cast.cohort_a), cast.brief_a)
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    Application.objects.filter(pk=application.pk).update(submitted_at=eight_days_ago)
    assert services.applications_unanswered_remind() == 2
    assert services.applications_unanswered_remind() == 2  # same event: no new row
    rows = Notification.objects.filter(kind="application_unanswered")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(
        [cast.owner_a.pk, cast.member_a.pk]
    )
    assert rows[0].context["days"] == 8
    assert not rows.filter(about_id=str(fresh.pk)).exists()
    # Answered applications are not reminded.
    Application.objects.filter(pk=application.pk).update(state=S.SHORTLISTED)
    Notification.objects.all().delete()
    assert services.applications_unanswered_remind() == 0


def test_a_brief_ending_soon_is_announced_once_per_deadline(cast) -> None:
    today = datetime.date.today()
    Brief.objects.filter(pk=cast.brief_a.pk).update(
        state=BriefState.IN_PROGRESS, start_date=today, end_date=today + datetime.timedelta(days=5)
    )
    Brief.objects.filter(pk=cast.brief_b.pk).update(
        state=BriefState.IN_PROGRESS, start_date=today, end_date=today + datetime.timedelta(days=30)
    )
    services.briefs_ending_soon_remind()
    services.briefs_ending_soon_remind()
    rows = Notification.objects.filter(kind="brief_ending_soon")
    assert rows.count() == 2  # owner_a and member_a, once
    assert rows[0].context == {
        "brief_title": cast.brief_a.title,
        "end_date": (today + datetime.timedelta(days=5)).isoformat(),
    }
    # A deadline moved later is a new event.
    Brief.objects.filter(pk=cast.brief_a.pk).update(end_date=today + datetime.timedelta(days=6))
    services.briefs_ending_soon_remind()
    assert rows.count() == 4


def test_another_workflow_closes_recruitment_kindly(cast) -> None:
    free(cast.cohort_a)
    open_one = make_application(cast.student_a, cast.brief_a)
    accepted = make_application(new_student(cast.cohort_a), cast.brief_a, state=S.ACCEPTED)
    assert (
        services.brief_recruitment_close(brief=cast.brief_a, acting_user=None, reason="allocated")
        == 1
    )
    open_one.refresh_from_db()
    accepted.refresh_from_db()
    assert (open_one.state, accepted.state) == (S.DECLINED, S.ACCEPTED)
    assert _kinds(recipient=cast.student_a) == ["application_declined"]
    assert AuditEvent.objects.get(action="application.decline").actor is None
