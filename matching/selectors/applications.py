"""Reads of applications and teams. Every list runs a constant number of queries whatever
its size; access is decided by the ``Application.objects`` scopes (``of_student``,
``received_by``, ``supervised_by``) the views start from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from organisations.models import Brief
from organisations.workflow import BriefState
from students.models import ApplicationPolicy, Cohort, Enrolment, StudentSkill

from ..models import Application, ApplicationState, TeamMember
from ..models.applications import LIVE_STATES, OPEN_STATES

S = ApplicationState


# --- Seats and teams (also for the catalogue and the recommendations) --------------------------


def seats_taken_subquery(brief_ref: str = "pk") -> Coalesce:
    """The size of the team of the brief ``brief_ref`` points to ("pk" for briefs,
    "brief_id" for rows about one), as a subquery rather than a join, so that it composes
    with any other annotation."""
    count = (
        TeamMember.objects.filter(brief=OuterRef(brief_ref))
        .order_by()
        .values("brief")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def with_seats_taken(queryset: QuerySet[Brief]) -> QuerySet[Brief]:
    """Annotate each brief with ``seats_taken`` (members of its team), in the same query."""
    return queryset.annotate(seats_taken=seats_taken_subquery())


def briefs_with_free_seats(queryset: QuerySet[Brief] | None = None) -> QuerySet[Brief]:
    """Published briefs whose team is not full: what students may still apply to, and what
    the recommendations rank. Pass a queryset of briefs to narrow it further."""
    queryset = queryset if queryset is not None else Brief.objects.all()
    return (
        queryset.filter(state=BriefState.PUBLISHED)
        .alias(seats=seats_taken_subquery())
        .filter(seats__lt=F("team_max"))
    )


def brief_ids_full(brief_ids: Sequence[int]) -> set[int]:
    """Which of these briefs have no free seat left (one query)."""
    return set(
        Brief.objects.filter(pk__in=list(brief_ids))
        .alias(seats=seats_taken_subquery())
        .filter(seats__gte=F("team_max"))
        .values_list("pk", flat=True)
    )


def brief_team(*, brief: Brief) -> list[TeamMember]:
    return list(
        TeamMember.objects.filter(brief=brief)
        .select_related("student", "application__enrolment__cohort__school")
        .order_by("seat")
    )


# --- The student ------------------------------------------------------------------------------


def applications_of_student(*, student: User) -> list[Application]:
    """The student's applications, open ones first, each with its brief's team size."""
    applications = (
        Application.objects.of_student(student)
        .select_related("brief__organisation", "enrolment__cohort__school")
        .annotate(seats_taken=seats_taken_subquery("brief"))
    )
    order = {S.AWAITING_APPROVAL: 0, S.SUBMITTED: 0, S.SHORTLISTED: 0, S.ACCEPTED: 1}
    return sorted(
        applications,
        key=lambda a: (order.get(a.state, 2), -a.updated_at.timestamp()),  # type: ignore[call-overload]
    )


def application_of_student_for_brief(*, student: User, brief: Brief) -> Application | None:
    return Application.objects.of_student(student).filter(brief=brief).first()


def brief_ids_taken_by(*, student: User) -> set[int]:
    """Briefs that are no longer a suggestion for the student: those they applied to (in any
    state but withdrawn: a withdrawn application may be sent again, a declined one may not)
    and those whose team they are in (allocated seats included). One query."""
    applied = (
        Application.objects.filter(student=student)
        .exclude(state=S.WITHDRAWN)
        .order_by()
        .values_list("brief_id", flat=True)
    )
    seats = TeamMember.objects.filter(student=student).order_by().values_list("brief_id", flat=True)
    return set(applied.union(seats))


def taken_pair(*, student: Any, brief: Any) -> Q:
    """The same rule as :func:`brief_ids_taken_by`, as a filter over (student, brief) rows
    (``student`` and ``brief`` are usually ``OuterRef`` expressions): applied to (but not withdrawn)
    or in the team."""
    pair = {"student": student, "brief": brief}
    applied = Application.objects.filter(**pair).exclude(state=S.WITHDRAWN)
    return Q(Exists(applied)) | Q(Exists(TeamMember.objects.filter(**pair)))


def enrolments_for_applying(*, student: User) -> list[Enrolment]:
    """The student's active enrolments, latest cohort first, each annotated with
    ``accepted`` (its accepted applications): what decides where they may still apply.
    One query."""
    return list(
        Enrolment.objects.active()
        .filter(student=student)
        .select_related("cohort__school")
        .annotate(accepted=Count("applications", filter=Q(applications__state=S.ACCEPTED)))
        .order_by("-cohort__starts_on", "pk")
    )


def applying_directly(enrolments: Sequence[Enrolment]) -> list[Enrolment]:
    """The enrolments whose students apply themselves (allocated cohorts rank favourites)."""
    return [e for e in enrolments if e.cohort.application_policy != ApplicationPolicy.ALLOCATION]


def has_room(enrolment: Enrolment) -> bool:
    """Whether the cohort still lets the student be accepted on one more project
    (``enrolment`` from :func:`enrolments_for_applying`, annotated with ``accepted``)."""
    return enrolment.accepted < enrolment.cohort.max_accepted_applications  # type: ignore[attr-defined]


def accepted_cap_of(enrolments: Sequence[Enrolment]) -> int | None:
    """The cap on accepted projects when the student has reached it in every cohort where
    they apply directly (``enrolments`` from :func:`enrolments_for_applying`); None while one
    of them has room, or when they apply in none."""
    direct = applying_directly(enrolments)
    if direct and not any(has_room(e) for e in direct):
        return direct[0].cohort.max_accepted_applications
    return None


# --- The organisation ---------------------------------------------------------------------------


@dataclass
class BriefApplications:
    """A brief's applications as its organisation sees them, grouped by what to do."""

    brief: Brief
    team: list[TeamMember]
    to_answer: list[Application] = field(default_factory=list)
    shortlisted: list[Application] = field(default_factory=list)
    accepted: list[Application] = field(default_factory=list)
    closed: list[Application] = field(default_factory=list)

    @property
    def team_size(self) -> int:
        return len(self.team)

    @property
    def is_full(self) -> bool:
        return self.team_size >= self.brief.team_max

    @property
    def can_start(self) -> bool:
        return self.brief.state == BriefState.PUBLISHED and self.team_size >= self.brief.team_min

    @property
    def missing_for_start(self) -> int:
        return max(0, self.brief.team_min - self.team_size)

    @property
    def is_recruiting(self) -> bool:
        return self.brief.state == BriefState.PUBLISHED and not self.is_full

    @property
    def total(self) -> int:
        return len(self.to_answer) + len(self.shortlisted) + len(self.accepted) + len(self.closed)


def _held_skills_prefetch() -> Prefetch:
    return Prefetch(
        "student__student_profile__skills",
        queryset=StudentSkill.objects.held()
        .select_related("skill")
        .order_by("-level", "skill__name_fr", "pk"),
        to_attr="held_skills",
    )


def applications_for_brief(*, brief: Brief, user: User) -> BriefApplications:
    """What the organisation's page shows, in a fixed number of queries whatever the number
    of applications: the applications with their students and cohorts, the students' held
    skills, the team, and the engine's match explanation of each application still to
    decide (``explanation``, or None). ``at_cap`` marks a student whose cohort allows no
    more accepted projects (the organisation cannot accept them)."""
    accepted_elsewhere = (
        Application.objects.filter(enrolment=OuterRef("enrolment"), state=S.ACCEPTED)
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    applications = (
        Application.objects.received_by(user)
        .filter(brief=brief)
        .select_related("student__student_profile", "enrolment__cohort__school")
        .prefetch_related(_held_skills_prefetch())
        .annotate(
            accepted_elsewhere=Coalesce(
                Subquery(accepted_elsewhere, output_field=IntegerField()), Value(0)
            )
        )
        .annotate(
            at_cap=ExpressionWrapper(
                Q(accepted_elsewhere__gte=F("enrolment__cohort__max_accepted_applications")),
                output_field=BooleanField(),
            )
        )
        .order_by("submitted_at", "pk")
    )
    result = BriefApplications(brief=brief, team=brief_team(brief=brief))
    groups = {
        S.SUBMITTED: result.to_answer,
        S.SHORTLISTED: result.shortlisted,
        S.ACCEPTED: result.accepted,
    }
    for application in applications:
        # None rather than an exception for a student without a profile (templates).
        application.profile = getattr(application.student, "student_profile", None)  # type: ignore[attr-defined]
        application.decision_form = None  # type: ignore[attr-defined]
        application.explanation = None  # type: ignore[attr-defined]
        groups.get(application.state, result.closed).append(application)  # type: ignore[call-overload]
    # The match explanation beside each application still to decide (a fixed number of
    # queries for any number of them: the engine scores the pairs in one go).
    undecided = [*result.to_answer, *result.shortlisted]
    if undecided:
        from ..engine_data import explanations_for

        explanations = explanations_for([(a.student_id, brief.pk) for a in undecided])
        for pending in undecided:
            pending.explanation = explanations.get((pending.student_id, brief.pk))  # type: ignore[attr-defined]
    return result


@dataclass(frozen=True)
class BriefApplicationsSummary:
    to_answer: int
    shortlisted: int
    accepted: int
    seats_taken: int


def brief_applications_summary(*, brief: Brief) -> BriefApplicationsSummary:
    """Counts for the brief's own page (one query)."""
    seen = Q(applications__submitted_at__isnull=False)
    counts = (
        Brief.objects.filter(pk=brief.pk)
        .annotate(
            to_answer=Count("applications", filter=seen & Q(applications__state=S.SUBMITTED)),
            shortlisted=Count("applications", filter=seen & Q(applications__state=S.SHORTLISTED)),
            accepted=Count("applications", filter=seen & Q(applications__state=S.ACCEPTED)),
            seats=seats_taken_subquery(),
        )
        .values("to_answer", "shortlisted", "accepted", "seats")
        .get()
    )
    return BriefApplicationsSummary(
        to_answer=counts["to_answer"],
        shortlisted=counts["shortlisted"],
        accepted=counts["accepted"],
        seats_taken=counts["seats"],
    )


# --- The school -------------------------------------------------------------------------------


@dataclass
class CohortApplications:
    cohort: Cohort
    awaiting_approval: list[Application]
    others: list[Application]
    counts: dict[str, int]


def applications_for_cohort(*, cohort: Cohort, state: str = "") -> CohortApplications:
    """A cohort's applications for its staff: the approvals queue first (oldest first),
    then every other application, optionally of one state. Two queries."""
    base = (
        Application.objects.filter(enrolment__cohort=cohort)
        .select_related("student", "brief__organisation")
        .annotate(seats_taken=seats_taken_subquery("brief"))
    )
    rows: list[Application] = list(base.order_by("created_at", "pk"))
    counts = dict.fromkeys(S.values, 0)
    for application in rows:
        counts[application.state] += 1
    awaiting = [a for a in rows if a.state == S.AWAITING_APPROVAL]
    others = [a for a in rows if a.state != S.AWAITING_APPROVAL and (not state or a.state == state)]
    others.sort(key=lambda a: (a.student.last_name, a.student.first_name, a.pk))
    return CohortApplications(
        cohort=cohort, awaiting_approval=awaiting, others=others, counts=counts
    )


ALLOCATED = "allocated"


def roster_application_facts(*, cohort: Cohort, student_ids: Sequence[int]) -> dict[int, Any]:
    """``students.selectors.ApplicationFacts`` per student of a cohort's roster, in one
    query: the live applications made within this cohort (open or accepted; declined and
    withdrawn ones are history), how many were accepted, and the team the student sits in
    through this cohort (an accepted application or a published cohort allocation)."""
    from students.selectors import ApplicationFacts

    wanted = set(student_ids)
    # Both halves select the same four annotated columns, in the same order, for the union.
    columns = ("who", "what", "title", "placed")
    applications = (
        Application.objects.filter(enrolment__cohort=cohort, state__in=LIVE_STATES)
        .annotate(
            who=F("student_id"),
            what=F("state"),
            title=F("brief__title"),
            placed=Exists(TeamMember.objects.filter(application=OuterRef("pk"))),
        )
        .values_list(*columns)
        .order_by()
    )
    allocated = (
        TeamMember.objects.filter(
            allocation__cohort=cohort, allocation__state="published", application__isnull=True
        )
        .annotate(
            who=F("student_id"),
            what=Value(ALLOCATED, output_field=CharField()),
            title=F("brief__title"),
            placed=Value(True, output_field=BooleanField()),
        )
        .values_list(*columns)
        .order_by()
    )
    facts: dict[int, dict[str, Any]] = {}
    for student_id, state, title, placed in applications.union(allocated, all=True):
        if student_id not in wanted:
            continue
        entry = facts.setdefault(student_id, {"applied": [], "accepted": 0, "placed": []})
        if state != ALLOCATED:
            entry["applied"].append((title, state, S(state).label))
        if state == S.ACCEPTED:
            entry["accepted"] += 1
        if placed:
            entry["placed"].append(title)
    return {
        student_id: ApplicationFacts(
            applied=len(entry["applied"]),
            accepted=entry["accepted"],
            placed=bool(entry["placed"]),
            briefs=tuple(sorted(entry["applied"])),
            teams=tuple(sorted(entry["placed"])),
        )
        for student_id, entry in facts.items()
    }


def open_application_count(*, student: User) -> int:
    return Application.objects.of_student(student).filter(state__in=OPEN_STATES).count()
