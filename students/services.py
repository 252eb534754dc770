"""Writes of the students app: schools and staff, cohorts, enrolments, student profiles.

Each service runs in one transaction, writes an audit row for state changes that matter, and
raises ``ValidationError`` with a French message (the current language) when a rule refuses.
Notifications go through ``notifications.services.notify`` inside the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.audit import audit_record
from accounts.models import User
from matching.models import Cause, Skill

from .csv_import import RosterRow
from .models import (
    Cohort,
    CohortInvitation,
    Enrolment,
    RosterImport,
    School,
    SchoolInvitation,
    SchoolStaff,
    StudentProfile,
    StudentSkill,
)
from .tokens import INVITATION_VALIDITY, generate_join_code, invitation_token, new_nonce
from .validators import email_in_domain, normalise_email_domain

ROSTER_PREVIEW_VALIDITY = timedelta(hours=2)


# --- Schools and staff -----------------------------------------------------------------------


def school_create(*, name: str, kind: str, city: str, acting_user: User) -> School:
    """A new school; the person who creates it becomes its first administrator."""
    with transaction.atomic():
        school = School.objects.create(
            name=name.strip(), kind=kind, city=city.strip(), created_by=acting_user
        )
        SchoolStaff.objects.create(school=school, user=acting_user, role=SchoolStaff.Role.ADMIN)
        audit_record(actor=acting_user, action="school.create", target=school)
    return school


def school_update(*, school: School, name: str, kind: str, city: str, acting_user: User) -> School:
    _require_admin(school, acting_user)
    with transaction.atomic():
        school.name, school.kind, school.city = name.strip(), kind, city.strip()
        school.save(update_fields=["name", "kind", "city"])
        audit_record(actor=acting_user, action="school.update", target=school)
    return school


def school_staff_invite(
    *, school: School, email: str, role: str, acting_user: User
) -> SchoolInvitation:
    """Invite a colleague by email (a signed link valid 14 days). Inviting the same address
    again sends a fresh link and makes the previous one useless."""
    _require_admin(school, acting_user)
    email = email.strip().lower()
    if school.staff.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a staff member of the school.")})
    with transaction.atomic():
        invitation = SchoolInvitation.objects.filter(school=school, email__iexact=email).first()
        invitation = _refresh_invitation(
            invitation or SchoolInvitation(school=school, email=email), acting_user
        )
        invitation.role = role
        invitation.save()
        audit_record(
            actor=acting_user,
            action="school.staff_invite",
            target=school,
            data={"email": email, "role": role},
        )
        _notify_invitation(
            kind="school_invitation",
            invitation=invitation,
            link=reverse(
                "students:school_invitation_accept",
                kwargs={"token": invitation_token("school", invitation.pk, invitation.nonce)},
            ),
            context={"school_name": school.name, "inviter_name": acting_user.display_name},
        )
    return invitation


def school_invitation_revoke(*, invitation: SchoolInvitation, acting_user: User) -> None:
    _require_admin(invitation.school, acting_user)
    _revoke(invitation, acting_user, action="school.invitation_revoke")


def school_invitation_accept(*, invitation: SchoolInvitation, acting_user: User) -> SchoolStaff:
    with transaction.atomic():
        invitation = SchoolInvitation.objects.select_for_update().get(pk=invitation.pk)
        _check_invitation_usable(invitation)
        membership, created = SchoolStaff.objects.get_or_create(
            school=invitation.school, user=acting_user, defaults={"role": invitation.role}
        )
        _mark_accepted(invitation, acting_user)
        if created:
            audit_record(
                actor=acting_user,
                action="school.staff_join",
                target=invitation.school,
                data={"role": membership.role, "invitation": invitation.pk},
            )
    return membership


def school_staff_remove(*, membership: SchoolStaff, acting_user: User) -> None:
    """Remove a staff member. Admins remove anyone; anyone may leave; a school keeps at
    least one administrator."""
    school = membership.school
    if membership.user_id != acting_user.pk:
        _require_admin(school, acting_user)
    with transaction.atomic():
        admins = school.staff.select_for_update().filter(role=SchoolStaff.Role.ADMIN)
        if membership.is_admin and admins.count() <= 1:
            raise ValidationError(
                _("A school needs at least one administrator: name another one first.")
            )
        membership.delete()
        Cohort.supervisors.through.objects.filter(
            cohort__school=school, user_id=membership.user_id
        ).delete()
        audit_record(
            actor=acting_user,
            action="school.staff_remove",
            target=school,
            data={"user": membership.user_id, "role": membership.role},
        )


# --- Cohorts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortDetails:
    """What staff set on a cohort (the cohort form's cleaned data)."""

    name: str
    programme: str
    starts_on: date
    ends_on: date
    expected_hours: int
    application_policy: str
    ects_credits: int | None = None
    max_students: int | None = None
    max_accepted_applications: int = 1
    allowed_email_domain: str = ""
    join_code_expires_on: date | None = None
    supervisors: Sequence[User] = field(default_factory=tuple)


def cohort_create(*, school: School, details: CohortDetails, acting_user: User) -> Cohort:
    _require_admin(school, acting_user)
    cohort = Cohort(school=school, created_by=acting_user)
    with transaction.atomic():
        _apply_cohort_details(cohort, details)
        _save_with_new_join_code(cohort)
        cohort.supervisors.set(details.supervisors)
        audit_record(actor=acting_user, action="cohort.create", target=cohort)
    return cohort


def cohort_update(*, cohort: Cohort, details: CohortDetails, acting_user: User) -> Cohort:
    _require_admin(cohort.school, acting_user)
    with transaction.atomic():
        enrolled = cohort.enrolments.count()
        if details.max_students is not None and details.max_students < enrolled:
            raise ValidationError(
                {
                    "max_students": ngettext(
                        "%(count)d student is already enrolled: the maximum cannot be lower.",
                        "%(count)d students are already enrolled: the maximum cannot be lower.",
                        enrolled,
                    )
                    % {"count": enrolled}
                }
            )
        _apply_cohort_details(cohort, details)
        cohort.save()
        cohort.supervisors.set(details.supervisors)
        audit_record(actor=acting_user, action="cohort.update", target=cohort)
    return cohort


def _apply_cohort_details(cohort: Cohort, details: CohortDetails) -> None:
    if details.ends_on < details.starts_on:
        raise ValidationError({"ends_on": _("The end date must be after the start date.")})
    staff_ids = set(cohort.school.staff.values_list("user_id", flat=True))
    if any(user.pk not in staff_ids for user in details.supervisors):
        raise ValidationError({"supervisors": _("Supervisors must be staff of the school.")})
    cohort.name = details.name.strip()
    cohort.programme = details.programme.strip()
    cohort.starts_on, cohort.ends_on = details.starts_on, details.ends_on
    cohort.expected_hours = details.expected_hours
    cohort.ects_credits = details.ects_credits
    cohort.application_policy = details.application_policy
    cohort.max_students = details.max_students
    cohort.max_accepted_applications = details.max_accepted_applications
    try:
        cohort.allowed_email_domain = normalise_email_domain(details.allowed_email_domain)
    except ValidationError as error:
        raise ValidationError({"allowed_email_domain": error.messages}) from error
    cohort.join_code_expires_on = details.join_code_expires_on


def _save_with_new_join_code(cohort: Cohort) -> None:
    # A collision among 10**12 codes is unlikely but possible: draw again.
    for _attempt in range(5):
        cohort.join_code = generate_join_code()
        try:
            with transaction.atomic():
                cohort.save()
            return
        except IntegrityError:
            if not Cohort.objects.filter(join_code=cohort.join_code).exists():
                raise
    raise RuntimeError("Could not draw a unique join code.")


def cohort_archive(*, cohort: Cohort, acting_user: User) -> None:
    """End of term: the cohort leaves the active lists and nobody can join it any more."""
    _require_admin(cohort.school, acting_user)
    if cohort.is_archived:
        return
    with transaction.atomic():
        cohort.archived_at = timezone.now()
        cohort.save(update_fields=["archived_at"])
        audit_record(
            actor=acting_user,
            action="cohort.archive",
            target=cohort,
            from_state="active",
            to_state="archived",
        )


def cohort_unarchive(*, cohort: Cohort, acting_user: User) -> None:
    _require_admin(cohort.school, acting_user)
    if not cohort.is_archived:
        return
    with transaction.atomic():
        cohort.archived_at = None
        cohort.save(update_fields=["archived_at"])
        audit_record(
            actor=acting_user,
            action="cohort.unarchive",
            target=cohort,
            from_state="archived",
            to_state="active",
        )


def cohort_join_code_regenerate(*, cohort: Cohort, acting_user: User) -> str:
    """A new code (the old one stops working at once), e.g. after it leaked."""
    _require_staff(cohort.school, acting_user)
    with transaction.atomic():
        old = cohort.join_code
        _save_with_new_join_code(cohort)
        audit_record(
            actor=acting_user,
            action="cohort.join_code_regenerate",
            target=cohort,
            data={"old": old[:2] + "…"},
        )
    return cohort.join_code


# --- Enrolment -------------------------------------------------------------------------------


def cohort_join_refusal(*, cohort: Cohort | None, user: User) -> ValidationError | None:
    """Why ``user`` cannot join ``cohort`` with its code, or ``None`` if they can.

    ``cohort`` is what the code found (``selectors.cohort_for_join_code``): ``None`` means no
    cohort has this code. Read-only, so a page can warn before the person clicks.
    """
    if cohort is None:
        return ValidationError(
            _("This code does not match any cohort. Check it with your school."), code="wrong"
        )
    if cohort.is_archived:
        return ValidationError(
            _("This cohort is archived: nobody can join it any more."), code="archived"
        )
    if cohort.join_code_expired():
        return ValidationError(
            _("This code has expired. Ask your school for a new one."), code="expired"
        )
    if not email_in_domain(user.email, cohort.allowed_email_domain):
        return ValidationError(
            _(
                "This cohort is reserved for addresses ending in @%(domain)s. Sign in with "
                "your school address, or ask your school for an invitation."
            )
            % {"domain": cohort.allowed_email_domain},
            code="domain",
        )
    if cohort.enrolments.filter(student=user).exists():
        return None
    if cohort.max_students is not None and cohort.enrolments.count() >= cohort.max_students:
        return _full_error()
    return None


def cohort_join(*, cohort: Cohort | None, acting_user: User) -> Enrolment:
    """A student joins with the cohort's code or link (joining twice changes nothing)."""
    refusal = cohort_join_refusal(cohort=cohort, user=acting_user)
    if refusal is not None:
        raise refusal
    assert cohort is not None
    return _enrol(
        cohort=cohort, student=acting_user, source=Enrolment.Source.CODE, acting_user=acting_user
    )


def _full_error() -> ValidationError:
    return ValidationError(_("This cohort is full. Contact your school."), code="full")


def cohort_invite(
    *,
    cohort: Cohort,
    email: str,
    first_name: str = "",
    last_name: str = "",
    group: str = "",
    acting_user: User,
) -> CohortInvitation:
    """Invite a student by email; an existing account receives it in-app too."""
    _require_staff(cohort.school, acting_user)
    _require_open(cohort)
    email = email.strip().lower()
    if cohort.enrolments.filter(student__email__iexact=email).exists():
        raise ValidationError({"email": _("This student is already enrolled in the cohort.")})
    with transaction.atomic():
        invitation = _invite_one(
            cohort=cohort,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            group=group.strip(),
            source=Enrolment.Source.INVITATION,
            existing=CohortInvitation.objects.filter(cohort=cohort, email__iexact=email).first(),
            account=User.objects.filter(email__iexact=email).first(),
            acting_user=acting_user,
        )
        audit_record(
            actor=acting_user, action="cohort.invite", target=cohort, data={"email": email}
        )
    return invitation


def _invite_one(
    *,
    cohort: Cohort,
    email: str,
    first_name: str,
    last_name: str,
    group: str,
    source: str,
    existing: CohortInvitation | None,
    account: User | None,
    acting_user: User,
) -> CohortInvitation:
    invitation = _refresh_invitation(
        existing or CohortInvitation(cohort=cohort, email=email), acting_user
    )
    invitation.first_name, invitation.last_name = first_name, last_name
    invitation.group, invitation.source = group, source
    invitation.save()
    _notify_invitation(
        kind="cohort_invitation",
        invitation=invitation,
        recipient=account,
        link=reverse(
            "students:cohort_invitation_accept",
            kwargs={"token": invitation_token("cohort", invitation.pk, invitation.nonce)},
        ),
        context={
            "cohort_name": cohort.name,
            "school_name": cohort.school.name,
            "inviter_name": acting_user.display_name,
        },
    )
    return invitation


def cohort_invitation_revoke(*, invitation: CohortInvitation, acting_user: User) -> None:
    _require_staff(invitation.cohort.school, acting_user)
    _revoke(invitation, acting_user, action="cohort.invitation_revoke")


def cohort_invitation_accept(*, invitation: CohortInvitation, acting_user: User) -> Enrolment:
    with transaction.atomic():
        invitation = (
            CohortInvitation.objects.select_for_update()
            .select_related("cohort__school")
            .get(pk=invitation.pk)
        )
        _check_invitation_usable(invitation)
        enrolment = _enrol(
            cohort=invitation.cohort,
            student=acting_user,
            source=Enrolment.Source(invitation.source),
            group=invitation.group,
            acting_user=acting_user,
        )
        _mark_accepted(invitation, acting_user)
    return enrolment


def _enrol(
    *, cohort: Cohort, student: User, source: str, acting_user: User, group: str = ""
) -> Enrolment:
    with transaction.atomic():
        # Lock the cohort so two last-place joins cannot both pass the capacity check.
        cohort = Cohort.objects.select_for_update().select_related("school").get(pk=cohort.pk)
        _require_open(cohort)
        existing = Enrolment.objects.filter(cohort=cohort, student=student).first()
        if existing is not None:
            return existing
        if cohort.max_students is not None and cohort.enrolments.count() >= cohort.max_students:
            raise _full_error()
        enrolment = Enrolment.objects.create(
            cohort=cohort, student=student, source=source, group=group
        )
        StudentProfile.objects.get_or_create(user=student)
        audit_record(
            actor=acting_user,
            action="cohort.enrol",
            target=cohort,
            data={"student": student.pk, "source": source},
        )
    return enrolment


def enrolment_remove(*, enrolment: Enrolment, acting_user: User) -> None:
    """Staff take a student out of a cohort (their profile and account stay)."""
    _require_staff(enrolment.cohort.school, acting_user)
    with transaction.atomic():
        enrolment.delete()
        audit_record(
            actor=acting_user,
            action="cohort.unenrol",
            target=enrolment.cohort,
            data={"student": enrolment.student_id},
        )


# --- CSV import ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterPlanRow:
    row: RosterRow
    # "enrol" (has an account), "invite" (new address), "reinvite" (already invited),
    # "already" (already enrolled: nothing to do).
    action: str


@dataclass(frozen=True)
class RosterPlan:
    rows: tuple[RosterPlanRow, ...]
    problems: tuple[str, ...]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def roster_plan(*, cohort: Cohort, rows: Sequence[RosterRow]) -> RosterPlan:
    """What importing ``rows`` would do, without writing anything (3 queries)."""
    emails = [row.email for row in rows]
    enrolled = set(
        cohort.enrolments.filter(student__email__in=emails).values_list("student__email", flat=True)
    )
    accounts = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    invited = {
        email.lower()
        for email in cohort.invitations.filter(
            email__in=emails, accepted_at__isnull=True
        ).values_list("email", flat=True)
    }
    planned = []
    for row in rows:
        if row.email in enrolled:
            action = "already"
        elif row.email in accounts:
            action = "enrol"
        elif row.email in invited:
            action = "reinvite"
        else:
            action = "invite"
        planned.append(RosterPlanRow(row=row, action=action))
    plan = RosterPlan(rows=tuple(planned), problems=())
    problems = []
    if cohort.is_archived:
        problems.append(_("This cohort is archived: reactivate it before importing students."))
    if cohort.max_students is not None:
        places = cohort.max_students - cohort.enrolments.count()
        needed = plan.count("enrol") + plan.count("invite") + plan.count("reinvite")
        if needed > places:
            problems.append(
                _(
                    "The cohort has %(places)s places left for %(needed)s new students. Raise "
                    "its maximum number of students or import fewer students."
                )
                % {"places": max(places, 0), "needed": needed}
            )
    return RosterPlan(rows=plan.rows, problems=tuple(problems))


def roster_import_stage(
    *, cohort: Cohort, rows: Sequence[RosterRow], filename: str, acting_user: User
) -> RosterImport:
    """Keep parsed rows on the server until the staff member confirms the preview."""
    _require_staff(cohort.school, acting_user)
    with transaction.atomic():
        # Previews nobody confirmed hold personal data: drop them once they are stale.
        RosterImport.objects.filter(
            imported_at__isnull=True, created_at__lt=timezone.now() - ROSTER_PREVIEW_VALIDITY
        ).delete()
        return RosterImport.objects.create(
            token=uuid.uuid4(),
            cohort=cohort,
            created_by=acting_user,
            filename=filename[:255],
            rows=[
                {
                    "line": r.line,
                    "email": r.email,
                    "first_name": r.first_name,
                    "last_name": r.last_name,
                    "group": r.group,
                }
                for r in rows
            ],
        )


def roster_import_rows(roster_import: RosterImport) -> list[RosterRow]:
    return [RosterRow(**row) for row in roster_import.rows]


@dataclass(frozen=True)
class RosterImportResult:
    enrolled: int
    invited: int
    already: int


def roster_import_confirm(*, roster_import: RosterImport, acting_user: User) -> RosterImportResult:
    """Import the previewed rows, all or nothing: existing accounts are enrolled, new
    addresses receive an invitation. The plan is computed again inside the transaction, so a
    cohort that filled up or was archived since the preview refuses the whole import."""
    cohort = roster_import.cohort
    _require_staff(cohort.school, acting_user)
    if roster_import.imported_at is not None:
        raise ValidationError(_("This file has already been imported."))
    if roster_import.created_at < timezone.now() - ROSTER_PREVIEW_VALIDITY:
        raise ValidationError(_("This preview has expired. Upload the file again."))
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().select_related("school").get(pk=cohort.pk)
        plan = roster_plan(cohort=cohort, rows=roster_import_rows(roster_import))
        if plan.problems:
            raise ValidationError(list(plan.problems))
        to_enrol = [p.row for p in plan.rows if p.action == "enrol"]
        to_invite = [p.row for p in plan.rows if p.action in {"invite", "reinvite"}]
        accounts = {
            user.email: user
            for user in User.objects.filter(email__in=[row.email for row in to_enrol])
        }
        Enrolment.objects.bulk_create(
            Enrolment(
                cohort=cohort,
                student=accounts[row.email],
                group=row.group,
                source=Enrolment.Source.IMPORT,
            )
            for row in to_enrol
        )
        _ensure_profiles(accounts.values())
        existing = {
            invitation.email.lower(): invitation
            for invitation in cohort.invitations.filter(email__in=[r.email for r in to_invite])
        }
        for row in to_invite:
            _invite_one(
                cohort=cohort,
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                group=row.group,
                source=Enrolment.Source.IMPORT,
                existing=existing.get(row.email),
                account=None,
                acting_user=acting_user,
            )
        result = RosterImportResult(
            enrolled=len(to_enrol), invited=len(to_invite), already=plan.count("already")
        )
        roster_import.imported_at = timezone.now()
        roster_import.rows = []  # personal data no longer needed: the counts remain
        roster_import.result = result.__dict__
        roster_import.save(update_fields=["imported_at", "rows", "result"])
        audit_record(
            actor=acting_user,
            action="cohort.import",
            target=cohort,
            data={"file": roster_import.filename, **result.__dict__},
        )
    return result


def _ensure_profiles(users: Iterable[User]) -> None:
    ids = {user.pk for user in users}
    have = set(StudentProfile.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    StudentProfile.objects.bulk_create(StudentProfile(user_id=pk) for pk in ids - have)


# --- Student profiles ------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillEntry:
    skill: Skill
    level: int
    wants_to_learn: bool = False


@dataclass(frozen=True)
class ProfileDetails:
    """What a student sets on their profile (the profile form's cleaned data)."""

    hours_per_week: int | None = None
    available_from: date | None = None
    available_until: date | None = None
    city: str = ""
    postcode: str = ""
    remote_preference: str = "either"
    causes: Sequence[Cause] = field(default_factory=tuple)
    languages: Sequence[str] = field(default_factory=tuple)
    github_url: str = ""
    portfolio_url: str = ""
    bio: str = ""
    visible_to_organisations: bool = False


def student_profile_update(
    *,
    user: User,
    details: ProfileDetails,
    skills: Sequence[SkillEntry],
    acting_user: User,
) -> StudentProfile:
    """Save a student's own profile; ``skills`` replaces the whole skill list.

    Visibility to organisations is an opt-in consent: turning it on records when, turning it
    off clears the date (revocation); both are audited.
    """
    if user.pk != acting_user.pk:
        raise ValidationError(_("Only the student can change their profile."))
    if (
        details.available_from
        and details.available_until
        and details.available_until < details.available_from
    ):
        raise ValidationError({"available_until": _("The end date must be after the start date.")})
    for entry in skills:
        if not 1 <= entry.level <= 4:
            raise ValidationError(_("A skill level goes from 1 (basic knowledge) to 4 (expert)."))
    if len({entry.skill.pk for entry in skills}) != len(skills):
        raise ValidationError(_("Each skill can appear only once."))
    with transaction.atomic():
        profile, _created = StudentProfile.objects.select_for_update().get_or_create(user=user)
        was_visible = profile.visible_to_organisations
        for name in (
            "hours_per_week",
            "available_from",
            "available_until",
            "remote_preference",
            "github_url",
            "portfolio_url",
        ):
            setattr(profile, name, getattr(details, name))
        profile.city = details.city.strip()
        profile.postcode = details.postcode.strip()
        profile.bio = details.bio.strip()
        profile.languages = sorted(set(details.languages))
        profile.visible_to_organisations = details.visible_to_organisations
        if details.visible_to_organisations and not was_visible:
            profile.visibility_consented_at = timezone.now()
        elif not details.visible_to_organisations:
            profile.visibility_consented_at = None
        profile.full_clean(exclude=["user"])
        profile.save()
        profile.causes.set(details.causes)
        _replace_skills(profile, skills)
        if was_visible != details.visible_to_organisations:
            audit_record(
                actor=acting_user,
                action="student_profile.visibility",
                target=profile,
                from_state="visible" if was_visible else "hidden",
                to_state="visible" if details.visible_to_organisations else "hidden",
            )
    return profile


def _replace_skills(profile: StudentProfile, skills: Sequence[SkillEntry]) -> None:
    current = {row.skill_id: row for row in profile.skills.all()}
    wanted = {entry.skill.pk: entry for entry in skills}
    profile.skills.exclude(skill_id__in=wanted).delete()
    changed = []
    for skill_id, entry in wanted.items():
        row = current.get(skill_id)
        if row is None:
            continue
        if (row.level, row.wants_to_learn) != (entry.level, entry.wants_to_learn):
            row.level, row.wants_to_learn = entry.level, entry.wants_to_learn
            changed.append(row)
    StudentSkill.objects.bulk_update(changed, ["level", "wants_to_learn"])
    StudentSkill.objects.bulk_create(
        StudentSkill(
            profile=profile,
            skill=entry.skill,
            level=entry.level,
            wants_to_learn=entry.wants_to_learn,
        )
        for skill_id, entry in wanted.items()
        if skill_id not in current
    )


# --- Helpers ---------------------------------------------------------------------------------


def _require_admin(school: School, user: User) -> None:
    # Views reach objects through scoped querysets first; this guards direct service calls.
    if not school.staff.filter(user=user, role=SchoolStaff.Role.ADMIN).exists():
        raise ValidationError(_("Only an administrator of the school can do this."))


def _require_staff(school: School, user: User) -> None:
    if not school.staff.filter(user=user).exists():
        raise ValidationError(_("Only the staff of the school can do this."))


def _require_open(cohort: Cohort) -> None:
    if cohort.is_archived:
        raise ValidationError(
            _("This cohort is archived: nobody can join it any more."), code="archived"
        )


_Invitation = TypeVar("_Invitation", SchoolInvitation, CohortInvitation)


def _refresh_invitation(invitation: _Invitation, acting_user: User) -> _Invitation:
    now = timezone.now()
    invitation.nonce = new_nonce()
    invitation.invited_by = acting_user
    invitation.sent_at = now
    invitation.expires_at = now + INVITATION_VALIDITY
    invitation.accepted_at = None
    invitation.accepted_by = None
    invitation.revoked_at = None
    return invitation


def _revoke(
    invitation: SchoolInvitation | CohortInvitation, acting_user: User, action: str
) -> None:
    if not invitation.is_pending:
        return
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=acting_user, action=action, target=invitation, data={"email": invitation.email}
        )


def _check_invitation_usable(invitation: SchoolInvitation | CohortInvitation) -> None:
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation has been withdrawn."), code="revoked")
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.is_expired:
        raise ValidationError(_("This invitation has expired. Ask for a new one."), code="expired")


def _mark_accepted(invitation: SchoolInvitation | CohortInvitation, user: User) -> None:
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])


def _notify_invitation(
    *,
    kind: str,
    invitation: SchoolInvitation | CohortInvitation,
    link: str,
    context: dict[str, str],
    recipient: User | None = None,
) -> None:
    from notifications.services import notify

    notify(
        kind=kind,
        recipient=recipient,
        email="" if recipient is not None else invitation.email,
        about=invitation,
        link=link,
        context=context,
        # One message per link sent: a resent invitation is a new event.
        event_key=f"{kind}:{invitation.pk}:{invitation.nonce}",
    )
