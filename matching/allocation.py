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
import gc
import json
import numbers
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, NamedTuple, NoReturn, TypeGuard

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


class StudentSpec(NamedTuple):
    id: str
    preferences: Sequence[str]  # brief ids, best first


class BriefSpec(NamedTuple):
    id: str
    organisation: str
    capacity: int  # maximum team size
    min_team: int = 0  # the brief gets 0 students or between min_team and capacity


class OrganisationSpec(NamedTuple):
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
    def within_capacity(self) -> bool:
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
    scores: Mapping[str, Mapping[str, float | Decimal]] | None = None,
) -> AllocationInstance:
    """Validate plain data and index it. Raises :class:`InstanceError` (one line).

    ``scores[student][brief]`` is the match score (finite, non-negative, 0–100 in practice).
    It is optional for the stable mode; the welfare mode needs one for every listed pair.
    """
    student_index = _index_ids("student", [s.id for s in students])
    brief_index = _index_ids("brief", [b.id for b in briefs])
    organisation_index = _index_ids("organisation", [o.id for o in organisations])
    organisation_capacity = _counts(
        [o.capacity for o in organisations],
        lambda i: f"organisation {organisations[i].id!r} capacity",
    )
    brief_capacity = _counts(
        [b.capacity for b in briefs], lambda i: f"brief {briefs[i].id!r} capacity"
    )
    brief_min_team = _counts(
        [b.min_team for b in briefs], lambda i: f"brief {briefs[i].id!r} min_team"
    )
    brief_organisation = _indices(
        organisation_index,
        [b.organisation for b in briefs],
        np.arange(len(briefs) + 1),
        lambda i, org: f"brief {briefs[i].id!r}: unknown organisation {org!r}",
    )
    above = np.flatnonzero(brief_min_team > brief_capacity)
    if len(above):
        b = briefs[above[0]]
        raise InstanceError(
            f"brief {b.id!r}: min_team {b.min_team} is above its capacity {b.capacity}"
        )

    n_briefs = len(briefs)
    # Rankings and preference lists are flattened to index arrays and checked with numpy:
    # one dict lookup per entry is all the Python-level work (the command line's budget).
    ranking_ptr = _offsets([len(o.ranking) for o in organisations])
    ranking_student = _indices(
        student_index,
        [sid for o in organisations for sid in o.ranking],
        ranking_ptr,
        lambda o, sid: f"organisation {organisations[o].id!r} ranks unknown student {sid!r}",
    )
    ranking_org = _owners(ranking_ptr)
    n_orgs = len(organisations)
    rank_keys = ranking_student * n_orgs + ranking_org  # student-major, like the edges
    by_key = np.argsort(rank_keys)
    twice = _repeat(rank_keys, by_key)
    if twice is not None:
        raise InstanceError(
            f"organisation {organisations[ranking_org[twice]].id!r} ranks student "
            f"{students[ranking_student[twice]].id!r} twice"
        )

    pref_ptr = _offsets([len(st.preferences) for st in students])
    pref_brief = _indices(
        brief_index,
        [bid for st in students for bid in st.preferences],
        pref_ptr,
        lambda s, bid: f"student {students[s].id!r} lists unknown brief {bid!r}",
    )
    edge_student = _owners(pref_ptr)
    pair_keys = edge_student * n_briefs + pref_brief
    twice = _repeat(pair_keys, np.argsort(pair_keys))
    if twice is not None:
        raise InstanceError(
            f"student {students[edge_student[twice]].id!r} lists brief "
            f"{briefs[pref_brief[twice]].id!r} twice"
        )

    # Each listed pair's rank in the brief's organisation: look its key up among the rankings'.
    order = by_key
    sorted_keys = rank_keys[order]
    edge_keys = edge_student * n_orgs + brief_organisation[pref_brief]
    at = np.minimum(np.searchsorted(sorted_keys, edge_keys), max(len(sorted_keys) - 1, 0))
    ranked = sorted_keys[at] == edge_keys if len(sorted_keys) else np.zeros(len(edge_keys), bool)
    if not ranked.all():
        e = int(np.flatnonzero(~ranked)[0])
        raise InstanceError(
            f"student {students[edge_student[e]].id!r} lists brief {briefs[pref_brief[e]].id!r} "
            f"but organisation {organisations[brief_organisation[pref_brief[e]]].id!r} "
            "does not rank them"
        )
    edge_org_rank = order[at] - ranking_ptr[ranking_org[order[at]]] if len(at) else at

    edge_score, other_scores = _index_scores(
        scores, student_index, brief_index, pair_keys, n_briefs
    )
    return AllocationInstance(
        student_ids=tuple(student_index),
        brief_ids=tuple(brief_index),
        organisation_ids=tuple(organisation_index),
        student_index=student_index,
        brief_index=brief_index,
        organisation_index=organisation_index,
        pref_ptr=pref_ptr,
        pref_brief=pref_brief,
        edge_student=edge_student,
        edge_score=edge_score,
        edge_org_rank=edge_org_rank,
        brief_organisation=brief_organisation,
        brief_capacity=brief_capacity,
        brief_min_team=brief_min_team,
        organisation_capacity=organisation_capacity,
        ranking_ptr=ranking_ptr,
        ranking_student=ranking_student,
        has_scores=scores is not None,
        other_scores=other_scores,
    )


def _index_ids(kind: str, ids: list[str]) -> dict[str, int]:
    index = {id_: i for i, id_ in enumerate(ids)}
    if not set(map(type, ids)) <= {str} or "" in index:  # else a slower, exact look
        bad = next((i for i, id_ in enumerate(ids) if not isinstance(id_, str) or not id_), None)
        if bad is not None:
            raise InstanceError(f"{kind} #{bad + 1}: id must be a non-empty string")
    if len(index) < len(ids):
        seen: set[str] = set()
        for id_ in ids:
            if id_ in seen:
                raise InstanceError(f"{kind} id {id_!r} appears twice")
            seen.add(id_)
    return index


def _counts(values: list[int], what: Callable[[int], str]) -> IntArray:
    """Capacities and minimums: integers (not bools, not 2.0), never negative."""
    if not set(map(type, values)) <= {int}:
        bad = next((i for i, v in enumerate(values) if not _is_integer(v)), None)
        if bad is not None:
            raise InstanceError(f"{what(bad)} must be an integer, not {values[bad]!r}")
    array = np.array(values, dtype=np.int64)
    negative = np.flatnonzero(array < 0)
    if len(negative):
        i = int(negative[0])
        raise InstanceError(f"{what(i)} must not be negative ({values[i]})")
    return array


def _is_integer(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _offsets(lengths: list[int]) -> IntArray:
    ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])
    return ptr


def _owners(ptr: IntArray) -> IntArray:
    """For CSR offsets, the row of each entry."""
    return np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr))


def _indices(
    index: Mapping[str, int],
    ids: list[str],
    ptr: IntArray,
    unknown: Callable[[int, str], str],
) -> IntArray:
    try:
        return np.fromiter(map(index.__getitem__, ids), dtype=np.int64, count=len(ids))
    except KeyError:
        pos = next(i for i, id_ in enumerate(ids) if id_ not in index)
        owner = int(np.searchsorted(ptr, pos, side="right")) - 1
        raise InstanceError(unknown(owner, ids[pos])) from None


def _repeat(keys: IntArray, order: IntArray) -> int | None:
    """Position of an entry whose key appears more than once, or None (``order`` sorts keys)."""
    repeated = order[1:][keys[order[1:]] == keys[order[:-1]]]
    return int(repeated[0]) if len(repeated) else None


def _index_scores(
    scores: Mapping[str, Mapping[str, float | Decimal]] | None,
    student_index: Mapping[str, int],
    brief_index: Mapping[str, int],
    edge_keys: IntArray,  # student * n_briefs + brief, for each listed pair
    n_briefs: int,
) -> tuple[FloatArray, dict[tuple[int, int], float]]:
    edge_score = np.full(len(edge_keys), np.nan)
    if scores is None:
        return edge_score, {}
    rows = list(scores.items())
    row_ids = [sid for sid, _ in rows]
    row_student = _indices(
        student_index,
        row_ids,
        np.arange(len(rows) + 1),
        lambda _, sid: f"scores: unknown student {sid!r}",
    )
    if not set(map(type, (row for _, row in rows))) <= {dict}:
        bad_row = next((sid for sid, row in rows if not isinstance(row, Mapping)), None)
        if bad_row is not None:
            raise InstanceError(f"scores[{bad_row!r}] must be an object of brief id to score")
    row_ptr = _offsets([len(row) for _, row in rows])
    brief_ids = [bid for _, row in rows for bid in row]
    values = [v for _, row in rows for v in row.values()]
    owner = _owners(row_ptr)  # the row of each entry
    student_of = row_student[owner]
    briefs = _indices(
        brief_index,
        brief_ids,
        row_ptr,
        lambda r, bid: f"scores[{row_ids[r]!r}]: unknown brief {bid!r}",
    )
    value = _score_values(values)
    bad = ~np.isfinite(value) | (value < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InstanceError(
            f"scores[{row_ids[owner[i]]!r}][{brief_ids[i]!r}] must be a finite non-negative number"
        )
    keys = student_of * n_briefs + briefs
    if np.array_equal(keys, edge_keys):  # scores given in preference order: the usual case
        edge_score[:] = value
        return edge_score, {}
    order = np.argsort(edge_keys)
    at = np.minimum(np.searchsorted(edge_keys[order], keys), max(len(edge_keys) - 1, 0))
    listed = edge_keys[order[at]] == keys if len(edge_keys) else np.zeros(len(keys), bool)
    edge_score[order[at[listed]]] = value[listed]
    other = {
        (int(s), int(b)): float(v)
        for s, b, v in zip(student_of[~listed], briefs[~listed], value[~listed], strict=True)
    }
    return edge_score, other


def _score_values(values: Sequence[object]) -> FloatArray:
    """Scores as floats; NaN for anything but a number (bool included), to be refused."""
    if set(map(type, values)) <= {int, float}:
        return np.array(values, dtype=np.float64)
    return np.array(
        [
            float(v)
            if isinstance(v, numbers.Real | Decimal) and not isinstance(v, bool)
            else np.nan
            for v in values
        ],
        dtype=np.float64,
    )


def parse_instance(data: object) -> AllocationInstance:
    """Validate decoded JSON (the command-line format) into an instance."""
    top = _expect_object(data, "the input")
    # Error texts are built only on failure: formatting them up front costs more than the
    # checks at 50,000 students.
    students = []
    for i, st in enumerate(_expect_objects(top, "students")):
        sid, prefs = st.get("id"), st.get("preferences", [])
        if type(sid) is not str:
            raise InstanceError(f"students[{i}].id must be a string")
        if not _is_str_list(prefs):
            raise InstanceError(f"students[{i}].preferences must be a list of strings")
        students.append(StudentSpec(sid, prefs))
    briefs = [
        BriefSpec(
            id=_expect_str(b.get("id"), "briefs", i, "id"),
            organisation=_expect_str(b.get("organisation"), "briefs", i, "organisation"),
            capacity=_expect_int(b.get("capacity"), "briefs", i, "capacity"),
            min_team=_expect_int(b.get("min_team", 0), "briefs", i, "min_team"),
        )
        for i, b in enumerate(_expect_objects(top, "briefs"))
    ]
    organisations = []
    for i, o in enumerate(_expect_objects(top, "organisations")):
        ranking = o.get("ranking")
        if not _is_str_list(ranking):
            raise InstanceError(f"organisations[{i}].ranking must be a list of strings")
        organisations.append(
            OrganisationSpec(
                id=_expect_str(o.get("id"), "organisations", i, "id"),
                capacity=_expect_int(o.get("capacity"), "organisations", i, "capacity"),
                ranking=ranking,
            )
        )
    scores = top.get("scores")
    if scores is not None:
        _expect_object(scores, "scores")
    return build_instance(
        students=students, briefs=briefs, organisations=organisations, scores=scores
    )


def _expect_object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InstanceError(f"{what} must be a JSON object")
    return value


def _expect_objects(top: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    items = top.get(key)
    if not isinstance(items, list):
        raise InstanceError(f"{key!r} must be a list")
    if not set(map(type, items)) <= {dict}:
        i = next(i for i, item in enumerate(items) if not isinstance(item, dict))
        raise InstanceError(f"{key}[{i}] must be a JSON object")
    return items


def _expect_str(value: object, key: str, i: int, field: str) -> str:
    if type(value) is not str:
        raise InstanceError(f"{key}[{i}].{field} must be a string")
    return value


def _expect_int(value: object, key: str, i: int, field: str) -> int:
    if type(value) is not int:  # JSON true is a bool, 2.0 a float: neither is a capacity
        raise InstanceError(f"{key}[{i}].{field} must be an integer")
    return value


def _is_str_list(value: object) -> TypeGuard[list[str]]:
    return type(value) is list and set(map(type, value)) <= {str}


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

    # A one-shot process that builds ~10 objects per listed pair and frees nothing: the
    # cyclic garbage collector would only rescan them (about 8 % of the run at 10,000).
    gc.disable()
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

    text = json.dumps(result.as_dict(), ensure_ascii=False, separators=(",", ":"))
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
