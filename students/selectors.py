"""Reads of the students app. Lists run a constant number of queries whatever their size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User

from .completion import Completion, ProfileFacts, profile_completion
from .models import (
    Cohort,
    CohortInvitation,
    Enrolment,
    School,
    SchoolInvitation,
    SchoolStaff,
    StudentProfile,
    StudentSkill,
)
from .tokens import InvalidToken, normalise_join_code, read_invitation_token

EMPTY_COMPLETION = profile_completion(ProfileFacts())


# --- Schools and cohorts ---------------------------------------------------------------------


def schools_of_staff(*, user: User) -> QuerySet[School]:
    """The schools ``user`` works for, each with its active cohorts and their head counts."""
    cohorts = Cohort.objects.order_by("archived_at", "-starts_on", "name").annotate(
        student_count=Count("enrolments", distinct=True)
    )
    return (
        School.objects.visible_to(user)
        .annotate(my_role=_my_role(user))
        .prefetch_related(Prefetch("cohorts", queryset=cohorts))
        .order_by("name", "pk")
    )


def _my_role(user: User) -> Subquery:
    return Subquery(SchoolStaff.objects.filter(school=OuterRef("pk"), user=user).values("role")[:1])


def cohorts_supervised_by(*, user: User) -> QuerySet[Cohort]:
    """Active cohorts of the schools where ``user`` is staff, with their head counts."""
    return (
        Cohort.objects.visible_to(user)
        .active()
        .select_related("school")
        .annotate(student_count=Count("enrolments", distinct=True))
        .order_by("-starts_on", "name", "pk")
    )


def school_staff_role(*, school: School, user: User) -> str | None:
    return school.staff.filter(user=user).values_list("role", flat=True).first()


def cohort_supervisors(*, cohort: Cohort) -> list[User]:
    """Who answers for a cohort (approvals of issue #5): its supervisors, or else the school's
    administrators."""
    supervisors = list(cohort.supervisors.all())
    if supervisors:
        return supervisors
    return list(
        User.objects.filter(
            school_memberships__school=cohort.school_id,
            school_memberships__role=SchoolStaff.Role.ADMIN,
        )
    )


def cohort_for_join_code(*, code: str) -> Cohort | None:
    code = normalise_join_code(code)
    if not code:
        return None
    return Cohort.objects.select_related("school").filter(join_code=code).first()


def cohort_head_count(*, cohort: Cohort) -> int:
    return cohort.enrolments.count()


def cohort_pending_invitations(*, cohort: Cohort) -> QuerySet[CohortInvitation]:
    return cohort.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by(
        "email"
    )


def school_invitation_from_token(*, token: str) -> SchoolInvitation:
    """The invitation a link names; raises ``tokens.InvalidToken`` / ``ExpiredToken``."""
    pk, nonce = read_invitation_token("school", token)
    invitation = (
        SchoolInvitation.objects.select_related("school", "invited_by").filter(pk=pk).first()
    )
    if invitation is None or invitation.nonce != nonce:
        raise InvalidToken
    return invitation


def cohort_invitation_from_token(*, token: str) -> CohortInvitation:
    pk, nonce = read_invitation_token("cohort", token)
    invitation = (
        CohortInvitation.objects.select_related("cohort__school", "invited_by")
        .filter(pk=pk)
        .first()
    )
    if invitation is None or invitation.nonce != nonce:
        raise InvalidToken
    return invitation


def _addressed_to(invitations: QuerySet[Any], addresses: set[str]) -> QuerySet[Any]:
    return invitations.alias(address=Lower("email")).filter(address__in=addresses)


def _pending(invitations: QuerySet[Any]) -> QuerySet[Any]:
    return invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def school_invitations_addressed_to(addresses: set[str]) -> QuerySet[SchoolInvitation]:
    """Invitations to a school's staff sent to one of these (lower-cased) addresses,
    whatever their state."""
    return _addressed_to(SchoolInvitation.objects.select_related("school", "invited_by"), addresses)


def school_invitations_waiting_for(user: User, addresses: set[str]) -> QuerySet[SchoolInvitation]:
    """Of those, the pending ones to a school the person is not staff of yet."""
    return _pending(school_invitations_addressed_to(addresses)).exclude(school__staff__user=user)


def cohort_invitations_addressed_to(addresses: set[str]) -> QuerySet[CohortInvitation]:
    """Invitations to a cohort sent to one of these addresses, whatever their state."""
    return _addressed_to(
        CohortInvitation.objects.select_related("cohort__school", "invited_by"), addresses
    )


def cohort_invitations_waiting_for(user: User, addresses: set[str]) -> QuerySet[CohortInvitation]:
    """Of those, the pending ones to a cohort the person is not in yet and that is not
    archived (nobody can join it any more)."""
    return (
        _pending(cohort_invitations_addressed_to(addresses))
        .filter(cohort__archived_at__isnull=True)
        .exclude(cohort__enrolments__student=user)
    )


def count_enrolled_students() -> int:
    """Students the platform brings: people enrolled in at least one cohort, archived ones
    included (a profile alone, without a school behind it, does not count)."""
    return Enrolment.objects.values("student_id").distinct().count()


# --- Student profiles ------------------------------------------------------------------------


def profile_prefetch(prefix: str = "") -> list[Prefetch]:
    """What a profile's card, completion and export need, in two queries for any number."""
    return [
        Prefetch(
            f"{prefix}skills",
            queryset=StudentSkill.objects.select_related("skill").order_by(
                "wants_to_learn", "-level", "skill__name_fr"
            ),
        ),
        Prefetch(f"{prefix}causes"),
    ]


def completion_of(profile: StudentProfile | None) -> Completion:
    """Completion of a profile whose skills and causes are prefetched (no query)."""
    if profile is None:
        return EMPTY_COMPLETION
    skills = list(profile.skills.all())
    return profile_completion(
        ProfileFacts(
            held_skills=sum(1 for s in skills if not s.wants_to_learn),
            has_hours=profile.hours_per_week is not None,
            has_dates=bool(profile.available_from and profile.available_until),
            has_place=bool(profile.city and profile.postcode),
            causes=len(profile.causes.all()),
            languages=len(profile.languages or []),
            has_bio=bool(profile.bio.strip()),
            has_links=bool(profile.github_url or profile.portfolio_url),
        )
    )


def student_profile_of(*, user: User) -> StudentProfile | None:
    return StudentProfile.objects.filter(user=user).prefetch_related(*profile_prefetch()).first()


def student_profile_for_viewer(*, pk: int, viewer: User, roles: Any = None) -> StudentProfile:
    """A profile as ``viewer`` may see it, or ``StudentProfile.DoesNotExist``."""
    return (
        StudentProfile.objects.visible_to(viewer, roles=roles)
        .select_related("user")
        .prefetch_related(*profile_prefetch())
        .get(pk=pk)
    )


def enrolments_of_student(*, user: User) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(student=user)
        .select_related("cohort__school")
        .order_by("cohort__archived_at", "-cohort__starts_on")
    )


# --- Staff dashboard: the roster of a cohort -------------------------------------------------


@dataclass(frozen=True)
class ApplicationFacts:
    """Where a student stands with applications made within one cohort, filled in by
    ``roster_application_facts`` (the applications live in the matching app)."""

    # Live applications (open or accepted; declined and withdrawn ones are history).
    applied: int = 0
    accepted: int = 0
    # Holds a seat in a team: an accepted application or a published cohort allocation.
    placed: bool = False
    # (brief title, state code, state label) of each live application, by title.
    briefs: tuple[tuple[str, str, str], ...] = ()
    # Titles of the briefs whose team the student is in.
    teams: tuple[str, ...] = ()


NO_APPLICATION = ApplicationFacts()


@dataclass(frozen=True)
class RosterRow:
    enrolment: Enrolment
    student: User
    profile: StudentProfile | None
    completion: Completion
    held_skills: list[StudentSkill] = field(default_factory=list)
    applications: ApplicationFacts = NO_APPLICATION

    @property
    def top_skills(self) -> list[StudentSkill]:
        return self.held_skills[:4]


def roster_application_facts(*, cohort: Cohort, student_ids: Sequence[int]) -> dict[int, Any]:
    """``ApplicationFacts`` per student id (students without any are left out), one query.

    Applications belong to the matching app, which reads this app and not the reverse: the
    import stays inside the function (a read), so students never imports matching when it
    loads."""
    from matching.selectors.applications import roster_application_facts as facts_for

    return facts_for(cohort=cohort, student_ids=student_ids)


class RosterFilter:
    ALL = "all"
    INCOMPLETE = "incomplete"
    NO_APPLICATION = "no_application"
    CHOICES = (ALL, INCOMPLETE, NO_APPLICATION)


@dataclass(frozen=True)
class Roster:
    rows: list[RosterRow]
    # Head counts of the whole cohort, whatever the filter.
    students: int
    complete_profiles: int
    visible_profiles: int
    without_application: int
    groups: list[str]
    # Students holding a seat in a team (accepted application or published allocation).
    placed: int = 0

    @property
    def with_application(self) -> int:
        return self.students - self.without_application


def cohort_roster(*, cohort: Cohort, group: str = "", show: str = RosterFilter.ALL) -> Roster:
    """The staff dashboard of a cohort: one row per student, in 3 queries whatever the size.

    Cohorts are bounded (the CSV import caps a file at 2,000 rows), so the whole roster is
    read at once and filtered here: the head counts and the filters need every row anyway.
    """
    enrolments = list(
        cohort.enrolments.select_related("student", "student__student_profile")
        .prefetch_related(*profile_prefetch("student__student_profile__"))
        .order_by("student__last_name", "student__first_name", "pk")
    )
    facts = roster_application_facts(
        cohort=cohort, student_ids=[enrolment.student_id for enrolment in enrolments]
    )
    every = []
    for enrolment in enrolments:
        profile = getattr(enrolment.student, "student_profile", None)
        skills = list(profile.skills.all()) if profile else []
        every.append(
            RosterRow(
                enrolment=enrolment,
                student=enrolment.student,
                profile=profile,
                completion=completion_of(profile),
                held_skills=[s for s in skills if not s.wants_to_learn],
                applications=facts.get(enrolment.student_id, NO_APPLICATION),
            )
        )
    rows = [row for row in every if not group or row.enrolment.group == group]
    if show == RosterFilter.INCOMPLETE:
        rows = [row for row in rows if not row.completion.is_complete]
    elif show == RosterFilter.NO_APPLICATION:
        rows = [row for row in rows if not row.applications.applied]
    return Roster(
        rows=rows,
        students=len(every),
        complete_profiles=sum(1 for row in every if row.completion.is_complete),
        visible_profiles=sum(
            1 for row in every if row.profile and row.profile.visible_to_organisations
        ),
        without_application=sum(1 for row in every if not row.applications.applied),
        placed=sum(1 for row in every if row.applications.placed),
        groups=sorted({row.enrolment.group for row in every if row.enrolment.group}),
    )
