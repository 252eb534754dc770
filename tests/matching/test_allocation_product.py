"""The cohort allocation in the product (services): the engine's input built from the
database, runs and their Celery job, moves by hand, publication."""

import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from matching.allocation import allocate, blocking_pairs, parse_instance
from matching.models import AllocationRun, CohortBrief, OrganisationRanking, TeamMember
from matching.selectors import allocations as selectors
from matching.selectors.allocations import (
    OrganisationCapacity,
    merge_ranking,
    min_team_for,
    organisation_capacity_for,
    seats_for,
)
from matching.services import allocations as services
from notifications.models import Notification
from organisations.models import OrganisationMembership
from organisations.workflow import BriefState
from students.models import Enrolment
from tests.factories import UserFactory

from .allocation_fixtures import (
    allocation_cohort,
    enrol_students,
    open_briefs,
    published_brief,
    rank,
    with_skill,
)

# --- Pure rules ---------------------------------------------------------------------------


def test_merge_ranking_keeps_the_saved_order_and_merges_newcomers_by_score():
    scores = {1: 50.0, 2: 90.0, 3: 70.0, 4: 80.0, 5: 10.0}
    assert merge_ranking([], scores) == [2, 4, 3, 1, 5]
    # The organisation put 1 first and 3 second on purpose; 2 (90) and 4 (80) are new.
    assert merge_ranking([1, 3, 5], scores) == [2, 4, 1, 3, 5]
    # A saved student who is no longer a candidate drops out; duplicates count once.
    assert merge_ranking([9, 3, 3, 1], {1: 50.0, 3: 70.0, 6: 60.0}) == [3, 6, 1]
    # Ties: the saved student first, then the lower id.
    assert merge_ranking([1], {1: 50.0, 7: 50.0, 6: 50.0}) == [1, 6, 7]


def test_seats_and_minimums():
    assert seats_for(team_max=4, taken=0, cohort_capacity=None) == 4
    assert seats_for(team_max=4, taken=1, cohort_capacity=None) == 3
    assert seats_for(team_max=4, taken=1, cohort_capacity=2) == 2
    assert seats_for(team_max=4, taken=3, cohort_capacity=2) == 1
    assert seats_for(team_max=4, taken=5, cohort_capacity=None) == 0
    assert min_team_for(team_min=3, taken=1, capacity=4) == 2
    assert min_team_for(team_min=3, taken=0, capacity=2) == 2
    assert min_team_for(team_min=2, taken=3, capacity=1) == 0
    assert organisation_capacity_for(seats=7, limit=None) == 7
    assert organisation_capacity_for(seats=7, limit=3) == 3
    assert organisation_capacity_for(seats=7, limit=9) == 7


# --- The engine's input from the database -------------------------------------------------


@pytest.fixture
def setup(cast):
    """An allocated cohort of school A: 6 students, three briefs of A, one of B."""
    cohort = allocation_cohort(cast.school_a)
    students = enrol_students(cohort, 6, skill_slugs=["django", "python", "wordpress"])
    a1 = with_skill(published_brief(cast.org_a, team_min=2, team_max=3), "django", 3)
    a2 = with_skill(published_brief(cast.org_a, team_min=1, team_max=2), "wordpress", 2)
    b1 = with_skill(published_brief(cast.org_b, team_min=2, team_max=4), "python", 2)
    open_briefs(cohort, [a1, a2, b1])
    return cohort, students, (a1, a2, b1)


@pytest.mark.django_db
def test_input_reads_choices_capacities_and_rankings(cast, setup):
    cohort, students, (a1, a2, b1) = setup
    closed = published_brief(cast.org_a)  # opened but no longer published
    open_briefs(cohort, [closed])
    closed.state = BriefState.IN_PROGRESS
    closed.save(update_fields=["state"])
    not_opened = published_brief(cast.org_b)
    s0, s1, s2, s3, s4, s5 = students
    rank(s0, [a1, not_opened, b1])  # a brief not opened to the cohort does not count
    rank(s1, [closed, a2])
    rank(s2, [b1, a1, a2])
    rank(s3, [a2])
    # s4 ranked nothing; s5 already holds a seat on a1 (an accepted application).
    rank(s5, [a1, b1])
    TeamMember.objects.create(brief=a1, student=s5, seat=1, source="application")
    CohortBrief.objects.filter(cohort=cohort, brief=b1).update(capacity=2)

    data = selectors.allocation_input(cohort=cohort, min_teams=False)
    prefs = {s["id"]: s["preferences"] for s in data["students"]}
    assert prefs == {
        str(s0.pk): [str(a1.pk), str(b1.pk)],
        str(s1.pk): [str(a2.pk)],
        str(s2.pk): [str(b1.pk), str(a1.pk), str(a2.pk)],
        str(s3.pk): [str(a2.pk)],
        str(s4.pk): [],
        str(s5.pk): [str(b1.pk)],
    }
    briefs = {b["id"]: b for b in data["briefs"]}
    assert set(briefs) == {str(a1.pk), str(a2.pk), str(b1.pk)}
    assert briefs[str(a1.pk)]["capacity"] == 2  # team_max 3, one seat taken
    assert briefs[str(a2.pk)]["capacity"] == 2
    assert briefs[str(b1.pk)]["capacity"] == 2  # staff offered 2 of 4
    assert all(b["min_team"] == 0 for b in data["briefs"])
    orgs = {o["id"]: o for o in data["organisations"]}
    assert orgs[str(cast.org_a.pk)]["capacity"] == 4
    assert orgs[str(cast.org_b.pk)]["capacity"] == 2
    assert set(orgs[str(cast.org_a.pk)]["ranking"]) == {str(s.pk) for s in (s0, s1, s2, s3)}
    # Ranked by score, best first.
    ranking = orgs[str(cast.org_b.pk)]["ranking"]
    best = {sid: data["scores"][sid][str(b1.pk)] for sid in ranking}
    assert [best[sid] for sid in ranking] == sorted(best.values(), reverse=True)
    # Every (student, opened brief) pair is scored, 0–100.
    assert all(
        len(row) == 3 and all(0 <= v <= 100 for v in row.values())
        for row in data["scores"].values()
    )
    instance = parse_instance(data)  # the engine accepts it
    assert instance.n_students == 6 and instance.n_briefs == 3

    with_min = selectors.allocation_input(cohort=cohort, min_teams=True)
    mins = {b["id"]: b["min_team"] for b in with_min["briefs"]}
    assert mins == {str(a1.pk): 1, str(a2.pk): 1, str(b1.pk): 2}


@pytest.mark.django_db
def test_an_organisation_order_is_what_the_engine_reads(cast, setup):
    cohort, students, (a1, _a2, _b1) = setup
    for student in students:
        rank(student, [a1])
    before = [
        c.student.pk
        for c in selectors.organisation_candidates(cohort=cohort, organisation=cast.org_a)
    ]
    assert len(before) == 6
    services.organisation_ranking_move(
        cohort=cohort,
        organisation=cast.org_a,
        student_id=before[-1],
        direction="up",
        acting_user=cast.member_a,
    )
    after = [
        c.student.pk
        for c in selectors.organisation_candidates(cohort=cohort, organisation=cast.org_a)
    ]
    assert after == [*before[:4], before[5], before[4]]
    data = selectors.allocation_input(cohort=cohort, min_teams=False)
    ranking = next(o["ranking"] for o in data["organisations"] if o["id"] == str(cast.org_a.pk))
    assert ranking == [str(pk) for pk in after]
    with pytest.raises(PermissionDenied):
        services.organisation_ranking_move(
            cohort=cohort,
            organisation=cast.org_a,
            student_id=after[0],
            direction="down",
            acting_user=cast.owner_b,
        )
    with pytest.raises(ValidationError):
        services.organisation_ranking_move(
            cohort=cohort,
            organisation=cast.org_b,
            student_id=after[0],
            direction="down",
            acting_user=cast.owner_b,
        )


# --- An organisation's capacity for the cohort ---------------------------------------------


def _organisation_capacity_in_input(cohort, organisation):
    data = selectors.allocation_input(cohort=cohort, min_teams=False)
    return data, next(
        o["capacity"] for o in data["organisations"] if o["id"] == str(organisation.pk)
    )


@pytest.mark.django_db
def test_an_organisation_capacity_caps_what_the_engine_gives_it(cast, setup):
    cohort, students, (a1, a2, b1) = setup
    for student in students:
        rank(student, [a1, a2, b1])  # everyone would rather work with A
    of_a = {str(a1.pk), str(a2.pk)}
    data, capacity = _organisation_capacity_in_input(cohort, cast.org_a)
    assert capacity == 5  # no limit of its own: a1's 3 seats and a2's 2
    assert (
        sum(b in of_a for b in allocate(parse_instance(data), "stable").assignment_by_id.values())
        == 5
    )

    services.organisation_capacity_set(
        cohort=cohort, organisation=cast.org_a, capacity=2, acting_user=cast.member_a
    )
    assert selectors.organisation_capacity(
        cohort=cohort, organisation=cast.org_a
    ) == OrganisationCapacity(seats=5, limit=2)
    data, capacity = _organisation_capacity_in_input(cohort, cast.org_a)
    assert capacity == 2
    instance = parse_instance(data)
    for mode in ("stable", "welfare"):
        assignment = allocate(instance, mode).assignment_by_id
        assert sum(b in of_a for b in assignment.values()) == 2, mode
        assert sum(b == str(b1.pk) for b in assignment.values()) == 4, mode

    # A limit above the seats changes nothing, and an empty one lifts it.
    services.organisation_capacity_set(
        cohort=cohort, organisation=cast.org_a, capacity=9, acting_user=cast.owner_a
    )
    assert _organisation_capacity_in_input(cohort, cast.org_a)[1] == 5
    services.organisation_capacity_set(
        cohort=cohort, organisation=cast.org_a, capacity=None, acting_user=cast.owner_a
    )
    assert _organisation_capacity_in_input(cohort, cast.org_a)[1] == 5


@pytest.mark.django_db
def test_an_organisation_capacity_and_its_order_live_side_by_side(cast, setup):
    cohort, students, (a1, _a2, _b1) = setup
    for student in students:
        rank(student, [a1])
    order = services.organisation_ranking_move(
        cohort=cohort,
        organisation=cast.org_a,
        student_id=students[0].pk,
        direction="down",
        acting_user=cast.member_a,
    )
    services.organisation_capacity_set(
        cohort=cohort, organisation=cast.org_a, capacity=3, acting_user=cast.member_a
    )
    services.organisation_capacity_set(  # the same again: nothing to record
        cohort=cohort, organisation=cast.org_a, capacity=3, acting_user=cast.member_a
    )
    services.organisation_ranking_move(
        cohort=cohort,
        organisation=cast.org_a,
        student_id=order[-1],
        direction="up",
        acting_user=cast.member_a,
    )
    saved = OrganisationRanking.objects.get(cohort=cohort, organisation=cast.org_a)
    assert saved.capacity == 3 and len(saved.student_ids) == 6
    events = AuditEvent.objects.filter(action="organisation_ranking.capacity")
    assert [(e.actor, e.data) for e in events] == [
        (cast.member_a, {"organisation": cast.org_a.pk, "capacity": 3})
    ]


@pytest.mark.django_db
def test_organisation_capacity_refusals(cast, setup):
    cohort, _students, _briefs = setup
    with pytest.raises(PermissionDenied):  # not a member of A
        services.organisation_capacity_set(
            cohort=cohort, organisation=cast.org_a, capacity=2, acting_user=cast.owner_b
        )
    with pytest.raises(PermissionDenied):  # no brief of A opened to that cohort
        services.organisation_capacity_set(
            cohort=allocation_cohort(cast.school_a, name="Autre"),
            organisation=cast.org_a,
            capacity=2,
            acting_user=cast.owner_a,
        )
    for bad in (0, -1, OrganisationRanking.MAX_CAPACITY + 1):
        with pytest.raises(ValidationError):
            services.organisation_capacity_set(
                cohort=cohort, organisation=cast.org_a, capacity=bad, acting_user=cast.owner_a
            )
    assert not OrganisationRanking.objects.exists()


# --- Opening briefs -----------------------------------------------------------------------


@pytest.mark.django_db
def test_open_and_close_briefs(cast):
    cohort = allocation_cohort(cast.school_a)
    brief = published_brief(cast.org_a, team_max=4)
    opening = services.cohort_brief_open(
        cohort=cohort, brief=brief, capacity=None, acting_user=cast.staff_a
    )
    again = services.cohort_brief_open(
        cohort=cohort, brief=brief, capacity=3, acting_user=cast.staff_a
    )
    assert again.pk == opening.pk and again.capacity == 3
    with pytest.raises(ValidationError):
        services.cohort_brief_open(cohort=cohort, brief=brief, capacity=5, acting_user=cast.staff_a)
    with pytest.raises(ValidationError):
        services.cohort_brief_open(
            cohort=cohort, brief=cast.draft_a, capacity=None, acting_user=cast.staff_a
        )
    with pytest.raises(PermissionDenied):
        services.cohort_brief_open(
            cohort=cohort, brief=brief, capacity=None, acting_user=cast.staff_b
        )
    # A cohort whose students apply is not allocated.
    with pytest.raises(PermissionDenied):
        services.cohort_brief_open(
            cohort=cast.cohort_a, brief=brief, capacity=None, acting_user=cast.staff_a
        )
    services.cohort_brief_close(opening=again, acting_user=cast.staff_a)
    assert not CohortBrief.objects.filter(cohort=cohort).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="cohort_brief.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["cohort_brief.closed", "cohort_brief.opened", "cohort_brief.seats"]


# --- Runs ---------------------------------------------------------------------------------


def _start(cohort, staff, capture, mode="stable", min_teams=False):
    with capture(execute=True):
        run = services.allocation_run_start(
            cohort=cohort, mode=mode, min_teams=min_teams, acting_user=staff
        )
    run.refresh_from_db()
    return run


@pytest.mark.django_db
def test_a_run_computes_a_stable_proposal_in_the_celery_job(
    cast, setup, django_capture_on_commit_callbacks
):
    cohort, students, (a1, a2, b1) = setup
    for i, student in enumerate(students):
        rank(student, [[a1, b1, a2][i % 3], [b1, a2, a1][i % 3]])
    run = _start(cohort, cast.staff_a, django_capture_on_commit_callbacks)
    assert run.state == AllocationRun.State.PROPOSED and run.progress == 100
    assert run.finished_at is not None and run.error == ""
    assert run.assignment == run.result["assignment"]
    assert set(run.assignment) == {str(s.pk) for s in students}
    instance = parse_instance(run.instance)
    assert blocking_pairs(instance, run.assignment) == []
    assert run.result["placed"] == 6 and run.result["blocking_pairs"] == 0
    assert AuditEvent.objects.filter(action="allocation.started", target_id=str(run.pk)).exists()


@pytest.mark.django_db
def test_welfare_with_minimum_teams(cast, setup, django_capture_on_commit_callbacks):
    cohort, students, (a1, a2, b1) = setup
    for student in students:
        rank(student, [a1, a2, b1])
    run = _start(
        cohort, cast.staff_a, django_capture_on_commit_callbacks, mode="welfare", min_teams=True
    )
    assert run.state == AllocationRun.State.PROPOSED
    assert run.instance["options"] == {"min_teams": True}
    assert run.result["optimality_gap"] == 0.0
    sizes: dict[str, int] = {}
    for bid in run.assignment.values():
        sizes[bid] = sizes.get(bid, 0) + 1
    assert sizes.get(str(b1.pk), 0) in (0, 2, 3, 4)  # 0 or between its minimum and maximum


@pytest.mark.django_db
def test_running_again_discards_unpublished_proposals_only(
    cast, setup, django_capture_on_commit_callbacks
):
    cohort, students, (a1, _a2, _b1) = setup
    rank(students[0], [a1])
    first = _start(cohort, cast.staff_a, django_capture_on_commit_callbacks)
    second = _start(cohort, cast.staff_a, django_capture_on_commit_callbacks, mode="welfare")
    first.refresh_from_db()
    assert first.state == AllocationRun.State.DISCARDED
    assert second.state == AllocationRun.State.PROPOSED
    services.allocation_publish(run=second, acting_user=cast.staff_a)
    with pytest.raises(ValidationError):
        services.allocation_run_start(
            cohort=cohort, mode="stable", min_teams=False, acting_user=cast.staff_a
        )
    second.refresh_from_db()
    assert second.state == AllocationRun.State.PUBLISHED


@pytest.mark.django_db
def test_a_run_needs_staff_of_the_school_and_an_opened_brief(
    cast, django_capture_on_commit_callbacks
):
    cohort = allocation_cohort(cast.school_a)
    with pytest.raises(PermissionDenied):
        services.allocation_run_start(
            cohort=cohort, mode="stable", min_teams=False, acting_user=cast.staff_b
        )
    with pytest.raises(ValidationError):
        services.allocation_run_start(
            cohort=cohort, mode="stable", min_teams=False, acting_user=cast.staff_a
        )
    with pytest.raises(ValidationError):
        services.allocation_run_start(
            cohort=cohort, mode="greedy", min_teams=False, acting_user=cast.staff_a
        )
    assert not AllocationRun.objects.exists()


@pytest.mark.django_db
def test_progress_and_a_discarded_run_left_alone(cast, setup):
    cohort, students, (a1, _a2, _b1) = setup
    rank(students[0], [a1])
    run = AllocationRun.objects.create(
        cohort=cohort, mode="stable", state="queued", instance={"options": {}}
    )
    seen = []
    original = selectors.allocation_input

    def spy(**kwargs):
        seen.append(AllocationRun.objects.get(pk=run.pk).progress)
        return original(**kwargs)

    selectors.allocation_input = spy
    try:
        services.allocation_run_compute(run_id=run.pk)
    finally:
        selectors.allocation_input = original
    run.refresh_from_db()
    assert seen == [5] and run.progress == 100 and run.state == "proposed"

    discarded = AllocationRun.objects.create(cohort=cohort, mode="stable", state="discarded")
    assert services.allocation_run_compute(run_id=discarded.pk) is None
    discarded.refresh_from_db()
    assert discarded.state == "discarded" and discarded.result == {}


@pytest.mark.django_db
def test_a_failing_run_says_so(cast, setup, monkeypatch):
    cohort, _students, _briefs = setup
    run = AllocationRun.objects.create(
        cohort=cohort, mode="stable", state="queued", instance={"options": {}}
    )

    def boom(*args, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(services, "allocate", boom)
    services.allocation_run_compute(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == "failed" and run.error == "computation_failed"
    assert "échoué" in selectors.run_error_text(run)


@pytest.mark.django_db
def test_stuck_runs_are_marked_failed(cast, setup):
    from datetime import timedelta

    from django.utils import timezone

    cohort, _students, _briefs = setup
    old = AllocationRun.objects.create(cohort=cohort, mode="stable", state="running")
    AllocationRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = AllocationRun.objects.create(cohort=cohort, mode="stable", state="queued")
    assert services.allocation_runs_fail_stuck() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.state == "failed" and fresh.state == "queued"


# --- Moves by hand ------------------------------------------------------------------------


@pytest.fixture
def proposed(cast, setup, django_capture_on_commit_callbacks):
    cohort, students, (a1, a2, b1) = setup
    for i, student in enumerate(students):
        rank(student, [[a1, b1, a2][i % 3], [b1, a2, a1][i % 3]])
    run = _start(cohort, cast.staff_a, django_capture_on_commit_callbacks)
    return run, students, (a1, a2, b1)


@pytest.mark.django_db
def test_move_shows_its_effect_then_applies(cast, proposed):
    run, students, (a1, _a2, _b1) = proposed
    proposal = selectors.allocation_proposal(run=run)
    assert proposal.moved == 0 and proposal.evaluation.blocking_pairs == ()
    placed_on_a1 = next(s for s in students if run.assignment[str(s.pk)] == str(a1.pk))
    effect = selectors.move_effect(proposal=proposal, student_id=placed_on_a1.pk, brief_id=None)
    assert effect.after.placed == effect.before.placed - 1
    assert effect.total_change == -proposal.rows[placed_on_a1.pk].score
    # Leaving a student out next to a free seat they ranked creates a blocking pair.
    assert [(p.student.pk, p.brief.pk) for p in effect.new_blocking][:1] == [
        (placed_on_a1.pk, a1.pk)
    ]

    services.allocation_move(
        run=run, student_id=placed_on_a1.pk, brief_id=None, acting_user=cast.staff_a
    )
    run.refresh_from_db()
    assert run.assignment[str(placed_on_a1.pk)] is None
    assert run.result["assignment"][str(placed_on_a1.pk)] == str(a1.pk)  # the engine's stays
    proposal = selectors.allocation_proposal(run=run)
    assert proposal.moved == 1 and proposal.blocking
    assert placed_on_a1.pk in {row.student.pk for row in proposal.unplaced}
    assert AuditEvent.objects.filter(action="allocation.moved").count() == 1

    services.allocation_reset(run=run, acting_user=cast.staff_a)
    run.refresh_from_db()
    assert run.assignment == run.result["assignment"]


@pytest.mark.django_db
def test_a_move_over_an_organisation_capacity_is_shown_not_refused(
    cast, setup, django_capture_on_commit_callbacks
):
    cohort, students, (a1, a2, b1) = setup
    for student in students:
        rank(student, [a1, a2, b1])
    services.organisation_capacity_set(
        cohort=cohort, organisation=cast.org_a, capacity=2, acting_user=cast.member_a
    )
    run = _start(cohort, cast.staff_a, django_capture_on_commit_callbacks)
    proposal = selectors.allocation_proposal(run=run)
    load = proposal.organisations[cast.org_a.pk]
    assert (load.size, load.capacity, load.seats, load.limited) == (2, 2, 5, True)
    assert not proposal.organisations[cast.org_b.pk].limited
    assert proposal.organisations_over_capacity == []

    # Within the organisation, a move changes nothing to its count.
    on_a1 = next(s for s in students if run.assignment[str(s.pk)] == str(a1.pk))
    effect = selectors.move_effect(proposal=proposal, student_id=on_a1.pk, brief_id=a2.pk)
    assert not effect.joins_organisation and not effect.target_organisation_over_capacity
    # From another organisation's brief, it takes A over the limit it set (not a2's seats).
    on_b1 = next(s for s in students if run.assignment[str(s.pk)] == str(b1.pk))
    effect = selectors.move_effect(proposal=proposal, student_id=on_b1.pk, brief_id=a2.pk)
    assert effect.joins_organisation and effect.organisation_size_after == 3
    assert effect.target_organisation_over_capacity and not effect.target_over_capacity

    services.allocation_move(run=run, student_id=on_b1.pk, brief_id=a2.pk, acting_user=cast.staff_a)
    run.refresh_from_db()
    proposal = selectors.allocation_proposal(run=run)
    assert [(o.organisation, o.size, o.capacity) for o in proposal.organisations_over_capacity] == [
        (cast.org_a, 3, 2)
    ]
    assert proposal.over_capacity == []  # every team within its seats
    # The limit is the organisation's word, shown to staff: they may still publish.
    members = services.allocation_publish(run=run, acting_user=cast.staff_a)
    assert sum(m.brief_id in (a1.pk, a2.pk) for m in members) == 3


@pytest.mark.django_db
def test_move_refusals(cast, proposed):
    run, students, (a1, _a2, _b1) = proposed
    stranger = UserFactory.create()
    with pytest.raises(ValidationError):
        services.allocation_move(
            run=run, student_id=stranger.pk, brief_id=a1.pk, acting_user=cast.staff_a
        )
    with pytest.raises(ValidationError):
        services.allocation_move(
            run=run, student_id=students[0].pk, brief_id=cast.brief_b.pk, acting_user=cast.staff_a
        )
    with pytest.raises(PermissionDenied):
        services.allocation_move(
            run=run, student_id=students[0].pk, brief_id=None, acting_user=cast.staff_b
        )
    with pytest.raises(PermissionDenied):
        services.allocation_move(
            run=run, student_id=students[0].pk, brief_id=None, acting_user=students[0]
        )


# --- A proposal computed on data that has changed ----------------------------------------


def _snapshot(prefs, briefs, orgs):
    return {
        "students": [{"id": sid, "preferences": p} for sid, p in prefs.items()],
        "briefs": [
            {"id": bid, "organisation": "o", "capacity": c, "min_team": m}
            for bid, (c, m) in briefs.items()
        ],
        "organisations": [{"id": oid, "capacity": c, "ranking": r} for oid, (c, r) in orgs.items()],
        "scores": {},
    }


def test_instance_changes_ignore_list_order_but_not_preference_or_ranking_order():
    before = _snapshot(
        {"1": ["10", "11"], "2": ["11"]}, {"10": (2, 0), "11": (3, 1)}, {"o": (5, ["1", "2"])}
    )
    same = _snapshot(
        {"2": ["11"], "1": ["10", "11"]}, {"11": (3, 1), "10": (2, 0)}, {"o": (5, ["1", "2"])}
    )
    assert selectors.instance_changes(before, same) == selectors.Staleness()
    assert not selectors.instance_changes(before, same).stale

    reordered = _snapshot(
        {"1": ["11", "10"], "2": ["11"]}, {"10": (2, 0), "11": (3, 1)}, {"o": (5, ["2", "1"])}
    )
    changes = selectors.instance_changes(before, reordered)
    assert changes.choices and changes.rankings and changes.stale
    assert not (changes.offer or changes.capacities or changes.joined or changes.left)

    # A brief withdrawn and a student gone: the offer and the roll, not every choice.
    smaller = _snapshot({"1": ["11"]}, {"11": (3, 1)}, {"o": (5, ["1"])})
    changes = selectors.instance_changes(before, smaller)
    assert changes == selectors.Staleness(left=1, offer=True)


@pytest.mark.django_db
def test_a_proposal_is_not_stale_right_after_its_run_nor_after_moves(cast, proposed):
    run, students, (_a1, _a2, b1) = proposed
    assert not selectors.allocation_staleness(run=run).stale
    services.allocation_move(
        run=run, student_id=students[0].pk, brief_id=b1.pk, acting_user=cast.staff_a
    )
    run.refresh_from_db()
    assert not selectors.allocation_staleness(run=run).stale


@pytest.mark.django_db
def test_a_welfare_proposal_with_minimum_teams_is_not_stale_right_after_its_run(
    cast, setup, django_capture_on_commit_callbacks
):
    cohort, students, (a1, a2, b1) = setup
    for student in students:
        rank(student, [a1, b1, a2])
    run = _start(cohort, cast.staff_a, django_capture_on_commit_callbacks, "welfare", True)
    assert run.state == "proposed" and run.instance["options"]["min_teams"]
    assert not selectors.allocation_staleness(run=run).stale


@pytest.mark.django_db
def test_a_student_reordering_their_choices_makes_the_proposal_stale(cast, proposed):
    run, students, (a1, _a2, b1) = proposed
    rank(students[0], [b1, a1])  # was [a1, b1]
    assert selectors.allocation_staleness(run=run) == selectors.Staleness(choices=True)


@pytest.mark.django_db
def test_an_organisation_capacity_or_order_makes_the_proposal_stale(cast, proposed):
    run, _students, _briefs = proposed
    services.organisation_capacity_set(
        cohort=run.cohort, organisation=cast.org_a, capacity=1, acting_user=cast.member_a
    )
    assert selectors.allocation_staleness(run=run) == selectors.Staleness(capacities=True)

    services.organisation_capacity_set(
        cohort=run.cohort, organisation=cast.org_a, capacity=None, acting_user=cast.member_a
    )
    assert not selectors.allocation_staleness(run=run).stale
    first = selectors.organisation_candidates(cohort=run.cohort, organisation=cast.org_a)[0]
    services.organisation_ranking_move(
        cohort=run.cohort,
        organisation=cast.org_a,
        student_id=first.student.pk,
        direction="down",
        acting_user=cast.member_a,
    )
    assert selectors.allocation_staleness(run=run) == selectors.Staleness(rankings=True)


@pytest.mark.django_db
def test_a_brief_leaving_the_offer_or_its_seats_make_the_proposal_stale(cast, proposed):
    run, _students, (_a1, a2, b1) = proposed
    b1.team_max = 3  # was 4, nobody offered fewer to the cohort
    b1.save(update_fields=["team_max"])
    changes = selectors.allocation_staleness(run=run)
    assert changes.capacities and not changes.offer

    b1.team_max = 4
    b1.save(update_fields=["team_max"])
    services.cohort_brief_close(
        opening=CohortBrief.objects.get(cohort=run.cohort, brief=a2), acting_user=cast.staff_a
    )
    changes = selectors.allocation_staleness(run=run)
    # Choices and orders that held a2 are not reported again: the offer changed.
    assert changes.offer and changes.stale and not changes.choices and not changes.rankings


@pytest.mark.django_db
def test_students_joining_or_leaving_make_the_proposal_stale(cast, proposed):
    run, students, _briefs = proposed
    enrol_students(run.cohort, 2)
    assert selectors.allocation_staleness(run=run) == selectors.Staleness(joined=2)
    Enrolment.objects.filter(cohort=run.cohort, student=students[0]).delete()
    assert selectors.allocation_staleness(run=run) == selectors.Staleness(joined=2, left=1)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [6, 30])
def test_the_staleness_check_takes_constant_queries(
    cast, django_capture_on_commit_callbacks, django_assert_num_queries, size
):
    cohort = allocation_cohort(cast.school_a)
    students = enrol_students(cohort, size, skill_slugs=["django"])
    briefs = [
        published_brief(org, team_max=4)
        for _ in range(size // 6)
        for org in (cast.org_a, cast.org_b)
    ]
    open_briefs(cohort, briefs)
    for i, student in enumerate(students):
        rank(student, [briefs[i % len(briefs)], briefs[(i + 1) % len(briefs)]])
    run = _start(cohort, cast.staff_a, django_capture_on_commit_callbacks)
    run = AllocationRun.objects.select_related("cohort").get(pk=run.pk)  # as the page loads it
    with django_assert_num_queries(5):  # the same at both sizes: no scoring, no loop query
        assert not selectors.allocation_staleness(run=run).stale


@pytest.mark.django_db
def test_the_proposal_page_warns_when_it_is_stale(cast, proposed, client_for):
    run, students, (a1, _a2, b1) = proposed
    client = client_for(cast.staff_a)
    url = reverse("matching:allocation_run", kwargs={"pk": run.cohort_id, "run_pk": run.pk})
    body = client.get(url).content.decode()
    assert "stale-warning" not in body
    assert "Les données ont changé" not in body

    rank(students[0], [b1, a1])
    body = client.get(url).content.decode()
    assert 'class="alert alert-warning stale-warning" role="status"' in body
    assert "Les données ont changé depuis ce calcul" in body
    assert "Des étudiants ont modifié leurs choix." in body
    assert reverse("matching:cohort_allocation", args=[run.cohort_id]) + "#run-title" in body
    # Publishing stays possible; its confirmation says it too.
    assert "Publier quand même" in html.unescape(body)


# --- Publication --------------------------------------------------------------------------


@pytest.mark.django_db
def test_publish_creates_exactly_the_placements_and_notifications(cast, proposed):
    run, _students, (a1, a2, b1) = proposed
    # An earlier member of a1 keeps seat 1; the allocation numbers its seats after it.
    earlier = UserFactory.create()
    TeamMember.objects.create(brief=a1, student=earlier, seat=1, source="application")
    placed = {int(s): int(b) for s, b in run.assignment.items() if b}
    # Keep a1 within its seats now that one is taken.
    on_a1 = [s for s, b in placed.items() if b == a1.pk]
    for sid in on_a1[2:]:
        services.allocation_move(run=run, student_id=sid, brief_id=None, acting_user=cast.staff_a)
        del placed[sid]
    run.refresh_from_db()

    members = services.allocation_publish(run=run, acting_user=cast.staff_a)

    run.refresh_from_db()
    assert run.state == "published" and run.published_by == cast.staff_a
    rows = TeamMember.objects.filter(allocation=run)
    assert {(m.student_id, m.brief_id) for m in rows} == set(placed.items())
    assert len(members) == len(placed)
    assert all(m.source == "allocation" for m in rows)
    assert sorted(rows.filter(brief=a1).values_list("seat", flat=True)) == list(
        range(2, 2 + len(on_a1[:2]))
    )
    notes = Notification.objects.filter(kind="placement_published")
    placed_briefs = set(placed.values())
    members_per_org = {
        org: OrganisationMembership.objects.filter(organisation_id=org).count()
        for org in (cast.org_a.pk, cast.org_b.pk)
    }
    expected_for_orgs = sum(
        members_per_org[b.organisation_id] for b in (a1, a2, b1) if b.pk in placed_briefs
    )
    assert notes.count() == len(placed) + expected_for_orgs
    student_note = notes.get(recipient_id=next(iter(placed)))
    assert set(student_note.context) == {"brief_title", "cohort_name", "organisation_name"}
    assert student_note.link.endswith(f"/cohorts/{run.cohort_id}/my-allocation/")
    assert AuditEvent.objects.filter(action="allocation.published", target_id=str(run.pk)).exists()
    with pytest.raises(ValidationError):
        services.allocation_publish(run=run, acting_user=cast.staff_a)


@pytest.mark.django_db
def test_publish_rolls_back_entirely_on_error(cast, proposed, monkeypatch):
    run, _students, _briefs = proposed
    import notifications.services

    calls = []
    original = notifications.services.notify

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise RuntimeError("mail provider down")
        return original(**kwargs)

    monkeypatch.setattr(notifications.services, "notify", failing)
    with pytest.raises(RuntimeError):
        services.allocation_publish(run=run, acting_user=cast.staff_a)
    run.refresh_from_db()
    assert run.state == "proposed"
    assert not TeamMember.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action="allocation.published").exists()


@pytest.mark.django_db
def test_publish_refuses_a_team_filled_meanwhile(cast, proposed):
    run, _students, (a1, _a2, _b1) = proposed
    on_a1 = [s for s, b in run.assignment.items() if b == str(a1.pk)]
    assert on_a1
    # Applications accepted since the run took every seat but one less than needed.
    for seat in range(1, a1.team_max - len(on_a1) + 2):
        TeamMember.objects.create(
            brief=a1, student=UserFactory.create(), seat=seat, source="application"
        )
    with pytest.raises(ValidationError, match=a1.title):
        services.allocation_publish(run=run, acting_user=cast.staff_a)
    run.refresh_from_db()
    assert run.state == "proposed"
    assert not TeamMember.objects.filter(allocation=run).exists()


@pytest.mark.django_db
def test_publish_refuses_a_brief_no_longer_open_and_other_schools(cast, proposed):
    run, _students, (a1, _a2, _b1) = proposed
    with pytest.raises(PermissionDenied):
        services.allocation_publish(run=run, acting_user=cast.staff_b)
    a1.state = BriefState.CANCELLED
    a1.save(update_fields=["state"])
    with pytest.raises(ValidationError):
        services.allocation_publish(run=run, acting_user=cast.staff_a)
    assert not TeamMember.objects.exists()


@pytest.mark.django_db
def test_organisation_ranking_is_closed_after_publication(cast, proposed):
    run, students, (_a1, _a2, _b1) = proposed
    services.allocation_publish(run=run, acting_user=cast.staff_a)
    with pytest.raises(ValidationError):
        services.organisation_ranking_move(
            cohort=run.cohort,
            organisation=cast.org_a,
            student_id=students[0].pk,
            direction="up",
            acting_user=cast.owner_a,
        )
    with pytest.raises(ValidationError):
        services.organisation_capacity_set(
            cohort=run.cohort, organisation=cast.org_a, capacity=2, acting_user=cast.owner_a
        )
    assert not OrganisationRanking.objects.exists()
