"""Cohort allocation: assign the students of a cohort to briefs (issue #7, the engine).

This is the Student–Project Allocation problem: students list briefs best first, a brief has
a capacity (its maximum team size) and an optional minimum team size, and an organisation has
a capacity over all its briefs and ranks the students who listed one of them. Two modes:

* ``stable``  — the student-optimal stable matching (algorithm SPA-student of Abraham, Irving
  & Manlove, 2007), see :mod:`matching.allocation_stable`. Minimum team sizes play no part in
  it: briefs left below their minimum are reported in ``under_minimum``.
* ``welfare`` — an assignment of greatest total match score under the same capacities, exact
  (HiGHS), honouring minimum team sizes; see :mod:`matching.allocation_welfare`.

Pure Python and numpy, no ORM and no settings: the Django side builds an
:class:`AllocationInstance` with :func:`build_instance`, calls :func:`allocate`, and shows staff
the effect of a hand edit with :func:`evaluate` / :func:`blocking_pairs`.

Command line: ``python -m matching.allocation IN.json --mode stable|welfare [--out OUT.json]``
and ``python -m matching.allocation --bench``. The format is documented in docs/allocation.md.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Mode = Literal["stable", "welfare"]
MODES: tuple[Mode, ...] = ("stable", "welfare")

# Why an unplaced student got nothing; the product translates these codes.
UnplacedReason = Literal[
    "no_preferences",  # the student listed no brief
    "all_choices_full",  # every listed brief, or its organisation, is full
    "choices_not_opened",  # the listed briefs with room stayed empty: below their minimum team
    "left_out",  # a listed brief could still take them (only in hand-edited assignments)
]

UNPLACED = -1
DEFAULT_TIME_LIMIT_S = 60.0


class InstanceError(ValueError):
    """Invalid allocation input. The message is one line, fit to show as is."""


@dataclass(frozen=True)
class StudentSpec:
    id: str
    preferences: Sequence[str]  # brief ids, best first


@dataclass(frozen=True)
class BriefSpec:
    id: str
    organisation: str
    capacity: int  # maximum team size
    min_team: int = 0  # the brief gets 0 students or between min_team and capacity


@dataclass(frozen=True)
class OrganisationSpec:
    id: str
    capacity: int  # over all its briefs
    ranking: Sequence[str]  # student ids, best first


@dataclass(frozen=True, eq=False)
class AllocationInstance:
    """A validated instance, as index arrays. Build it with :func:`build_instance`.

    Students, briefs and organisations are numbered by their position in the id tuples. The
    preference lists are stored as "edges" in CSR form: student ``s`` lists the briefs
    ``pref_brief[pref_ptr[s]:pref_ptr[s + 1]]``, best first; edge ``e`` is the pair
    ``(edge_student[e], pref_brief[e])``.
    """

    student_ids: tuple[str, ...]
    brief_ids: tuple[str, ...]
    organisation_ids: tuple[str, ...]
    student_index: Mapping[str, int]
    brief_index: Mapping[str, int]
    organisation_index: Mapping[str, int]
    pref_ptr: IntArray
    pref_brief: IntArray
    edge_student: IntArray
    edge_score: FloatArray  # NaN where no score was given
    edge_org_rank: IntArray  # 0-based rank of the student in the brief's organisation's ranking
    brief_organisation: IntArray
    brief_capacity: IntArray
    brief_min_team: IntArray
    organisation_capacity: IntArray
    # Each organisation's whole ranking, CSR like the preferences: needed only to evaluate
    # hand edits that put a student on a brief they did not list.
    ranking_ptr: IntArray
    ranking_student: IntArray
    has_scores: bool
    other_scores: Mapping[tuple[int, int], float]  # (student, brief) pairs outside the lists

    @property
    def n_students(self) -> int:
        return len(self.student_ids)

    @property
    def n_briefs(self) -> int:
        return len(self.brief_ids)

    @property
    def n_organisations(self) -> int:
        return len(self.organisation_ids)

    @property
    def edge_organisation(self) -> IntArray:
        return self.brief_organisation[self.pref_brief]

    @property
    def has_min_teams(self) -> bool:
        """Whether some brief's minimum binds (a minimum of 1 is no constraint)."""
        return bool(np.any(self.brief_min_team >= 2))

    def scores_complete(self) -> bool:
        return not bool(np.isnan(self.edge_score).any())


@dataclass(frozen=True)
class Evaluation:
    """The figures staff see for an assignment, proposed or edited by hand."""

    placed: int
    unplaced: int
    mean_rank: float | None  # over students placed on a brief they listed; 1 = first choice
    total_score: float | None  # None when the instance carries no scores
    unscored_placements: int  # placed students whose pair has no score (counted as 0)
    ranks: Mapping[str, int | None]  # 1-based; None if unplaced or on a brief not listed
    unplaced_reasons: Mapping[str, UnplacedReason]
    under_minimum: tuple[str, ...]  # briefs with at least one student but fewer than min_team
    over_capacity_briefs: tuple[str, ...]
    over_capacity_organisations: tuple[str, ...]
    unlisted: tuple[str, ...]  # students placed on a brief they did not list
    blocking_pairs: tuple[tuple[str, str], ...]  # (student id, brief id)

    @property
    def feasible(self) -> bool:
        return not (self.over_capacity_briefs or self.over_capacity_organisations)


@dataclass(frozen=True, eq=False)
class Allocation:
    """An allocation proposed by :func:`allocate`."""

    instance: AllocationInstance
    mode: Mode
    assignment: IntArray  # brief index per student, UNPLACED (-1) if none
    evaluation: Evaluation
    solve_ms: float
    # Welfare only: HiGHS's bound on the best total score and the relative gap
    # (bound - total) / bound; the gap is 0.0 when the optimum is proven.
    optimality_gap: float | None = None
    score_bound: float | None = None

    @property
    def assignment_by_id(self) -> dict[str, str | None]:
        return assignment_to_ids(self.instance, self.assignment)

    def as_dict(self) -> dict[str, Any]:
        ev = self.evaluation
        return {
            "mode": self.mode,
            "assignment": self.assignment_by_id,
            "placed": ev.placed,
            "unplaced": ev.unplaced,
            "mean_rank": ev.mean_rank,
            "total_score": ev.total_score,
            "under_minimum": list(ev.under_minimum),
            "blocking_pairs": len(ev.blocking_pairs),
            "optimality_gap": self.optimality_gap,
            "score_bound": self.score_bound,
            "solve_ms": round(self.solve_ms, 3),
            "ranks": dict(ev.ranks),
            "unplaced_reasons": dict(ev.unplaced_reasons),
        }


# --- Building and validating an instance -------------------------------------------------


def build_instance(
    *,
    students: Sequence[StudentSpec],
    briefs: Sequence[BriefSpec],
    organisations: Sequence[OrganisationSpec],
    scores: Mapping[str, Mapping[str, float]] | None = None,
) -> AllocationInstance:
    """Validate plain data and index it. Raises :class:`InstanceError` (one line).

    ``scores[student][brief]`` is the match score (finite, non-negative, 0–100 in practice).
    It is optional for the stable mode; the welfare mode needs one for every listed pair.
    """
    student_index = _index_ids("student", [s.id for s in students])
    brief_index = _index_ids("brief", [b.id for b in briefs])
    organisation_index = _index_ids("organisation", [o.id for o in organisations])

    organisation_capacity = np.array(
        [_capacity(f"organisation {o.id!r} capacity", o.capacity) for o in organisations],
        dtype=np.int64,
    )
    brief_organisation = np.empty(len(briefs), dtype=np.int64)
    brief_capacity = np.empty(len(briefs), dtype=np.int64)
    brief_min_team = np.empty(len(briefs), dtype=np.int64)
    for i, spec in enumerate(briefs):
        org = organisation_index.get(spec.organisation)
        if org is None:
            raise InstanceError(f"brief {spec.id!r}: unknown organisation {spec.organisation!r}")
        brief_organisation[i] = org
        brief_capacity[i] = _capacity(f"brief {spec.id!r} capacity", spec.capacity)
        brief_min_team[i] = _capacity(f"brief {spec.id!r} min_team", spec.min_team)
        if brief_min_team[i] > brief_capacity[i]:
            raise InstanceError(
                f"brief {spec.id!r}: min_team {spec.min_team} is above its capacity {spec.capacity}"
            )

    ranks: list[dict[int, int]] = []
    ranking_ptr = [0]
    ranking_student: list[int] = []
    for o in organisations:
        rank_of: dict[int, int] = {}
        for r, sid in enumerate(o.ranking):
            s = student_index.get(sid)
            if s is None:
                raise InstanceError(f"organisation {o.id!r} ranks unknown student {sid!r}")
            if s in rank_of:
                raise InstanceError(f"organisation {o.id!r} ranks student {sid!r} twice")
            rank_of[s] = r
        ranks.append(rank_of)
        ranking_student.extend(rank_of)
        ranking_ptr.append(len(ranking_student))

    pref_ptr = [0]
    pref_brief: list[int] = []
    edge_org_rank: list[int] = []
    for s, st in enumerate(students):
        listed: set[int] = set()
        for bid in st.preferences:
            b = brief_index.get(bid)
            if b is None:
                raise InstanceError(f"student {st.id!r} lists unknown brief {bid!r}")
            if b in listed:
                raise InstanceError(f"student {st.id!r} lists brief {bid!r} twice")
            listed.add(b)
            org = int(brief_organisation[b])
            rank = ranks[org].get(s)
            if rank is None:
                raise InstanceError(
                    f"student {st.id!r} lists brief {bid!r} but organisation "
                    f"{organisations[org].id!r} does not rank them"
                )
            pref_brief.append(b)
            edge_org_rank.append(rank)
        pref_ptr.append(len(pref_brief))

    ptr = np.array(pref_ptr, dtype=np.int64)
    edge_student = np.repeat(np.arange(len(students), dtype=np.int64), np.diff(ptr))
    pref = np.array(pref_brief, dtype=np.int64)
    edge_score, other_scores = _index_scores(scores, student_index, brief_index, ptr, pref)
    return AllocationInstance(
        student_ids=tuple(s.id for s in students),
        brief_ids=tuple(b.id for b in briefs),
        organisation_ids=tuple(o.id for o in organisations),
        student_index=student_index,
        brief_index=brief_index,
        organisation_index=organisation_index,
        pref_ptr=ptr,
        pref_brief=pref,
        edge_student=edge_student,
        edge_score=edge_score,
        edge_org_rank=np.array(edge_org_rank, dtype=np.int64),
        brief_organisation=brief_organisation,
        brief_capacity=brief_capacity,
        brief_min_team=brief_min_team,
        organisation_capacity=organisation_capacity,
        ranking_ptr=np.array(ranking_ptr, dtype=np.int64),
        ranking_student=np.array(ranking_student, dtype=np.int64),
        has_scores=scores is not None,
        other_scores=other_scores,
    )


def _index_ids(kind: str, ids: Sequence[object]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, id_ in enumerate(ids):
        if not isinstance(id_, str) or not id_:
            raise InstanceError(f"{kind} #{i + 1}: id must be a non-empty string")
        if id_ in index:
            raise InstanceError(f"{kind} id {id_!r} appears twice")
        index[id_] = i
    return index


def _capacity(what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstanceError(f"{what} must be an integer, not {value!r}")
    if value < 0:
        raise InstanceError(f"{what} must not be negative ({value})")
    return value


def _index_scores(
    scores: Mapping[str, Mapping[str, float]] | None,
    student_index: Mapping[str, int],
    brief_index: Mapping[str, int],
    pref_ptr: IntArray,
    pref_brief: IntArray,
) -> tuple[FloatArray, dict[tuple[int, int], float]]:
    edge_score = np.full(len(pref_brief), np.nan)
    other: dict[tuple[int, int], float] = {}
    if scores is None:
        return edge_score, other
    ptr = pref_ptr.tolist()
    pref = pref_brief.tolist()
    for sid, row in scores.items():
        s = student_index.get(sid)
        if s is None:
            raise InstanceError(f"scores: unknown student {sid!r}")
        if not isinstance(row, Mapping):
            raise InstanceError(f"scores[{sid!r}] must be an object of brief id to score")
        edge_of = {b: e for e, b in enumerate(pref[ptr[s] : ptr[s + 1]], start=ptr[s])}
        for bid, value in row.items():
            b = brief_index.get(bid)
            if b is None:
                raise InstanceError(f"scores[{sid!r}]: unknown brief {bid!r}")
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise InstanceError(
                    f"scores[{sid!r}][{bid!r}] must be a finite non-negative number"
                )
            e = edge_of.get(b)
            if e is None:
                other[(s, b)] = float(value)
            else:
                edge_score[e] = value
    return edge_score, other


def parse_instance(data: object) -> AllocationInstance:
    """Validate decoded JSON (the command-line format) into an instance."""
    top = _expect_object(data, "the input")
    students = [
        StudentSpec(
            id=_expect_str(st.get("id"), f"students[{i}].id"),
            preferences=_expect_str_list(st.get("preferences", []), f"students[{i}].preferences"),
        )
        for i, st in enumerate(_expect_objects(top, "students"))
    ]
    briefs = [
        BriefSpec(
            id=_expect_str(b.get("id"), f"briefs[{i}].id"),
            organisation=_expect_str(b.get("organisation"), f"briefs[{i}].organisation"),
            capacity=_expect_int(b.get("capacity"), f"briefs[{i}].capacity"),
            min_team=_expect_int(b.get("min_team", 0), f"briefs[{i}].min_team"),
        )
        for i, b in enumerate(_expect_objects(top, "briefs"))
    ]
    organisations = [
        OrganisationSpec(
            id=_expect_str(o.get("id"), f"organisations[{i}].id"),
            capacity=_expect_int(o.get("capacity"), f"organisations[{i}].capacity"),
            ranking=_expect_str_list(o.get("ranking"), f"organisations[{i}].ranking"),
        )
        for i, o in enumerate(_expect_objects(top, "organisations"))
    ]
    scores = top.get("scores")
    if scores is not None:
        _expect_object(scores, "scores")
    return build_instance(
        students=students, briefs=briefs, organisations=organisations, scores=scores
    )


def _expect_object(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise InstanceError(f"{what} must be a JSON object")
    return value


def _expect_objects(top: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = top.get(key)
    if not isinstance(items, list):
        raise InstanceError(f"{key!r} must be a list")
    for i, item in enumerate(items):
        _expect_object(item, f"{key}[{i}]")
    return items


def _expect_str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InstanceError(f"{what} must be a string")
    return value


def _expect_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstanceError(f"{what} must be an integer")
    return value


def _expect_str_list(value: object, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InstanceError(f"{what} must be a list of strings")
    return value


# --- Assignments and their evaluation -----------------------------------------------------


def assignment_from_ids(
    instance: AllocationInstance, assignment: Mapping[str, str | None]
) -> IntArray:
    """Index a ``{student id: brief id or None}`` mapping; students not in it are unplaced."""
    out = np.full(instance.n_students, UNPLACED, dtype=np.int64)
    for sid, bid in assignment.items():
        s = instance.student_index.get(sid)
        if s is None:
            raise InstanceError(f"assignment: unknown student {sid!r}")
        if bid is not None:
            b = instance.brief_index.get(bid)
            if b is None:
                raise InstanceError(f"assignment: unknown brief {bid!r}")
            out[s] = b
    return out


def assignment_to_ids(instance: AllocationInstance, assignment: IntArray) -> dict[str, str | None]:
    briefs = instance.brief_ids
    return {
        sid: (briefs[b] if b >= 0 else None)
        for sid, b in zip(instance.student_ids, assignment.tolist(), strict=True)
    }


def _as_array(
    instance: AllocationInstance, assignment: IntArray | Mapping[str, str | None]
) -> IntArray:
    if isinstance(assignment, Mapping):
        return assignment_from_ids(instance, assignment)
    arr = np.asarray(assignment, dtype=np.int64)
    if arr.shape != (instance.n_students,) or (
        arr.size and (arr.min() < -1 or arr.max() >= instance.n_briefs)
    ):
        raise InstanceError("assignment must hold one brief index (or -1) per student")
    return arr


@dataclass(frozen=True)
class _State:
    """What both evaluate() and blocking_pairs() derive from an assignment."""

    assignment: IntArray
    current_edge: IntArray  # the edge of each student's brief, -1 if unplaced or unlisted
    org_rank: IntArray  # each placed student's rank in their organisation's ranking
    assigned_org: IntArray
    brief_count: IntArray
    org_count: IntArray


def _state(instance: AllocationInstance, assignment: IntArray) -> _State:
    n = instance.n_students
    placed = assignment >= 0
    on_edge = instance.pref_brief == assignment[instance.edge_student]
    current_edge = np.full(n, -1, dtype=np.int64)
    current_edge[instance.edge_student[on_edge]] = np.flatnonzero(on_edge)
    assigned_org = np.full(n, -1, dtype=np.int64)
    assigned_org[placed] = instance.brief_organisation[assignment[placed]]
    org_rank = np.full(n, -1, dtype=np.int64)
    listed = current_edge >= 0
    org_rank[listed] = instance.edge_org_rank[current_edge[listed]]
    for s in np.flatnonzero(placed & ~listed).tolist():
        org_rank[s] = _rank_outside_lists(instance, s, int(assigned_org[s]))
    return _State(
        assignment=assignment,
        current_edge=current_edge,
        org_rank=org_rank,
        assigned_org=assigned_org,
        brief_count=np.bincount(assignment[placed], minlength=instance.n_briefs),
        org_count=np.bincount(assigned_org[placed], minlength=instance.n_organisations),
    )


def _rank_outside_lists(instance: AllocationInstance, student: int, org: int) -> int:
    """Rank of a student placed by hand on a brief they did not list; unranked = last."""
    lo, hi = int(instance.ranking_ptr[org]), int(instance.ranking_ptr[org + 1])
    hits = np.flatnonzero(instance.ranking_student[lo:hi] == student)
    return int(hits[0]) if hits.size else hi - lo


def _blocking_edges(instance: AllocationInstance, st: _State) -> IntArray:
    """Edges (s, p) that block, per Abraham–Irving–Manlove: s is unplaced or prefers p, and
    (a) p and its organisation l are under-subscribed, or (b) p is under-subscribed, l is
    full, and s is already with l or l prefers s to its worst student, or (c) p is full and
    l prefers s to p's worst student. Vectorised over edges: O(total list length)."""
    n = instance.n_students
    placed = st.assignment >= 0
    worst_in_brief = np.full(instance.n_briefs, -1, dtype=np.int64)
    np.maximum.at(worst_in_brief, st.assignment[placed], st.org_rank[placed])
    worst_in_org = np.full(instance.n_organisations, -1, dtype=np.int64)
    np.maximum.at(worst_in_org, st.assigned_org[placed], st.org_rank[placed])

    limit = np.where(st.current_edge >= 0, st.current_edge, instance.pref_ptr[1 : n + 1])
    s = instance.edge_student
    candidate = np.arange(len(s)) < limit[s]
    p = instance.pref_brief
    org = instance.brief_organisation[p]
    rank = instance.edge_org_rank
    brief_room = st.brief_count[p] < instance.brief_capacity[p]
    org_room = st.org_count[org] < instance.organisation_capacity[org]
    blocks = (
        (brief_room & org_room)
        | (brief_room & ~org_room & ((st.assigned_org[s] == org) | (rank < worst_in_org[org])))
        | (~brief_room & (rank < worst_in_brief[p]))
    )
    return np.flatnonzero(candidate & blocks)


def blocking_pairs(
    instance: AllocationInstance, assignment: IntArray | Mapping[str, str | None]
) -> list[tuple[str, str]]:
    """The (student id, brief id) pairs that block ``assignment`` (none if it is stable)."""
    arr = _as_array(instance, assignment)
    edges = _blocking_edges(instance, _state(instance, arr)).tolist()
    sids, bids = instance.student_ids, instance.brief_ids
    return [(sids[instance.edge_student[e]], bids[instance.pref_brief[e]]) for e in edges]


def evaluate(
    instance: AllocationInstance, assignment: IntArray | Mapping[str, str | None]
) -> Evaluation:
    """Figures for any assignment, including one edited by hand (which may break capacities
    or place a student on a brief they did not list: both are reported, not refused)."""
    arr = _as_array(instance, assignment)
    st = _state(instance, arr)
    placed = arr >= 0
    listed = st.current_edge >= 0
    position = st.current_edge - instance.pref_ptr[:-1] + 1

    ranks_list = np.where(listed, position, 0).tolist()
    ranks: dict[str, int | None] = {
        sid: (r or None) for sid, r in zip(instance.student_ids, ranks_list, strict=True)
    }
    n_listed = int(listed.sum())
    mean_rank = float(position[listed].mean()) if n_listed else None

    total_score, unscored = _total_score(instance, st)
    under = (st.brief_count > 0) & (st.brief_count < instance.brief_min_team)
    brief_over = st.brief_count > instance.brief_capacity
    org_over = st.org_count > instance.organisation_capacity
    bids, oids, sids = instance.brief_ids, instance.organisation_ids, instance.student_ids
    edges = _blocking_edges(instance, st).tolist()
    return Evaluation(
        placed=int(placed.sum()),
        unplaced=int((~placed).sum()),
        mean_rank=mean_rank,
        total_score=total_score,
        unscored_placements=unscored,
        ranks=ranks,
        unplaced_reasons=_unplaced_reasons(instance, st),
        under_minimum=tuple(bids[b] for b in np.flatnonzero(under).tolist()),
        over_capacity_briefs=tuple(bids[b] for b in np.flatnonzero(brief_over).tolist()),
        over_capacity_organisations=tuple(oids[o] for o in np.flatnonzero(org_over).tolist()),
        unlisted=tuple(sids[s] for s in np.flatnonzero(placed & ~listed).tolist()),
        blocking_pairs=tuple(
            (sids[instance.edge_student[e]], bids[instance.pref_brief[e]]) for e in edges
        ),
    )


def _total_score(instance: AllocationInstance, st: _State) -> tuple[float | None, int]:
    listed = st.current_edge >= 0
    scores = instance.edge_score[st.current_edge[listed]]
    known = ~np.isnan(scores)
    total = float(scores[known].sum())
    unscored = int((~known).sum())
    for s in np.flatnonzero((st.assignment >= 0) & ~listed).tolist():
        value = instance.other_scores.get((s, int(st.assignment[s])))
        if value is None:
            unscored += 1
        else:
            total += value
    return (total if instance.has_scores else None), unscored


def _unplaced_reasons(instance: AllocationInstance, st: _State) -> dict[str, UnplacedReason]:
    s = instance.edge_student
    p = instance.pref_brief
    org = instance.brief_organisation[p]
    count = st.brief_count[p]
    room = (count < instance.brief_capacity[p]) & (
        st.org_count[org] < instance.organisation_capacity[org]
    )
    # Taking this student would help (or not hurt) the brief's minimum team.
    takes = room & ((count > 0) | (instance.brief_min_team[p] <= 1))
    n = instance.n_students
    any_room = np.bincount(s[room], minlength=n) > 0
    any_takes = np.bincount(s[takes], minlength=n) > 0
    no_prefs = instance.pref_ptr[1:] == instance.pref_ptr[:-1]
    reasons: dict[str, UnplacedReason] = {}
    for i in np.flatnonzero(st.assignment < 0).tolist():
        sid = instance.student_ids[i]
        if no_prefs[i]:
            reasons[sid] = "no_preferences"
        elif any_takes[i]:
            reasons[sid] = "left_out"
        elif any_room[i]:
            reasons[sid] = "choices_not_opened"
        else:
            reasons[sid] = "all_choices_full"
    return reasons


# --- Solving ------------------------------------------------------------------------------


def check_mode(instance: AllocationInstance, mode: Mode) -> None:
    """Raise :class:`InstanceError` if ``instance`` lacks what ``mode`` needs."""
    if mode not in MODES:
        raise InstanceError(f"unknown allocation mode {mode!r}")
    if mode == "welfare" and not instance.scores_complete():
        e = int(np.flatnonzero(np.isnan(instance.edge_score))[0])
        raise InstanceError(
            "welfare mode needs a score for every listed brief: missing "
            f"scores[{instance.student_ids[instance.edge_student[e]]!r}]"
            f"[{instance.brief_ids[instance.pref_brief[e]]!r}]"
        )


def allocate(
    instance: AllocationInstance,
    mode: Mode = "stable",
    *,
    time_limit: float = DEFAULT_TIME_LIMIT_S,
) -> Allocation:
    """Propose an allocation. ``time_limit`` (seconds) bounds the welfare MILP that minimum
    team sizes call for; the best assignment found is returned with its proven gap."""
    check_mode(instance, mode)
    start = time.perf_counter()
    gap: float | None = None
    bound: float | None = None
    if mode == "stable":
        from matching.allocation_stable import student_optimal_stable

        assignment = student_optimal_stable(instance)
    else:
        # Imported here: scipy.optimize costs ~0.3 s of start-up the stable mode need not pay.
        from matching.allocation_welfare import max_score_assignment

        solution = max_score_assignment(instance, time_limit=time_limit)
        assignment, gap, bound = solution.assignment, solution.gap, solution.score_bound
    solve_ms = (time.perf_counter() - start) * 1000
    return Allocation(
        instance=instance,
        mode=mode,
        assignment=assignment,
        evaluation=evaluate(instance, assignment),
        solve_ms=solve_ms,
        optimality_gap=gap,
        score_bound=bound,
    )


# --- Command line -------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


PROG = "python -m matching.allocation"


def _fail(message: str) -> NoReturn:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(
        prog=PROG,
        description="Allocate a cohort's students to briefs (stable or best total score).",
    )
    parser.add_argument("input", nargs="?", help="instance JSON file (see docs/allocation.md)")
    parser.add_argument("--mode", choices=MODES, default="stable")
    parser.add_argument("--out", help="write the result here instead of stdout")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_TIME_LIMIT_S,
        help="seconds for the welfare MILP with minimum team sizes (default %(default)s)",
    )
    parser.add_argument("--bench", action="store_true", help="run the benchmark and exit")
    args = parser.parse_args(argv)

    if args.bench:
        from matching.allocation_bench import run_benchmark

        return run_benchmark()
    if args.input is None:
        parser.error("an input file is required (or --bench)")
    if not args.time_limit > 0:
        parser.error("--time-limit must be positive")

    try:
        with open(args.input, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as exc:
        _fail(f"cannot read {args.input}: {exc.strerror}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        _fail(f"{args.input} is not valid JSON: {exc}")
    try:
        instance = parse_instance(data)
        result = allocate(instance, args.mode, time_limit=args.time_limit)
    except InstanceError as exc:
        _fail(str(exc))

    text = json.dumps(result.as_dict(), ensure_ascii=False)
    if args.out is None:
        sys.stdout.write(text + "\n")
    else:
        try:
            with open(args.out, "w", encoding="utf-8") as f:
                f.write(text + "\n")
        except OSError as exc:
            _fail(f"cannot write {args.out}: {exc.strerror}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
