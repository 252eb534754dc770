"""Cohort allocation: assign the students of a cohort to briefs (issue #7, the engine).

This is the Student–Project Allocation problem: students list briefs best first, a brief has
a capacity (its maximum team size) and an optional minimum team size, and an organisation has
a capacity over all its briefs and ranks the students who listed one of them. Two modes:

* ``stable``  — the student-optimal stable matching (algorithm SPA-student of Abraham, Irving
  & Manlove, 2007), see :mod:`matching.allocation_stable`. Minimum team sizes play no part in
  it: briefs left below their minimum are reported in ``under_minimum``.
* ``welfare`` — an assignment of greatest total match score under the same capacities, exact
  (HiGHS), honouring minimum team sizes; see :mod:`matching.allocation_welfare`.

Pure Python, no ORM and no settings: the Django side builds an :class:`AllocationInstance`
with :func:`build_instance`, calls :func:`allocate`, and shows staff the effect of a hand edit
with :func:`evaluate` / :func:`blocking_pairs`.

The instance is plain lists, and building, the stable mode and evaluation work on them:
importing numpy alone costs the command line a third of its budget. The welfare mode
(numpy and scipy) and callers that want arrays read them from properties of the instance,
computed from the lists on first use.

Command line: ``python -m matching.allocation IN.json --mode stable|welfare [--out OUT.json]``
and ``python -m matching.allocation --bench``. The format is documented in docs/allocation.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from itertools import accumulate, chain, compress, count, pairwise, repeat
from operator import getitem, gt, methodcaller
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, NoReturn, TypeGuard

if TYPE_CHECKING:
    from decimal import Decimal
    from typing import TypeAlias, TypeVar

    import numpy as np
    import numpy.typing as npt

    IntArray: TypeAlias = npt.NDArray[np.int64]
    FloatArray: TypeAlias = npt.NDArray[np.float64]
    ArrayT = TypeVar("ArrayT", bound=npt.NDArray[Any])

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


# The records here are NamedTuples and plain classes, not dataclasses: importing dataclasses
# (and inspect with it) and building the classes would cost the command line 7 ms.


class AllocationInstance:
    """A validated instance, as lists of indices. Build it with :func:`build_instance`.

    Students, briefs and organisations are numbered by their position in the id tuples. The
    preference lists are stored as "edges" in CSR form: student ``s`` lists the briefs
    ``pref_brief_list[pref_ptr_list[s]:pref_ptr_list[s + 1]]``, best first; edge ``e`` is the
    pair ``(edge_student_list[e], pref_brief_list[e])``.

    Each ``<name>_list`` is also a read-only numpy array ``<name>`` (``pref_ptr``,
    ``pref_brief``, ``brief_capacity``…), made from the list on first use; so is
    ``edge_organisation``.
    """

    def __init__(
        self,
        *,
        student_ids: tuple[str, ...],
        brief_ids: tuple[str, ...],
        organisation_ids: tuple[str, ...],
        student_index: Mapping[str, int],
        brief_index: Mapping[str, int],
        organisation_index: Mapping[str, int],
        pref_ptr_list: list[int],
        pref_brief_list: list[int],
        edge_student_list: list[int],  # the student of each edge
        edge_score_list: list[float],  # NaN where no score was given
        edge_org_rank_list: list[int],  # 0-based rank in the brief's organisation's ranking
        brief_organisation_list: list[int],
        brief_capacity_list: list[int],
        brief_min_team_list: list[int],
        organisation_capacity_list: list[int],
        # Each organisation's whole ranking, CSR like the preferences: the stable mode finds
        # an organisation's worst student in it, and a hand edit may place a student on a
        # brief they did not list.
        ranking_ptr_list: list[int],
        ranking_student_list: list[int],
        has_scores: bool,
        other_scores: Mapping[tuple[int, int], float],  # (student, brief) pairs not listed
    ) -> None:
        self.student_ids = student_ids
        self.brief_ids = brief_ids
        self.organisation_ids = organisation_ids
        self.student_index = student_index
        self.brief_index = brief_index
        self.organisation_index = organisation_index
        self.pref_ptr_list = pref_ptr_list
        self.pref_brief_list = pref_brief_list
        self.edge_student_list = edge_student_list
        self.edge_score_list = edge_score_list
        self.edge_org_rank_list = edge_org_rank_list
        self.brief_organisation_list = brief_organisation_list
        self.brief_capacity_list = brief_capacity_list
        self.brief_min_team_list = brief_min_team_list
        self.organisation_capacity_list = organisation_capacity_list
        self.ranking_ptr_list = ranking_ptr_list
        self.ranking_student_list = ranking_student_list
        self.has_scores = has_scores
        self.other_scores = other_scores

    def __repr__(self) -> str:
        return (
            f"<AllocationInstance: {self.n_students} students, {self.n_briefs} briefs, "
            f"{self.n_organisations} organisations>"
        )

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
    def has_min_teams(self) -> bool:
        """Whether some brief's minimum binds (a minimum of 1 is no constraint)."""
        return any(m >= 2 for m in self.brief_min_team_list)

    def scores_complete(self) -> bool:
        return not any(map(math.isnan, self.edge_score_list))

    # The same data as numpy arrays, for the welfare mode and the Django side.

    @cached_property
    def pref_ptr(self) -> IntArray:
        return _int_array(self.pref_ptr_list)

    @cached_property
    def pref_brief(self) -> IntArray:
        return _int_array(self.pref_brief_list)

    @cached_property
    def edge_student(self) -> IntArray:
        return _int_array(self.edge_student_list)

    @cached_property
    def edge_score(self) -> FloatArray:
        import numpy as np

        return _read_only(np.array(self.edge_score_list, dtype=np.float64))

    @cached_property
    def edge_org_rank(self) -> IntArray:
        return _int_array(self.edge_org_rank_list)

    @property
    def edge_organisation(self) -> IntArray:
        return self.brief_organisation[self.pref_brief]

    @cached_property
    def brief_organisation(self) -> IntArray:
        return _int_array(self.brief_organisation_list)

    @cached_property
    def brief_capacity(self) -> IntArray:
        return _int_array(self.brief_capacity_list)

    @cached_property
    def brief_min_team(self) -> IntArray:
        return _int_array(self.brief_min_team_list)

    @cached_property
    def organisation_capacity(self) -> IntArray:
        return _int_array(self.organisation_capacity_list)

    @cached_property
    def ranking_ptr(self) -> IntArray:
        return _int_array(self.ranking_ptr_list)

    @cached_property
    def ranking_student(self) -> IntArray:
        return _int_array(self.ranking_student_list)


def _int_array(values: list[int]) -> IntArray:
    import numpy as np  # imported here: the stable command line never needs it

    return _read_only(np.array(values, dtype=np.int64))


def _read_only(array: ArrayT) -> ArrayT:
    """A copy of one of the instance's lists, which stay the truth: it must not change."""
    array.flags.writeable = False
    return array


class Evaluation(NamedTuple):
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


class Allocation(NamedTuple):
    """An allocation proposed by :func:`allocate`."""

    instance: AllocationInstance
    mode: Mode
    assignment_list: list[int]  # brief index per student, UNPLACED (-1) if none
    evaluation: Evaluation
    solve_ms: float
    # Welfare only: HiGHS's bound on the best total score and the relative gap
    # (bound - total) / bound; the gap is 0.0 when the optimum is proven.
    optimality_gap: float | None = None
    score_bound: float | None = None

    @property
    def assignment(self) -> IntArray:
        """The assignment as a (new) numpy array."""
        return _int_array(self.assignment_list)

    @property
    def assignment_by_id(self) -> dict[str, str | None]:
        return assignment_to_ids(self.instance, self.assignment_list)

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
    return _build(
        student_ids=[s.id for s in students],
        preferences=[s.preferences for s in students],
        brief_ids=[b.id for b in briefs],
        brief_organisations=[b.organisation for b in briefs],
        brief_capacities=[b.capacity for b in briefs],
        brief_min_teams=[b.min_team for b in briefs],
        organisation_ids=[o.id for o in organisations],
        organisation_capacities=[o.capacity for o in organisations],
        rankings=[o.ranking for o in organisations],
        scores=scores,
    )


def _build(
    *,
    student_ids: list[str],
    preferences: list[Sequence[str]],
    brief_ids: list[str],
    brief_organisations: list[str],
    brief_capacities: list[int],
    brief_min_teams: list[int],
    organisation_ids: list[str],
    organisation_capacities: list[int],
    rankings: list[Sequence[str]],
    scores: Mapping[str, Mapping[str, float | Decimal]] | None,
) -> AllocationInstance:
    """:func:`build_instance` on columns, which :func:`parse_instance` reads off the JSON.

    Every step maps a whole column through a dict or a builtin (C loops): a Python statement
    per listed pair would cost the command line more than all the rest of the build."""
    student_index = _index_ids("student", student_ids)
    brief_index = _index_ids("brief", brief_ids)
    organisation_index = _index_ids("organisation", organisation_ids)
    organisation_capacity = _counts(
        organisation_capacities, lambda i: f"organisation {organisation_ids[i]!r} capacity"
    )
    brief_capacity = _counts(brief_capacities, lambda i: f"brief {brief_ids[i]!r} capacity")
    brief_min_team = _counts(brief_min_teams, lambda i: f"brief {brief_ids[i]!r} min_team")
    brief_organisation = _indices(
        organisation_index,
        brief_organisations,
        range(len(brief_ids) + 1),
        lambda i, org: f"brief {brief_ids[i]!r}: unknown organisation {org!r}",
    )
    above = next(compress(count(), map(gt, brief_min_team, brief_capacity)), None)
    if above is not None:
        raise InstanceError(
            f"brief {brief_ids[above]!r}: min_team {brief_min_team[above]} "
            f"is above its capacity {brief_capacity[above]}"
        )

    ranking_lengths = list(map(len, rankings))
    ranking_ptr = _offsets(ranking_lengths)
    ranking_student = _indices(
        student_index,
        list(chain.from_iterable(rankings)),
        ranking_ptr,
        lambda o, sid: f"organisation {organisation_ids[o]!r} ranks unknown student {sid!r}",
    )
    # Each organisation's {student: rank}: a student ranked twice makes it shorter.
    rank_in = [
        dict(zip(ranking_student[lo:hi], range(hi - lo), strict=True))
        for lo, hi in pairwise(ranking_ptr)
    ]
    if list(map(len, rank_in)) != ranking_lengths:
        o = next(o for o, ranks in enumerate(rank_in) if len(ranks) < ranking_lengths[o])
        raise InstanceError(
            f"organisation {organisation_ids[o]!r} ranks student "
            f"{_first_repeat(rankings[o])!r} twice"
        )

    pref_lengths = list(map(len, preferences))
    pref_ptr = _offsets(pref_lengths)
    pref_ids = list(chain.from_iterable(preferences))
    pref_brief = _indices(
        brief_index,
        pref_ids,
        pref_ptr,
        lambda s, bid: f"student {student_ids[s]!r} lists unknown brief {bid!r}",
    )
    if list(map(len, map(set, preferences))) != pref_lengths:
        s = next(s for s, prefs in enumerate(preferences) if len(set(prefs)) < len(prefs))
        raise InstanceError(
            f"student {student_ids[s]!r} lists brief {_first_repeat(preferences[s])!r} twice"
        )
    # Each listed pair's rank in the brief's organisation. (The students are the index's own
    # int objects, as in rank_in: a dict then matches them by identity, without a compare.)
    edge_student = list(chain.from_iterable(map(repeat, student_index.values(), pref_lengths)))
    rank_for_brief = list(map(rank_in.__getitem__, brief_organisation))
    try:
        edge_org_rank = list(
            map(getitem, map(rank_for_brief.__getitem__, pref_brief), edge_student)
        )
    except KeyError:
        for s, b in zip(edge_student, pref_brief, strict=True):
            org = brief_organisation[b]
            if s not in rank_in[org]:
                raise InstanceError(
                    f"student {student_ids[s]!r} lists brief {brief_ids[b]!r} "
                    f"but organisation {organisation_ids[org]!r} does not rank them"
                ) from None
        raise

    edge_score, other_scores = _index_scores(
        scores, student_index, brief_index, pref_ids, pref_brief, edge_student
    )
    return AllocationInstance(
        student_ids=tuple(student_ids),
        brief_ids=tuple(brief_ids),
        organisation_ids=tuple(organisation_ids),
        student_index=student_index,
        brief_index=brief_index,
        organisation_index=organisation_index,
        pref_ptr_list=pref_ptr,
        pref_brief_list=pref_brief,
        edge_student_list=edge_student,
        edge_score_list=edge_score,
        edge_org_rank_list=edge_org_rank,
        brief_organisation_list=brief_organisation,
        brief_capacity_list=brief_capacity,
        brief_min_team_list=brief_min_team,
        organisation_capacity_list=organisation_capacity,
        ranking_ptr_list=ranking_ptr,
        ranking_student_list=ranking_student,
        has_scores=scores is not None,
        other_scores=other_scores,
    )


def _index_ids(kind: str, ids: list[str]) -> dict[str, int]:
    if not set(map(type, ids)) <= {str}:
        bad = next(i for i, id_ in enumerate(ids) if not isinstance(id_, str) or not id_)
        raise InstanceError(f"{kind} #{bad + 1}: id must be a non-empty string")
    index = dict(zip(ids, range(len(ids)), strict=True))
    if "" in index:
        raise InstanceError(f"{kind} #{ids.index('') + 1}: id must be a non-empty string")
    if len(index) < len(ids):
        raise InstanceError(f"{kind} id {_first_repeat(ids)!r} appears twice")
    return index


def _first_repeat(ids: Iterable[str]) -> str:
    seen: set[str] = set()
    for id_ in ids:
        if id_ in seen:
            return id_
        seen.add(id_)
    raise ValueError("no id appears twice")


def _counts(values: list[int], what: Callable[[int], str]) -> list[int]:
    """Capacities and minimums: integers (not bools, not 2.0), never negative."""
    if not set(map(type, values)) <= {int}:
        bad = next((i for i, v in enumerate(values) if not _is_integer(v)), None)
        if bad is not None:
            raise InstanceError(f"{what(bad)} must be an integer, not {values[bad]!r}")
        values = [int(v) for v in values]  # numpy's or Django's integers
    if values and min(values) < 0:
        i = next(i for i, v in enumerate(values) if v < 0)
        raise InstanceError(f"{what(i)} must not be negative ({values[i]})")
    return values


def _is_integer(value: object) -> bool:
    import numbers

    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _offsets(lengths: Iterable[int]) -> list[int]:
    return [0, *accumulate(lengths)]


def _indices(
    index: Mapping[str, int],
    ids: list[str],
    ptr: Sequence[int],
    unknown: Callable[[int, str], str],
) -> list[int]:
    try:
        return list(map(index.__getitem__, ids))
    except KeyError:
        pos = next(i for i, id_ in enumerate(ids) if id_ not in index)
        raise InstanceError(unknown(bisect_right(ptr, pos) - 1, ids[pos])) from None


def _index_scores(
    scores: Mapping[str, Mapping[str, float | Decimal]] | None,
    student_index: Mapping[str, int],
    brief_index: Mapping[str, int],
    pref_ids: list[str],
    pref_brief: list[int],
    edge_student: list[int],
) -> tuple[list[float], dict[tuple[int, int], float]]:
    """Each listed pair's score (NaN if none), and the scores of pairs outside the lists."""
    if scores is None:
        return [math.nan] * len(pref_brief), {}
    row_ids = list(scores)
    row_scores = list(scores.values())
    row_student = _indices(
        student_index,
        row_ids,
        range(len(row_ids) + 1),
        lambda _, sid: f"scores: unknown student {sid!r}",
    )
    if not set(map(type, row_scores)) <= {dict}:
        bad_row = next(
            (
                sid
                for sid, row in zip(row_ids, row_scores, strict=True)
                if not isinstance(row, Mapping)
            ),
            None,
        )
        if bad_row is not None:
            raise InstanceError(f"scores[{bad_row!r}] must be an object of brief id to score")
    row_lengths = list(map(len, row_scores))
    row_ptr = _offsets(row_lengths)
    brief_ids = list(chain.from_iterable(row_scores))
    # The usual case: each student's scores in their preference order, students in order.
    in_order = brief_ids == pref_ids and (
        list(chain.from_iterable(map(repeat, row_student, row_lengths))) == edge_student
    )
    briefs = (
        pref_brief
        if in_order
        else _indices(
            brief_index,
            brief_ids,
            row_ptr,
            lambda r, bid: f"scores[{row_ids[r]!r}]: unknown brief {bid!r}",
        )
    )
    values = list(chain.from_iterable(map(methodcaller("values"), row_scores)))
    kinds = set(map(type, values))
    if not kinds <= {int, float}:
        values = _as_floats(values)
    # Integers, JSON's usual scores, are finite: only the rest need a look.
    if (kinds - {int} and not all(map(math.isfinite, values))) or min(values, default=0) < 0:
        i = next(i for i, v in enumerate(values) if not (math.isfinite(v) and v >= 0))
        raise InstanceError(
            f"scores[{row_ids[bisect_right(row_ptr, i) - 1]!r}][{brief_ids[i]!r}] "
            "must be a finite non-negative number"
        )
    if in_order:
        return values, {}
    n_briefs = len(brief_index)
    edge_of = {
        s * n_briefs + b: e for e, (s, b) in enumerate(zip(edge_student, pref_brief, strict=True))
    }
    edge_score = [math.nan] * len(pref_brief)
    other: dict[tuple[int, int], float] = {}
    for s, b, value in zip(
        chain.from_iterable(map(repeat, row_student, row_lengths)), briefs, values, strict=True
    ):
        e = edge_of.get(s * n_briefs + b)
        if e is None:
            other[s, b] = value
        else:
            edge_score[e] = value
    return edge_score, other


def _as_floats(values: list[object]) -> list[float]:
    """Scores as floats; NaN for anything but a number (bool included), to be refused."""
    import numbers
    from decimal import Decimal

    return [
        float(v) if isinstance(v, numbers.Real | Decimal) and not isinstance(v, bool) else math.nan
        for v in values
    ]


_NO_PREFERENCES: list[str] = []  # the default for a student without "preferences"; never changed


def parse_instance(data: object) -> AllocationInstance:
    """Validate decoded JSON (the command-line format) into an instance."""
    top = _expect_object(data, "the input")
    # Each field is read and type-checked a column at a time; only if a column fails does a
    # row-by-row look find the first error, and format its text.
    students = _expect_objects(top, "students")
    student_ids = _column(students, "id")
    preferences = _column(students, "preferences", _NO_PREFERENCES)
    if not (_all_str(student_ids) and _all_str_lists(preferences)):
        for i, (sid, prefs) in enumerate(zip(student_ids, preferences, strict=True)):
            _expect_str(sid, "students", i, "id")
            if not _is_str_list(prefs):
                raise InstanceError(f"students[{i}].preferences must be a list of strings")

    briefs = _expect_objects(top, "briefs")
    brief_ids = _column(briefs, "id")
    brief_organisations = _column(briefs, "organisation")
    brief_capacities = _column(briefs, "capacity")
    brief_min_teams = _column(briefs, "min_team", 0)
    if not (
        _all_str(brief_ids)
        and _all_str(brief_organisations)
        and _all_int(brief_capacities)
        and _all_int(brief_min_teams)
    ):
        for i in range(len(briefs)):
            _expect_str(brief_ids[i], "briefs", i, "id")
            _expect_str(brief_organisations[i], "briefs", i, "organisation")
            _expect_int(brief_capacities[i], "briefs", i, "capacity")
            _expect_int(brief_min_teams[i], "briefs", i, "min_team")

    organisations = _expect_objects(top, "organisations")
    organisation_ids = _column(organisations, "id")
    organisation_capacities = _column(organisations, "capacity")
    rankings = _column(organisations, "ranking")
    if not (
        _all_str_lists(rankings)
        and _all_str(organisation_ids)
        and _all_int(organisation_capacities)
    ):
        for i in range(len(organisations)):
            if not _is_str_list(rankings[i]):
                raise InstanceError(f"organisations[{i}].ranking must be a list of strings")
            _expect_str(organisation_ids[i], "organisations", i, "id")
            _expect_int(organisation_capacities[i], "organisations", i, "capacity")

    scores = top.get("scores")
    if scores is not None:
        _expect_object(scores, "scores")
    return _build(
        student_ids=student_ids,
        preferences=preferences,
        brief_ids=brief_ids,
        brief_organisations=brief_organisations,
        brief_capacities=brief_capacities,
        brief_min_teams=brief_min_teams,
        organisation_ids=organisation_ids,
        organisation_capacities=organisation_capacities,
        rankings=rankings,
        scores=scores,
    )


def _column(rows: list[dict[str, Any]], key: str, default: object = None) -> list[Any]:
    return [row.get(key, default) for row in rows]


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


def _all_str(values: list[Any]) -> bool:
    return set(map(type, values)) <= {str}


def _all_int(values: list[Any]) -> bool:
    return set(map(type, values)) <= {int}


def _all_str_lists(values: list[Any]) -> bool:
    return set(map(type, values)) <= {list} and set(map(type, chain.from_iterable(values))) <= {str}


def _is_str_list(value: object) -> TypeGuard[list[str]]:
    return type(value) is list and _all_str(value)


# --- Assignments and their evaluation -----------------------------------------------------


def assignment_from_ids(
    instance: AllocationInstance, assignment: Mapping[str, str | None]
) -> IntArray:
    """Index a ``{student id: brief id or None}`` mapping; students not in it are unplaced."""
    return _int_array(_brief_of_ids(instance, assignment))


def _brief_of_ids(instance: AllocationInstance, assignment: Mapping[str, str | None]) -> list[int]:
    out = [UNPLACED] * instance.n_students
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


def assignment_to_ids(
    instance: AllocationInstance, assignment: IntArray | Sequence[int]
) -> dict[str, str | None]:
    briefs = instance.brief_ids
    return {
        sid: (briefs[b] if b >= 0 else None)
        for sid, b in zip(instance.student_ids, _as_list(assignment), strict=True)
    }


def _as_list(values: IntArray | Sequence[int]) -> list[int]:
    """A numpy array's values as Python ints (numpy stays unimported), or the sequence's."""
    tolist = getattr(values, "tolist", None)
    return tolist() if tolist is not None else list(values)


def _brief_list(
    instance: AllocationInstance, assignment: IntArray | Sequence[int] | Mapping[str, str | None]
) -> list[int]:
    if isinstance(assignment, Mapping):
        return _brief_of_ids(instance, assignment)
    values = _as_list(assignment)
    try:
        if not set(map(type, values)) <= {int}:
            values = [int(b) for b in values]  # numpy's integers, say
        fits = len(values) == instance.n_students and (
            not values or (min(values) >= UNPLACED and max(values) < instance.n_briefs)
        )
    except (TypeError, ValueError):
        fits = False
    if not fits:
        raise InstanceError("assignment must hold one brief index (or -1) per student")
    return values


class _State(NamedTuple):
    """What both evaluate() and blocking_pairs() derive from an assignment."""

    brief_of: list[int]  # brief index per student, UNPLACED if none
    current_edge: list[int]  # the edge of each student's brief, -1 if unplaced or unlisted
    assigned_org: list[int]  # -1 if unplaced
    unlisted: list[int]  # students placed on a brief they did not list
    brief_count: list[int]
    org_count: list[int]
    # The largest rank (in the organisation's ranking) among each brief's and each
    # organisation's students; -1 if none.
    worst_in_brief: list[int]
    worst_in_org: list[int]


def _state(instance: AllocationInstance, brief_of: list[int]) -> _State:
    n = instance.n_students
    ptr, pref_brief = instance.pref_ptr_list, instance.pref_brief_list
    edge_rank, brief_org = instance.edge_org_rank_list, instance.brief_organisation_list
    current_edge = [-1] * n
    assigned_org = [-1] * n
    unlisted = []
    brief_count = [0] * instance.n_briefs
    org_count = [0] * instance.n_organisations
    worst_in_brief = [-1] * instance.n_briefs
    worst_in_org = [-1] * instance.n_organisations
    for s, b in enumerate(brief_of):
        if b < 0:
            continue
        org = assigned_org[s] = brief_org[b]
        brief_count[b] += 1
        org_count[org] += 1
        try:
            e = pref_brief.index(b, ptr[s], ptr[s + 1])
        except ValueError:
            unlisted.append(s)
            rank = _rank_outside_lists(instance, s, org)
        else:
            current_edge[s] = e
            rank = edge_rank[e]
        if rank > worst_in_brief[b]:
            worst_in_brief[b] = rank
        if rank > worst_in_org[org]:
            worst_in_org[org] = rank
    return _State(
        brief_of=brief_of,
        current_edge=current_edge,
        assigned_org=assigned_org,
        unlisted=unlisted,
        brief_count=brief_count,
        org_count=org_count,
        worst_in_brief=worst_in_brief,
        worst_in_org=worst_in_org,
    )


def _rank_outside_lists(instance: AllocationInstance, student: int, org: int) -> int:
    """Rank of a student placed by hand on a brief they did not list; unranked = last."""
    lo, hi = instance.ranking_ptr_list[org], instance.ranking_ptr_list[org + 1]
    try:
        return instance.ranking_student_list.index(student, lo, hi) - lo
    except ValueError:
        return hi - lo


def _blocking(instance: AllocationInstance, st: _State) -> list[tuple[int, int]]:
    """The (student, brief) pairs that block, per Abraham–Irving–Manlove: s listed p and is
    unplaced or prefers p, and (a) p and its organisation l are under-subscribed, or (b) p is
    under-subscribed, l is full, and s is already with l or l prefers s to its worst student,
    or (c) p is full and l prefers s to p's worst student. O(total list length)."""
    # Per brief p: s blocks with p if ranked above p's threshold, or if p has room and s is
    # with p's organisation already (-2: no organisation).
    threshold = []
    room_org = []
    anyone = len(instance.ranking_student_list)  # above every rank
    for p, org in enumerate(instance.brief_organisation_list):
        if st.brief_count[p] >= instance.brief_capacity_list[p]:
            threshold.append(st.worst_in_brief[p])  # (c)
            room_org.append(-2)
        else:
            org_room = st.org_count[org] < instance.organisation_capacity_list[org]
            threshold.append(anyone if org_room else st.worst_in_org[org])
            room_org.append(org)  # (a) or (b)

    ptr, pref_brief, edge_rank = (
        instance.pref_ptr_list,
        instance.pref_brief_list,
        instance.edge_org_rank_list,
    )
    pairs = []
    for s, current in enumerate(st.current_edge):
        end = current if current >= 0 else ptr[s + 1]
        if end == ptr[s]:
            continue  # on their first choice, or listed nothing
        with_org = st.assigned_org[s]
        for e in range(ptr[s], end):
            p = pref_brief[e]
            if edge_rank[e] < threshold[p] or room_org[p] == with_org:
                pairs.append((s, p))
    return pairs


def blocking_pairs(
    instance: AllocationInstance, assignment: IntArray | Sequence[int] | Mapping[str, str | None]
) -> list[tuple[str, str]]:
    """The (student id, brief id) pairs that block ``assignment`` (none if it is stable)."""
    st = _state(instance, _brief_list(instance, assignment))
    sids, bids = instance.student_ids, instance.brief_ids
    return [(sids[s], bids[p]) for s, p in _blocking(instance, st)]


def evaluate(
    instance: AllocationInstance, assignment: IntArray | Sequence[int] | Mapping[str, str | None]
) -> Evaluation:
    """Figures for any assignment, including one edited by hand (which may break capacities
    or place a student on a brief they did not list: both are reported, not refused)."""
    return _evaluation(instance, _brief_list(instance, assignment))


def _evaluation(instance: AllocationInstance, brief_of: list[int]) -> Evaluation:
    st = _state(instance, brief_of)
    n_unplaced = brief_of.count(UNPLACED)
    # 1-based position in the student's list; None if unplaced or on a brief not listed.
    positions = [
        e - lo + 1 if e >= 0 else None
        for e, lo in zip(st.current_edge, instance.pref_ptr_list[:-1], strict=True)
    ]
    listed = [r for r in positions if r is not None]
    total_score, unscored = _total_score(instance, st)
    bids, oids, sids = instance.brief_ids, instance.organisation_ids, instance.student_ids
    return Evaluation(
        placed=len(brief_of) - n_unplaced,
        unplaced=n_unplaced,
        mean_rank=sum(listed) / len(listed) if listed else None,
        total_score=total_score,
        unscored_placements=unscored,
        ranks=dict(zip(sids, positions, strict=True)),
        unplaced_reasons=_unplaced_reasons(instance, st),
        under_minimum=_ids_where(
            bids, map(_between_zero_and, st.brief_count, instance.brief_min_team_list)
        ),
        over_capacity_briefs=_ids_where(
            bids, map(gt, st.brief_count, instance.brief_capacity_list)
        ),
        over_capacity_organisations=_ids_where(
            oids, map(gt, st.org_count, instance.organisation_capacity_list)
        ),
        unlisted=tuple(sids[s] for s in st.unlisted),
        blocking_pairs=tuple((sids[s], bids[p]) for s, p in _blocking(instance, st)),
    )


def _between_zero_and(count_: int, minimum: int) -> bool:
    """A team that has students, but fewer than its minimum."""
    return 0 < count_ < minimum


def _ids_where(ids: tuple[str, ...], flags: Iterable[bool]) -> tuple[str, ...]:
    return tuple(compress(ids, flags))


def _total_score(instance: AllocationInstance, st: _State) -> tuple[float | None, int]:
    """The total score of the placements (None without scores), and how many have none."""
    edge_score = instance.edge_score_list
    scores = [edge_score[e] for e in st.current_edge if e >= 0]
    scores += [instance.other_scores.get((s, st.brief_of[s]), math.nan) for s in st.unlisted]
    known = [v for v in scores if not math.isnan(v)]
    # fsum is exact: a total does not depend on the order it was summed in (the welfare mode
    # sums its bound the same way).
    total = math.fsum(known) if instance.has_scores else None
    return total, len(scores) - len(known)


def _unplaced_reasons(instance: AllocationInstance, st: _State) -> dict[str, UnplacedReason]:
    ptr, pref_brief = instance.pref_ptr_list, instance.pref_brief_list
    brief_org = instance.brief_organisation_list
    b_cap, b_min = instance.brief_capacity_list, instance.brief_min_team_list
    o_cap = instance.organisation_capacity_list
    reasons: dict[str, UnplacedReason] = {}
    for s in compress(count(), map((UNPLACED).__eq__, st.brief_of)):
        reason: UnplacedReason = "no_preferences" if ptr[s] == ptr[s + 1] else "all_choices_full"
        for p in pref_brief[ptr[s] : ptr[s + 1]]:
            org = brief_org[p]
            on_p = st.brief_count[p]
            if on_p < b_cap[p] and st.org_count[org] < o_cap[org]:
                # Taking this student would help (or not hurt) the brief's minimum team.
                if on_p > 0 or b_min[p] <= 1:
                    reason = "left_out"
                    break
                reason = "choices_not_opened"
        reasons[instance.student_ids[s]] = reason
    return reasons


# --- Solving ------------------------------------------------------------------------------


def check_mode(instance: AllocationInstance, mode: Mode) -> None:
    """Raise :class:`InstanceError` if ``instance`` lacks what ``mode`` needs."""
    if mode not in MODES:
        raise InstanceError(f"unknown allocation mode {mode!r}")
    if mode == "welfare" and not instance.scores_complete():
        e = next(compress(count(), map(math.isnan, instance.edge_score_list)))
        raise InstanceError(
            "welfare mode needs a score for every listed brief: missing "
            f"scores[{instance.student_ids[instance.edge_student_list[e]]!r}]"
            f"[{instance.brief_ids[instance.pref_brief_list[e]]!r}]"
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
        # Imported here: numpy and scipy.optimize cost ~0.3 s of start-up that the stable
        # mode need not pay.
        from matching.allocation_welfare import max_score_assignment

        solution = max_score_assignment(instance, time_limit=time_limit)
        assignment, gap, bound = solution.assignment.tolist(), solution.gap, solution.score_bound
    solve_ms = (time.perf_counter() - start) * 1000
    return Allocation(
        instance=instance,
        mode=mode,
        assignment_list=assignment,
        evaluation=_evaluation(instance, assignment),
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
        # A set width: argparse asks the terminal for its width through shutil, whose import
        # (bz2, lzma…) costs every run 2 ms, for --help alone.
        formatter_class=lambda prog: argparse.HelpFormatter(prog, width=100),
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
    # Nor at exit: the interpreter's last collection would walk every object left (~2 ms
    # of a 100 ms run) to free cycles that the process's end frees anyway.
    gc.freeze()
    return 0


if __name__ == "__main__":
    sys.exit(main())
