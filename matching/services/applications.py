"""Writes of applications: a student applies, the school approves when its cohort asks for
it, the organisation shortlists, accepts or declines, the team forms and the project starts.

Every function is keyword-only, takes ``acting_user``, checks who may act
(``PermissionDenied``) and whether the application's state allows it (``ValidationError``
with a French message for the person; nothing changes), runs in one transaction, writes an
audit row per state change and emits its notifications inside that transaction.

Locks, always taken in this order so that two transactions never wait on each other: the
brief row (submitting, accepting, starting), then the application row, then the student's
enrolment row (the cap on accepted applications). The brief lock serialises everything that
changes a team; the unique ``(brief, seat)`` of ``TeamMember`` is the database's backstop.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from organisations.models import Brief, OrganisationMembership
from organisations.workflow import BriefState
from students.models import ApplicationPolicy, Enrolment, SchoolStaff

from ..models import Application, ApplicationState, TeamMember
from ..models.applications import (
    DECIDABLE_STATES,
    MOTIVATION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    OPEN_STATES,
)
from ..selectors.applications import (
    accepted_cap_of,
    applying_directly,
    enrolments_for_applying,
    has_room,
)

S = ApplicationState

# The organisation is reminded once about an application left unanswered this long.
UNANSWERED_AFTER = datetime.timedelta(days=7)
# Reminders look back this far, so a missed daily run catches up without the task having to
# scan every old application again and again (notify() deduplicates within the window).
REMINDER_WINDOW = datetime.timedelta(days=7)
# Organisations hear about a project in progress this many days before its deadline.
ENDING_SOON_DAYS = 7


# --- Checks shared by the pages and the services ---------------------------------------------


@dataclass(frozen=True)
class ApplyCheck:
    """Whether a student may apply to a brief now, and within which enrolments."""

    refusal: str = ""
    existing: Application | None = None
    # Active enrolments the student may apply within (cohort policy and cap allow it).
    enrolments: list[Enrolment] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.refusal


def seats_taken(brief: Brief) -> int:
    return TeamMember.objects.filter(brief=brief).count()


def _brief_closed_reason(brief: Brief) -> str:
    if brief.state == BriefState.IN_PROGRESS:
        return _("A team is already working on this project: it no longer takes applications.")
    if brief.state in (BriefState.DELIVERED, BriefState.CLOSED):
        return _("This project is finished: it no longer takes applications.")
    return _("This project is not open for applications.")


def application_apply_check(*, student: User, brief: Brief) -> ApplyCheck:
    """Read-only: may ``student`` apply to ``brief``? The page shows the refusal instead of
    the form; :func:`application_submit` runs the same check under the brief's lock."""
    existing = Application.objects.filter(student=student, brief=brief).first()
    if existing is not None and existing.state != S.WITHDRAWN:
        return ApplyCheck(refusal=_("You have already applied to this project."), existing=existing)
    if brief.state != BriefState.PUBLISHED:
        return ApplyCheck(refusal=_brief_closed_reason(brief), existing=existing)
    if seats_taken(brief) >= brief.team_max:
        return ApplyCheck(
            refusal=_("The team of this project is complete: it no longer takes applications."),
            existing=existing,
        )
    enrolments = enrolments_for_applying(student=student)
    if not enrolments:
        return ApplyCheck(
            refusal=_(
                "To apply, first join your cohort with the code or the link your school gave you."
            ),
            existing=existing,
        )
    free = applying_directly(enrolments)
    if not free:
        return ApplyCheck(
            refusal=_(
                "Your school allocates the students of “%(cohort)s” to projects: you do not apply "
                "directly. Save this project and rank it among your favourites instead; your "
                "school takes them into account."
            )
            % {"cohort": enrolments[0].cohort.name},
            existing=existing,
        )
    cap = accepted_cap_of(free)
    if cap is not None:
        return ApplyCheck(
            refusal=ngettext(
                "You have already been accepted on %(count)s project, the most your cohort allows.",
                "You have already been accepted on %(count)s projects, the most your cohort "
                "allows.",
                cap,
            )
            % {"count": cap},
            existing=existing,
        )
    return ApplyCheck(existing=existing, enrolments=[e for e in free if has_room(e)])


def _number(value: int) -> str:
    """``50000`` → ``50 000`` in French, ``50,000`` in English."""
    return number_format(value, force_grouping=True)


def clean_motivation(motivation: str) -> str:
    motivation = (motivation or "").strip()
    if not motivation:
        raise ValidationError(
            {
                "motivation": _(
                    "Write a few lines: why this project matters to you and what you bring."
                )
            },
            code="required",
        )
    if len(motivation) > MOTIVATION_MAX_LENGTH:
        raise ValidationError(
            {
                "motivation": _(
                    "Keep your motivation under %(max)s characters (it has %(length)s)."
                )
                % {"max": _number(MOTIVATION_MAX_LENGTH), "length": _number(len(motivation))}
            },
            code="max_length",
        )
    return motivation


def clean_note(note: str, *, field_name: str = "note") -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                field_name: _("Keep your message under %(max)s characters (it has %(length)s).")
                % {"max": _number(NOTE_MAX_LENGTH), "length": _number(len(note))}
            },
            code="max_length",
        )
    return note


# --- Helpers ---------------------------------------------------------------------------------


def _lock_brief(brief_id: int) -> Brief:
    return (
        Brief.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=brief_id)
    )


def _lock_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("student", "brief__organisation", "enrolment__cohort__school")
        .get(pk=application.pk)
    )


def _require_student(application: Application, user: User) -> None:
    if application.student_id != user.pk:
        raise PermissionDenied


def _require_organisation_member(brief: Brief, user: User) -> None:
    if not OrganisationMembership.objects.filter(
        organisation_id=brief.organisation_id, user=user
    ).exists():
        raise PermissionDenied


def _require_school_staff(application: Application, user: User) -> None:
    if not SchoolStaff.objects.filter(
        school_id=application.enrolment.cohort.school_id, user=user
    ).exists():
        raise PermissionDenied


def _organisation_members(brief: Brief) -> list[User]:
    return list(
        User.objects.filter(organisation_memberships__organisation_id=brief.organisation_id)
        .order_by("pk")
        .distinct()
    )


def _state_refusal(application: Application) -> ValidationError:
    """Why nothing can be decided on an application in this state (organisation side)."""
    messages: dict[str, str] = {
        S.AWAITING_APPROVAL: _("This application is waiting for the school's approval."),
        S.ACCEPTED: _("This application is already accepted."),
        S.DECLINED: _("This application has already been declined."),
        S.WITHDRAWN: _("The student has withdrawn this application."),
        S.SHORTLISTED: _("This application is already shortlisted."),
    }
    return ValidationError(
        messages.get(application.state, _("This action is not possible now.")),
        code="invalid_state",
    )


def _audit(
    application: Application,
    *,
    acting_user: User | None,
    action: str,
    from_state: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    return audit_record(
        actor=acting_user,
        action=f"application.{action}",
        target=application,
        from_state=from_state,
        to_state=application.state,
        reason=reason,
        data=data,
    )


def _student_link(application: Application) -> str:
    return reverse("matching:my_applications") + f"#application-{application.pk}"


def _organisation_link(application: Application) -> str:
    return (
        reverse("matching:brief_applications", kwargs={"pk": application.brief_id})
        + f"#application-{application.pk}"
    )


def _notify_organisation(kind: str, application: Application, event: AuditEvent) -> None:
    from notifications.services import notify

    for member in _organisation_members(application.brief):
        notify(
            kind=kind,
            recipient=member,
            about=application,
            link=_organisation_link(application),
            context={
                "brief_title": application.brief.title,
                "student_name": application.student.display_name,
            },
            event_key=f"application:{application.pk}:{kind}:{event.pk}",
        )


def _notify_student(kind: str, application: Application, event: AuditEvent, **context: Any) -> None:
    from notifications.services import notify

    notify(
        kind=kind,
        recipient=application.student,
        about=application,
        link=_student_link(application),
        context={"brief_title": application.brief.title, **context},
        event_key=f"application:{application.pk}:{kind}:{event.pk}",
    )


def _similar_briefs(brief: Brief) -> list[dict[str, str]]:
    from organisations.selectors import briefs_similar_to

    return [
        {"title": other.title, "path": other.get_absolute_url()}
        for other in briefs_similar_to(brief=brief)
    ]


def _notify_declined(
    application: Application, event: AuditEvent, *, note: str, similar: list[dict[str, str]]
) -> None:
    _notify_student(
        "application_declined",
        application,
        event,
        organisation_name=application.brief.organisation.name,
        note=note,
        similar_briefs=similar,
    )


# --- The student ------------------------------------------------------------------------------


def application_submit(
    *,
    student: User,
    brief: Brief,
    motivation: str,
    enrolment: Enrolment | None = None,
    acting_user: User,
) -> Application:
    """The student applies to a published brief that still has seats.

    Within a cohort whose policy is "staff approve" the application waits for the school
    (``awaiting_approval``, the cohort's supervisors are told); otherwise the organisation
    receives it at once (``submitted``). Applying again after a withdrawal reactivates the
    same row (one application per student and brief, whatever its state): the new
    motivation replaces the old one and the process starts over.
    """
    if acting_user.pk != student.pk:
        raise PermissionDenied
    motivation = clean_motivation(motivation)
    with transaction.atomic():
        brief = _lock_brief(brief.pk)
        check = application_apply_check(student=student, brief=brief)
        if not check.allowed:
            raise ValidationError(check.refusal, code="refused")
        if enrolment is None:
            if len(check.enrolments) > 1:
                raise ValidationError(
                    {"enrolment": _("Choose the cohort you apply with.")}, code="enrolment"
                )
            enrolment = check.enrolments[0]
        elif enrolment.pk not in {e.pk for e in check.enrolments}:
            raise ValidationError(
                {"enrolment": _("Choose one of your cohorts that can apply.")}, code="enrolment"
            )
        else:
            enrolment = next(e for e in check.enrolments if e.pk == enrolment.pk)
        cohort = enrolment.cohort
        needs_approval = cohort.application_policy == ApplicationPolicy.APPROVAL
        now = timezone.now()
        application = check.existing or Application(student=student, brief=brief)
        from_state = application.state or ""
        application.enrolment = enrolment
        application.motivation = motivation
        application.state = S.AWAITING_APPROVAL if needs_approval else S.SUBMITTED
        application.submitted_at = None if needs_approval else now
        application.organisation_note = ""
        application.approved_by = None
        application.approved_at = None
        application.decided_at = None
        application.withdrawn_at = None
        try:
            # A savepoint: a concurrent double submit (no row lock on SQLite) hits the
            # unique constraint and gets the same message as a second submit.
            with transaction.atomic():
                application.save()
        except IntegrityError:
            raise ValidationError(
                _("You have already applied to this project."), code="duplicate"
            ) from None
        application.brief = brief
        event = _audit(
            application,
            acting_user=acting_user,
            action="submit",
            from_state=from_state,
            data={"cohort_id": cohort.pk},
        )
        if needs_approval:
            _notify_approvers(application, event)
        else:
            _notify_organisation("application_received", application, event)
    return application


def _notify_approvers(application: Application, event: AuditEvent) -> None:
    from notifications.services import notify
    from students.selectors import cohort_supervisors

    cohort = application.enrolment.cohort
    for supervisor in cohort_supervisors(cohort=cohort):
        notify(
            kind="approval_requested",
            recipient=supervisor,
            about=application,
            link=reverse("matching:cohort_applications", kwargs={"pk": cohort.pk})
            + f"#application-{application.pk}",
            context={
                "student_name": application.student.display_name,
                "brief_title": application.brief.title,
                "cohort_name": cohort.name,
            },
            event_key=f"application:{application.pk}:approval_requested:{event.pk}",
        )


def application_withdraw(*, application: Application, acting_user: User) -> Application:
    """The student takes back an application that is still waiting for a decision. The
    organisation is told only if it had already received it."""
    with transaction.atomic():
        application = _lock_application(application)
        _require_student(application, acting_user)
        if application.state not in OPEN_STATES:
            messages: dict[str, str] = {
                S.ACCEPTED: _(
                    "This application is accepted: to leave the team, write to the "
                    "organisation and to your school."
                ),
                S.DECLINED: _("This application has already been declined."),
                S.WITHDRAWN: _("You have already withdrawn this application."),
            }
            raise ValidationError(messages[application.state], code="invalid_state")
        from_state = application.state
        seen_by_organisation = application.submitted_at is not None
        application.state = S.WITHDRAWN
        application.withdrawn_at = timezone.now()
        application.save(update_fields=["state", "withdrawn_at", "updated_at"])
        event = _audit(
            application, acting_user=acting_user, action="withdraw", from_state=from_state
        )
        if seen_by_organisation:
            _notify_organisation("application_withdrawn", application, event)
    return application


# --- The school --------------------------------------------------------------------------------


def application_approve(*, application: Application, acting_user: User) -> Application:
    """A staff member of the cohort's school lets the application through to the
    organisation (cohorts whose policy is "staff approve")."""
    with transaction.atomic():
        application = _lock_application(application)
        _require_school_staff(application, acting_user)
        if application.state != S.AWAITING_APPROVAL:
            raise ValidationError(
                _("This application is not waiting for an approval any more (it is “%(state)s”).")
                % {"state": application.get_state_display()},
                code="invalid_state",
            )
        if application.brief.state != BriefState.PUBLISHED:
            raise ValidationError(_brief_closed_reason(application.brief), code="brief_closed")
        now = timezone.now()
        application.state = S.SUBMITTED
        application.approved_by = acting_user
        application.approved_at = now
        application.submitted_at = now
        application.save(
            update_fields=["state", "approved_by", "approved_at", "submitted_at", "updated_at"]
        )
        event = _audit(
            application, acting_user=acting_user, action="approve", from_state=S.AWAITING_APPROVAL
        )
        _notify_student("approval_given", application, event)
        _notify_organisation("application_received", application, event)
    return application


def application_refuse_approval(
    *, application: Application, reason: str, acting_user: User
) -> Application:
    """A staff member does not let the application through. It ends ``declined`` without
    the organisation ever seeing it; the reason, which the student reads, is kept as the
    decision's note (``organisation_note``)."""
    reason = clean_note(reason, field_name="reason")
    if not reason:
        raise ValidationError(
            {"reason": _("Tell the student why, in a sentence or two.")}, code="required"
        )
    with transaction.atomic():
        application = _lock_application(application)
        _require_school_staff(application, acting_user)
        if application.state != S.AWAITING_APPROVAL:
            raise ValidationError(
                _("This application is not waiting for an approval any more (it is “%(state)s”).")
                % {"state": application.get_state_display()},
                code="invalid_state",
            )
        application.state = S.DECLINED
        application.organisation_note = reason
        application.decided_at = timezone.now()
        application.save(update_fields=["state", "organisation_note", "decided_at", "updated_at"])
        event = _audit(
            application,
            acting_user=acting_user,
            action="refuse_approval",
            from_state=S.AWAITING_APPROVAL,
            reason=reason,
        )
        _notify_student(
            "approval_refused",
            application,
            event,
            cohort_name=application.enrolment.cohort.name,
            reason=reason,
        )
    return application


# --- The organisation --------------------------------------------------------------------------


def application_shortlist(
    *, application: Application, note: str = "", acting_user: User
) -> Application:
    note = clean_note(note)
    with transaction.atomic():
        application = _lock_application(application)
        _require_organisation_member(application.brief, acting_user)
        if application.state != S.SUBMITTED:
            raise _state_refusal(application)
        application.state = S.SHORTLISTED
        application.organisation_note = note
        application.save(update_fields=["state", "organisation_note", "updated_at"])
        event = _audit(
            application, acting_user=acting_user, action="shortlist", from_state=S.SUBMITTED
        )
        _notify_student(
            "application_shortlisted",
            application,
            event,
            organisation_name=application.brief.organisation.name,
            note=note,
        )
    return application


def application_accept(
    *, application: Application, note: str = "", acting_user: User
) -> Application:
    """The organisation takes the student into the brief's team.

    Two owners accepting at the same instant cannot overfill the team: the brief row is
    locked while its seats are counted and the next free seat is taken, the student's
    enrolment row while their accepted applications are counted against the cohort's cap.
    When the last seat is taken, the applications still open are declined kindly.
    """
    note = clean_note(note)
    with transaction.atomic():
        brief = _lock_brief(application.brief_id)
        _require_organisation_member(brief, acting_user)
        application = _lock_application(application)
        if application.state == S.ACCEPTED:
            raise _state_refusal(application)
        if brief.state != BriefState.PUBLISHED:
            raise ValidationError(_brief_closed_reason(brief), code="brief_closed")
        taken = set(TeamMember.objects.filter(brief=brief).values_list("seat", flat=True))
        if len(taken) >= brief.team_max:
            raise ValidationError(_full_message(brief), code="full")
        if application.state not in DECIDABLE_STATES:
            raise _state_refusal(application)
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("cohort")
            .get(pk=application.enrolment_id)
        )
        accepted = Application.objects.filter(enrolment=enrolment, state=S.ACCEPTED).count()
        cap = enrolment.cohort.max_accepted_applications
        if accepted >= cap:
            raise ValidationError(
                ngettext(
                    "This student's cohort allows %(count)s accepted project per student, and "
                    "they already have it.",
                    "This student's cohort allows %(count)s accepted projects per student, and "
                    "they already have them.",
                    cap,
                )
                % {"count": cap},
                code="cap",
            )
        seat = min(set(range(1, brief.team_max + 1)) - taken)
        try:
            with transaction.atomic():
                TeamMember.objects.create(
                    brief=brief,
                    student=application.student,
                    seat=seat,
                    source=TeamMember.Source.APPLICATION,
                    application=application,
                )
        except IntegrityError:
            if TeamMember.objects.filter(brief=brief, student=application.student).exists():
                raise ValidationError(
                    _("This student is already in the team."), code="in_team"
                ) from None
            raise ValidationError(_full_message(brief), code="full") from None
        from_state = application.state
        application.brief = brief
        application.state = S.ACCEPTED
        application.organisation_note = note
        application.decided_at = timezone.now()
        application.save(update_fields=["state", "organisation_note", "decided_at", "updated_at"])
        event = _audit(
            application,
            acting_user=acting_user,
            action="accept",
            from_state=from_state,
            data={"seat": seat},
        )
        _notify_student(
            "application_accepted",
            application,
            event,
            organisation_name=brief.organisation.name,
            note=note,
        )
        if len(taken) + 1 >= brief.team_max:
            _decline_open_applications(brief=brief, acting_user=acting_user, reason="team_full")
    return application


def _full_message(brief: Brief) -> str:
    return ngettext(
        "The team is complete: its %(count)s seat is taken.",
        "The team is complete: its %(count)s seats are taken.",
        brief.team_max,
    ) % {"count": brief.team_max}


def application_decline(
    *, application: Application, note: str = "", acting_user: User
) -> Application:
    """The organisation says no, kindly: the student receives the optional note and a few
    similar projects to look at."""
    note = clean_note(note)
    with transaction.atomic():
        application = _lock_application(application)
        _require_organisation_member(application.brief, acting_user)
        if application.state not in DECIDABLE_STATES:
            raise _state_refusal(application)
        from_state = application.state
        application.state = S.DECLINED
        application.organisation_note = note
        application.decided_at = timezone.now()
        application.save(update_fields=["state", "organisation_note", "decided_at", "updated_at"])
        event = _audit(
            application, acting_user=acting_user, action="decline", from_state=from_state
        )
        _notify_declined(application, event, note=note, similar=_similar_briefs(application.brief))
    return application


def brief_recruitment_close(*, brief: Brief, acting_user: User | None, reason: str) -> int:
    """Decline kindly every application still open on ``brief`` (another workflow formed
    its team, e.g. a published cohort allocation, or cancelled it). Returns how many."""
    with transaction.atomic():
        brief = _lock_brief(brief.pk)
        return _decline_open_applications(brief=brief, acting_user=acting_user, reason=reason)


def _decline_open_applications(*, brief: Brief, acting_user: User | None, reason: str) -> int:
    """Recruitment is over (the team is full, or the project started): every application
    still open is declined, each student with a kind message and similar projects. Those
    still waiting for their school's approval are declined too, so no queue keeps them."""
    pending = list(
        Application.objects.select_for_update(of=("self",))
        .filter(brief=brief, state__in=OPEN_STATES)
        .select_related("student")
        .order_by("pk")
    )
    if not pending:
        return 0
    similar = _similar_briefs(brief)
    now = timezone.now()
    for application in pending:
        from_state = application.state
        application.brief = brief
        application.state = S.DECLINED
        application.organisation_note = ""
        application.decided_at = now
        application.save(update_fields=["state", "organisation_note", "decided_at", "updated_at"])
        event = _audit(
            application,
            acting_user=acting_user,
            action="decline",
            from_state=from_state,
            reason=reason,
            data={"automatic": True},
        )
        _notify_declined(application, event, note="", similar=similar)
    return len(pending)


def project_start(*, brief: Brief, acting_user: User) -> Brief:
    """The organisation starts the project once its team reaches ``team_min``: the brief
    goes ``published → in_progress`` (``organisations.services.brief_start``) and the
    applications still open are declined kindly — the team is formed."""
    from organisations.services import brief_start

    with transaction.atomic():
        brief = _lock_brief(brief.pk)
        _require_organisation_member(brief, acting_user)
        if brief.state != BriefState.PUBLISHED:
            raise ValidationError(
                _("This project cannot start now: it is “%(state)s”.")
                % {"state": brief.get_state_display()},
                code="invalid_transition",
            )
        size = seats_taken(brief)
        if size < brief.team_min:
            raise ValidationError(
                ngettext(
                    "The team has %(size)s student; it needs at least %(min)s to start.",
                    "The team has %(size)s students; it needs at least %(min)s to start.",
                    size,
                )
                % {"size": size, "min": brief.team_min},
                code="team_too_small",
            )
        brief = brief_start(brief=brief, acting_user=acting_user)
        _decline_open_applications(brief=brief, acting_user=acting_user, reason="project_started")
    return brief


# --- Reminders (Celery beat) -------------------------------------------------------------------


def applications_unanswered_remind(*, now: datetime.datetime | None = None) -> int:
    """Nudge the organisation about applications left without an answer for a week.

    Once per application and submission: the event key names the submission's date, and
    notify() returns the existing row when called again for the same event.
    """
    from notifications.services import notify

    now = now or timezone.now()
    due = now - UNANSWERED_AFTER
    applications = list(
        Application.objects.filter(
            state=S.SUBMITTED,
            brief__state=BriefState.PUBLISHED,
            submitted_at__lte=due,
            submitted_at__gt=due - REMINDER_WINDOW,
        )
        .select_related("student", "brief")
        .order_by("pk")
    )
    members = _members_by_organisation({a.brief.organisation_id for a in applications})
    sent = 0
    for application in applications:
        assert application.submitted_at is not None
        days = (now - application.submitted_at).days
        with transaction.atomic():
            for member in members.get(application.brief.organisation_id, []):
                notify(
                    kind="application_unanswered",
                    recipient=member,
                    about=application,
                    link=_organisation_link(application),
                    context={
                        "brief_title": application.brief.title,
                        "student_name": application.student.display_name,
                        "days": days,
                    },
                    event_key=(
                        f"application:{application.pk}:unanswered:"
                        f"{application.submitted_at.isoformat()}"
                    ),
                )
                sent += 1
    return sent


def briefs_ending_soon_remind(
    *, today: datetime.date | None = None, days: int = ENDING_SOON_DAYS
) -> int:
    """Tell the organisation when a project in progress reaches its last week. Once per
    brief and deadline: a deadline moved later is a new event."""
    from notifications.services import notify

    today = today or timezone.localdate()
    briefs = list(
        Brief.objects.filter(
            state=BriefState.IN_PROGRESS,
            end_date__gte=today,
            end_date__lte=today + datetime.timedelta(days=days),
        ).order_by("pk")
    )
    members = _members_by_organisation({brief.organisation_id for brief in briefs})
    sent = 0
    for brief in briefs:
        assert brief.end_date is not None
        with transaction.atomic():
            for member in members.get(brief.organisation_id, []):
                notify(
                    kind="brief_ending_soon",
                    recipient=member,
                    about=brief,
                    link=brief.get_absolute_url(),
                    context={"brief_title": brief.title, "end_date": brief.end_date.isoformat()},
                    event_key=f"brief:{brief.pk}:ending_soon:{brief.end_date.isoformat()}",
                )
                sent += 1
    return sent


def _members_by_organisation(organisation_ids: set[int]) -> dict[int, list[User]]:
    members: dict[int, list[User]] = {}
    memberships = (
        OrganisationMembership.objects.filter(organisation_id__in=organisation_ids)
        .select_related("user")
        .order_by("organisation_id", "user_id")
    )
    for membership in memberships:
        members.setdefault(membership.organisation_id, []).append(membership.user)
    return members
