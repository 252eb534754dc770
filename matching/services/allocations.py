"""Writes of the cohort allocation (issue #7, "in the product").

Staff of a school open published briefs to a cohort whose policy is "staff allocate";
students rank their favourites among them; organisations may reorder their candidates;
staff run the engine (a Celery job), review the proposal, move students by hand, and
publish: the placements (``TeamMember`` rows) and their notifications are written in one
transaction. Nothing of a proposal is visible outside the school before that.

Every function is keyword-only, checks who acts (``PermissionDenied``) and whether the state
allows it (``ValidationError`` with a message for the person), runs in one transaction, and
audits state changes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.audit import audit_record
from accounts.models import User
from organisations.models import Brief, Organisation, OrganisationMembership
from organisations.workflow import BriefState
from students.models import Cohort, Enrolment

from ..allocation import InstanceError, allocate, parse_instance
from ..models import AllocationRun, CohortBrief, OrganisationRanking, TeamMember
from ..selectors import allocations as selectors

logger = logging.getLogger(__name__)

#: Seconds the welfare MILP (minimum team sizes) may search before returning its best
#: assignment with the proven gap; the other modes take milliseconds.
TIME_LIMIT_S = 20.0
#: A run queued or running for this long was lost (worker killed, broker down): the sweep
#: marks it failed so staff can run again.
STUCK_AFTER_MINUTES = 15
UNPUBLISHED = (
    AllocationRun.State.QUEUED,
    AllocationRun.State.RUNNING,
    AllocationRun.State.PROPOSED,
)

Direction = Literal["up", "down"]

# ``AllocationRun.error`` holds one of these codes (pages word them in the reader's
# language: ``selectors.allocations.run_error_text``), the invalid one followed by the
# engine's one-line message.
ERROR_FAILED = "computation_failed"
ERROR_INTERRUPTED = "interrupted"
ERROR_INVALID = "invalid_instance"


# --- Briefs opened to a cohort ----------------------------------------------------------


def cohort_brief_open(
    *, cohort: Cohort, brief: Brief, capacity: int | None, acting_user: User
) -> CohortBrief:
    """Open a published brief to the cohort with ``capacity`` seats (None: the brief's
    largest team), or change the seats of a brief already opened."""
    with transaction.atomic():
        cohort = _lock_cohort(cohort, acting_user)
        brief = Brief.objects.get(pk=brief.pk)
        if brief.state != BriefState.PUBLISHED:
            raise ValidationError(_("Only published projects can be opened to a cohort."))
        if capacity is not None and not 1 <= capacity <= brief.team_max:
            raise ValidationError(
                _("Offer between 1 and %(max)d seats: the largest team of this project.")
                % {"max": brief.team_max},
                code="capacity",
            )
        opening, created = CohortBrief.objects.get_or_create(
            cohort=cohort,
            brief=brief,
            defaults={"capacity": capacity, "opened_by": acting_user},
        )
        if not created and opening.capacity != capacity:
            opening.capacity = capacity
            opening.save(update_fields=["capacity"])
        audit_record(
            actor=acting_user,
            action="cohort_brief.opened" if created else "cohort_brief.seats",
            target=cohort,
            data={"brief": brief.pk, "capacity": capacity},
        )
        return opening


def cohort_brief_close(*, opening: CohortBrief, acting_user: User) -> None:
    """Withdraw a brief from the cohort (students' favourites stay, they no longer count)."""
    with transaction.atomic():
        cohort = _lock_cohort(opening.cohort, acting_user)
        deleted, _rows = CohortBrief.objects.filter(pk=opening.pk, cohort=cohort).delete()
        if deleted:
            audit_record(
                actor=acting_user,
                action="cohort_brief.closed",
                target=cohort,
                data={"brief": opening.brief_id},
            )


# --- Organisations' rankings ------------------------------------------------------------


def organisation_ranking_move(
    *,
    cohort: Cohort,
    organisation: Organisation,
    student_id: int,
    direction: Direction,
    acting_user: User,
) -> list[int]:
    """Swap a candidate with the one above or below in the organisation's order for the
    cohort; returns the new order. The whole current order is saved (see
    ``selectors.merge_ranking`` for the candidates who come later)."""
    with transaction.atomic():
        _lock_cohort_for_member(cohort=cohort, organisation=organisation, user=acting_user)
        if selectors.published_run(cohort=cohort) is not None:
            raise ValidationError(_("The allocation is published: the ranking is closed."))
        order = [
            c.student.pk
            for c in selectors.organisation_candidates(cohort=cohort, organisation=organisation)
        ]
        if student_id not in order:
            raise ValidationError(_("This student did not choose your projects."))
        at = order.index(student_id)
        other = at - 1 if direction == "up" else at + 1
        if 0 <= other < len(order):
            order[at], order[other] = order[other], order[at]
        OrganisationRanking.objects.update_or_create(
            cohort=cohort,
            organisation=organisation,
            defaults={"student_ids": order, "updated_by": acting_user},
        )
        return order


def _lock_cohort_for_member(*, cohort: Cohort, organisation: Organisation, user: User) -> None:
    """Inside a transaction: only the organisation's members act on its part of the cohort;
    the cohort row is locked so a run or a publication cannot interleave."""
    if not OrganisationMembership.objects.filter(organisation=organisation, user=user).exists():
        raise PermissionDenied
    Cohort.objects.select_for_update().filter(pk=cohort.pk).values_list("pk").first()


def organisation_capacity_set(
    *, cohort: Cohort, organisation: Organisation, capacity: int | None, acting_user: User
) -> OrganisationRanking:
    """Set how many students of the cohort the organisation can host in total (None: as
    many as its briefs' seats). The next run uses it; a proposal already computed keeps the
    capacities it was computed with."""
    if capacity is not None and not 1 <= capacity <= OrganisationRanking.MAX_CAPACITY:
        raise ValidationError(
            _("Type a number of students between 1 and %(max)d, or leave it empty.")
            % {"max": OrganisationRanking.MAX_CAPACITY},
            code="capacity",
        )
    with transaction.atomic():
        _lock_cohort_for_member(cohort=cohort, organisation=organisation, user=acting_user)
        opened_to = selectors.organisation_cohorts(organisation=organisation)
        if not opened_to.filter(pk=cohort.pk).exists():
            raise PermissionDenied
        if selectors.published_run(cohort=cohort) is not None:
            raise ValidationError(
                _("The allocation is published: your capacity can no longer change.")
            )
        ranking, created = OrganisationRanking.objects.get_or_create(
            cohort=cohort,
            organisation=organisation,
            defaults={"capacity": capacity, "updated_by": acting_user},
        )
        if not created:
            if ranking.capacity == capacity:
                return ranking
            ranking.capacity = capacity
            ranking.updated_by = acting_user
            ranking.save(update_fields=["capacity", "updated_by", "updated_at"])
        audit_record(
            actor=acting_user,
            action="organisation_ranking.capacity",
            target=cohort,
            data={"organisation": organisation.pk, "capacity": capacity},
        )
        return ranking


# --- Runs -------------------------------------------------------------------------------


def allocation_run_start(
    *, cohort: Cohort, mode: str, min_teams: bool, acting_user: User
) -> AllocationRun:
    """Queue a run of the engine; it replaces every unpublished run of the cohort (a
    published allocation is final: running again is refused)."""
    if mode not in AllocationRun.Mode.values:
        raise ValidationError(_("Choose how to allocate the students."), code="mode")
    with transaction.atomic():
        cohort = _lock_cohort(cohort, acting_user)
        if not CohortBrief.objects.filter(
            cohort=cohort, brief__state=BriefState.PUBLISHED
        ).exists():
            raise ValidationError(_("Open at least one published project to the cohort first."))
        AllocationRun.objects.filter(cohort=cohort, state__in=UNPUBLISHED).update(
            state=AllocationRun.State.DISCARDED
        )
        run = AllocationRun.objects.create(
            cohort=cohort,
            mode=mode,
            state=AllocationRun.State.QUEUED,
            instance={"options": {"min_teams": bool(min_teams and mode == "welfare")}},
            created_by=acting_user,
        )
        audit_record(
            actor=acting_user,
            action="allocation.started",
            target=run,
            to_state=run.state,
            data={"mode": mode, "min_teams": run.instance["options"]["min_teams"]},
        )
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from ..tasks.allocations import compute_allocation

    compute_allocation.delay(run_id)


def allocation_run_compute(*, run_id: int) -> AllocationRun | None:
    """The Celery job: build the instance from the database, solve, store the proposal.

    Progress is saved as it goes (the page polls it). A run discarded meanwhile (staff
    started another) is left alone; any error marks the run failed with a message for staff
    and the details in the log."""
    if not _advance(run_id, AllocationRun.State.QUEUED, AllocationRun.State.RUNNING, progress=5):
        return None
    run = AllocationRun.objects.select_related("cohort").get(pk=run_id)
    try:
        options = run.instance.get("options", {})
        data = selectors.allocation_input(
            cohort=run.cohort, min_teams=bool(options.get("min_teams"))
        )
        _progress(run_id, 40)
        instance = parse_instance(data)
        _progress(run_id, 60)
        allocation = allocate(instance, run.mode, time_limit=TIME_LIMIT_S)  # type: ignore[arg-type]
    except InstanceError as error:
        logger.warning("allocation run %s: invalid instance: %s", run_id, error)
        _fail(run_id, f"{ERROR_INVALID}: {error}")
        return None
    except Exception:
        logger.exception("allocation run %s failed", run_id)
        _fail(run_id, ERROR_FAILED)
        return None
    result = allocation.as_dict()
    updated = AllocationRun.objects.filter(pk=run_id, state=AllocationRun.State.RUNNING).update(
        state=AllocationRun.State.PROPOSED,
        progress=100,
        instance=data,
        result=result,
        assignment=result["assignment"],
        finished_at=timezone.now(),
    )
    return AllocationRun.objects.get(pk=run_id) if updated else None


def _advance(run_id: int, from_state: str, to_state: str, *, progress: int) -> bool:
    return bool(
        AllocationRun.objects.filter(pk=run_id, state=from_state).update(
            state=to_state, progress=progress
        )
    )


def _progress(run_id: int, value: int) -> None:
    AllocationRun.objects.filter(pk=run_id, state=AllocationRun.State.RUNNING).update(
        progress=value
    )


def _fail(run_id: int, message: str) -> None:
    AllocationRun.objects.filter(
        pk=run_id, state__in=(AllocationRun.State.QUEUED, AllocationRun.State.RUNNING)
    ).update(state=AllocationRun.State.FAILED, error=message, finished_at=timezone.now())


def allocation_runs_fail_stuck() -> int:
    """Mark failed the runs queued or running for too long (their job was lost), so staff
    see it and run again. Returns how many."""
    limit = timezone.now() - timedelta(minutes=STUCK_AFTER_MINUTES)
    return AllocationRun.objects.filter(
        state__in=(AllocationRun.State.QUEUED, AllocationRun.State.RUNNING), created_at__lt=limit
    ).update(
        state=AllocationRun.State.FAILED,
        error=ERROR_INTERRUPTED,
        finished_at=timezone.now(),
    )


def allocation_move(
    *, run: AllocationRun, student_id: int, brief_id: int | None, acting_user: User
) -> AllocationRun:
    """Move one student of a proposal to another brief of the run, or leave them unplaced
    (``brief_id`` None). Capacities are not enforced here (staff see the effect first);
    publishing refuses a team larger than the brief allows."""
    with transaction.atomic():
        run = _lock_run(run, acting_user)
        _require_proposed(run)
        sid = str(student_id)
        if sid not in run.assignment:
            raise ValidationError(_("This student is not part of this allocation."))
        bid = str(brief_id) if brief_id is not None else None
        if bid is not None and bid not in {b["id"] for b in run.instance.get("briefs", [])}:
            raise ValidationError(_("This project is not part of this allocation."))
        before = run.assignment[sid]
        if before == bid:
            return run
        run.assignment = {**run.assignment, sid: bid}
        run.save(update_fields=["assignment"])
        audit_record(
            actor=acting_user,
            action="allocation.moved",
            target=run,
            data={"student": student_id, "from": before, "to": bid},
        )
        return run


def allocation_reset(*, run: AllocationRun, acting_user: User) -> AllocationRun:
    """Undo every move by hand: back to the engine's proposal."""
    with transaction.atomic():
        run = _lock_run(run, acting_user)
        _require_proposed(run)
        run.assignment = dict(run.result.get("assignment", {}))
        run.save(update_fields=["assignment"])
        audit_record(actor=acting_user, action="allocation.reset", target=run)
        return run


def allocation_publish(*, run: AllocationRun, acting_user: User) -> list[TeamMember]:
    """Publish a proposal: in one transaction, a seat (``TeamMember``, source
    ``allocation``) for each placed student, the run marked published, one
    ``placement_published`` notification per placed student and per member of each
    organisation per brief, and an audit row. If anything fails, nothing is kept.

    Seats are numbered from the lowest free one of each team; the brief rows are locked so
    an application accepted at the same moment cannot take a seat twice, and a team that
    would grow past the brief's largest size is refused with a message (the unique
    constraints on seats stay the last guard)."""
    from notifications.services import notify

    with transaction.atomic():
        run = _lock_run(run, acting_user)
        _require_proposed(run)
        if AllocationRun.objects.filter(
            cohort_id=run.cohort_id, state=AllocationRun.State.PUBLISHED
        ).exists():
            raise ValidationError(_("An allocation of this cohort is already published."))
        enrolled = set(
            Enrolment.objects.filter(cohort_id=run.cohort_id).values_list("student_id", flat=True)
        )
        # Students who left the cohort since the run are not placed.
        placements = {
            int(sid): int(bid)
            for sid, bid in run.assignment.items()
            if bid is not None and int(sid) in enrolled
        }
        teams: dict[int, list[int]] = defaultdict(list)
        for sid, bid in sorted(placements.items()):
            teams[bid].append(sid)
        briefs = {
            b.pk: b
            for b in Brief.objects.select_for_update()
            .filter(pk__in=sorted(teams))
            .select_related("organisation")
            .order_by("pk")
        }
        seats_taken: dict[int, set[int]] = defaultdict(set)
        members_of: dict[int, set[int]] = defaultdict(set)
        for brief_id, seat, student_id in TeamMember.objects.filter(
            brief_id__in=list(teams)
        ).values_list("brief_id", "seat", "student_id"):
            seats_taken[brief_id].add(seat)
            members_of[brief_id].add(student_id)
        rows = []
        for brief_id, students in teams.items():
            brief = briefs.get(brief_id)
            _check_team(brief, students, seats_taken[brief_id], members_of[brief_id])
            assert brief is not None
            free = (n for n in range(1, brief.team_max + 1) if n not in seats_taken[brief_id])
            rows += [
                TeamMember(
                    brief=brief,
                    student_id=sid,
                    seat=next(free),
                    source=TeamMember.Source.ALLOCATION,
                    allocation=run,
                )
                for sid in students
            ]
        members = TeamMember.objects.bulk_create(rows)
        now = timezone.now()
        run.state = AllocationRun.State.PUBLISHED
        run.published_by = acting_user
        run.published_at = now
        run.save(update_fields=["state", "published_by", "published_at"])
        event = audit_record(
            actor=acting_user,
            action="allocation.published",
            target=run,
            from_state=AllocationRun.State.PROPOSED,
            to_state=AllocationRun.State.PUBLISHED,
            data={
                "placed": len(members),
                "unplaced": len(enrolled & {int(s) for s in run.assignment}) - len(members),
                "moved_by_hand": sum(
                    1
                    for sid, bid in run.assignment.items()
                    if bid != run.result.get("assignment", {}).get(sid)
                ),
            },
        )
        _notify_placements(notify, run, briefs, members, event_id=event.pk)
    return members


def _check_team(
    brief: Brief | None, students: Sequence[int], seats: set[int], members: set[int]
) -> None:
    if brief is None or brief.state != BriefState.PUBLISHED:
        title = brief.title if brief else "?"
        raise ValidationError(
            _(
                "The project “%(title)s” is no longer open: move its students elsewhere, "
                "or run again."
            )
            % {"title": title},
            code="brief_closed",
        )
    if len(seats) + len(students) > brief.team_max:
        free = brief.team_max - len(seats)
        raise ValidationError(
            _("“%(title)s” has %(seats)s for %(students)s: move some elsewhere first.")
            % {
                "title": brief.title,
                "seats": ngettext("%(free)d free seat", "%(free)d free seats", free)
                % {"free": free},
                "students": ngettext("%(count)d student", "%(count)d students", len(students))
                % {"count": len(students)},
            },
            code="team_full",
        )
    already = members.intersection(students)
    if already:
        raise ValidationError(
            _("A student is already in the team of “%(title)s”: run the allocation again.")
            % {"title": brief.title},
            code="already_member",
        )


def _notify_placements(
    notify: Any,
    run: AllocationRun,
    briefs: dict[int, Brief],
    members: list[TeamMember],
    *,
    event_id: int,
) -> None:
    cohort = Cohort.objects.select_related("school").get(pk=run.cohort_id)
    student_link = reverse("matching:student_allocation", kwargs={"pk": cohort.pk})
    students = {u.pk: u for u in User.objects.filter(pk__in=[m.student_id for m in members])}
    for member in members:
        brief = briefs[member.brief_id]
        notify(
            kind="placement_published",
            recipient=students[member.student_id],
            about=member,
            link=student_link,
            context=_placement_context(brief, cohort),
            event_key=f"allocation:{run.pk}:published:{event_id}:brief:{brief.pk}",
        )
    placed_briefs = sorted({m.brief_id for m in members})
    memberships = OrganisationMembership.objects.filter(
        organisation_id__in={briefs[b].organisation_id for b in placed_briefs}
    ).select_related("user")
    by_organisation: dict[int, list[User]] = defaultdict(list)
    for membership in memberships:
        by_organisation[membership.organisation_id].append(membership.user)
    for brief_id in placed_briefs:
        brief = briefs[brief_id]
        for user in by_organisation[brief.organisation_id]:
            notify(
                kind="placement_published",
                recipient=user,
                about=brief,
                link=brief.get_absolute_url(),
                context=_placement_context(brief, cohort),
                event_key=f"allocation:{run.pk}:published:{event_id}:brief:{brief.pk}",
            )


def _placement_context(brief: Brief, cohort: Cohort) -> dict[str, str]:
    return {
        "brief_title": brief.title,
        "cohort_name": cohort.name,
        "organisation_name": brief.organisation.name,
    }


# --- Helpers ----------------------------------------------------------------------------


def _lock_cohort(cohort: Cohort, acting_user: User) -> Cohort:
    """The cohort, locked, if ``acting_user`` is staff of its school and it is allocated by
    staff, active, and not yet published."""
    locked = (
        selectors.allocation_cohorts_for_staff(user=acting_user)
        .select_for_update(of=("self",))
        .filter(pk=cohort.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied
    if locked.is_archived:
        raise ValidationError(_("This cohort is archived."))
    if selectors.published_run(cohort=locked) is not None:
        raise ValidationError(_("The allocation of this cohort is published: it is final."))
    return locked


def _lock_run(run: AllocationRun, acting_user: User) -> AllocationRun:
    cohorts = selectors.allocation_cohorts_for_staff(user=acting_user)
    locked = (
        AllocationRun.objects.select_for_update(of=("self",))
        .filter(pk=run.pk, cohort__in=cohorts.values("pk"))
        .first()
    )
    if locked is None:
        raise PermissionDenied
    return locked


def _require_proposed(run: AllocationRun) -> None:
    if run.state != AllocationRun.State.PROPOSED:
        raise ValidationError(
            _("This allocation is “%(state)s”: it can no longer change.")
            % {"state": run.get_state_display()},
            code="state",
        )
