"""Best overall fit: an assignment of greatest total match score, exactly.

Model. A variable x[e] in {0, 1} per listed (student, brief) pair — a student is only ever
placed on a brief they listed — weighted by its score. Constraints: one brief per student, a
brief's capacity, its organisation's capacity. Objective: maximise the total score. Scores are
non-negative, so placing a student never lowers it; pairs scored 0 leave ties, which a greedy
pass settles by placing every student that still fits (the total cannot drop, so the result
stays optimal and no unplaced student could take a free seat on a brief they listed).

Without minimum team sizes the constraint matrix is totally unimodular: its rows are two
laminar families of edge sets (the students; the briefs nested inside their organisations), so
every vertex of the LP is integral — the same optimum as a min-cost flow source → student →
brief → organisation → sink. HiGHS's dual simplex (``linprog(method="highs-ds")``) ends on a
vertex; if it ever returned a fractional point we would fall back to ``milp``. The tests
compare the result with a brute force and with a min-cost flow written independently.

A minimum team size m >= 2 ("0 or between m and the capacity") adds a binary y[b] per such
brief: m·y[b] <= students on b <= capacity·y[b]. That is no longer totally unimodular:
  1. the optimum without minimums gives an upper bound, and closing the briefs it leaves
     below their minimum (then solving again, until none is) a good assignment, in seconds;
  2. HiGHS's branch and bound (``milp``) runs for the rest of the time limit;
the better assignment is returned with the tighter bound, and the gap (bound - total) / bound,
0 when HiGHS proves the optimum. The first LP of step 1 always runs, whatever the limit.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array

if TYPE_CHECKING:
    from matching.allocation import AllocationInstance, FloatArray, IntArray


@dataclass(frozen=True)
class WelfareSolution:
    assignment: IntArray  # brief index per student, -1 when unplaced
    gap: float  # (score_bound - total) / score_bound; 0.0 when the optimum is proven
    score_bound: float  # no feasible assignment scores more than this


def max_score_assignment(instance: AllocationInstance, *, time_limit: float) -> WelfareSolution:
    if not instance.pref_brief_list:  # nobody listed anything: HiGHS refuses empty models
        return WelfareSolution(np.full(instance.n_students, -1, dtype=np.int64), 0.0, 0.0)
    if not instance.has_min_teams:
        assignment = _flow_optimum(instance, instance.brief_capacity)
        _place_remaining(instance, assignment)
        return WelfareSolution(assignment, gap=0.0, score_bound=_total(instance, assignment))

    deadline = time.monotonic() + time_limit
    # Without the minimums the optimum is an upper bound; closing the briefs it leaves below
    # their minimum gives a good feasible assignment fast, kept if HiGHS does no better.
    best, bound = _close_under_minimum(instance, deadline)
    remaining = deadline - time.monotonic()
    if remaining > 0:
        found, proven, dual_bound = _min_team_milp(instance, remaining)
        if found is not None:
            _place_remaining(instance, found)
            if proven:
                return WelfareSolution(found, gap=0.0, score_bound=_total(instance, found))
            if _total(instance, found) > _total(instance, best):
                best = found
        bound = min(bound, dual_bound)
    total = _total(instance, best)
    bound = max(bound, total)
    return WelfareSolution(
        best, gap=(bound - total) / bound if bound > 0 else 0.0, score_bound=bound
    )


def _rows(instance: AllocationInstance, brief_capacity: IntArray) -> tuple[csr_array, FloatArray]:
    """The flow constraints: one brief per student, brief and organisation capacities."""
    n_edges = len(instance.pref_brief)
    n_s, n_b, n_o = instance.n_students, instance.n_briefs, instance.n_organisations
    edges = np.arange(n_edges)
    rows = np.concatenate(
        [instance.edge_student, n_s + instance.pref_brief, n_s + n_b + instance.edge_organisation]
    )
    matrix = csr_array(
        (np.ones(3 * n_edges), (rows, np.concatenate([edges, edges, edges]))),
        shape=(n_s + n_b + n_o, n_edges),
    )
    upper = np.concatenate([np.ones(n_s), brief_capacity, instance.organisation_capacity])
    return matrix, upper.astype(np.float64)


def _flow_optimum(instance: AllocationInstance, brief_capacity: IntArray) -> IntArray:
    """A maximum-score assignment ignoring minimum team sizes (exact)."""
    matrix, upper = _rows(instance, brief_capacity)
    objective = -instance.edge_score
    # Totally unimodular: HiGHS's dual simplex ends on a vertex, which is integral. Ten
    # times faster than milp(), whose MIP set-up alone costs seconds at 10,000 students.
    lp = linprog(objective, A_ub=matrix, b_ub=upper, bounds=(0, 1), method="highs-ds")
    x = lp.x if lp.status == 0 else None
    if x is None or not bool(np.all(np.minimum(x, 1 - x) < 1e-6)):  # never seen; stay exact
        x = milp(
            objective,
            integrality=np.ones(len(objective)),
            bounds=Bounds(0, 1),
            constraints=LinearConstraint(matrix, -np.inf, upper),
            options={"mip_rel_gap": 0.0},
        ).x
    return _from_x(instance, x)


def _close_under_minimum(instance: AllocationInstance, deadline: float) -> tuple[IntArray, float]:
    """The optimum without minimums (its total bounds the true optimum), then repeatedly
    close the briefs it leaves below their minimum and solve again."""
    capacity = instance.brief_capacity.copy()
    assignment = _flow_optimum(instance, capacity)
    bound = _total(instance, assignment)
    while True:
        count = np.bincount(assignment[assignment >= 0], minlength=instance.n_briefs)
        under = (count > 0) & (count < instance.brief_min_team)
        if not under.any():
            break
        capacity[under] = 0
        if time.monotonic() > deadline:
            assignment[np.isin(assignment, np.flatnonzero(under))] = -1
            break
        assignment = _flow_optimum(instance, capacity)
    _place_remaining(instance, assignment)
    return assignment, bound


def _min_team_milp(
    instance: AllocationInstance, time_limit: float
) -> tuple[IntArray | None, bool, float]:
    """HiGHS branch and bound with a binary "open" y[b] per brief of minimum m >= 2:
    m·y[b] <= students on b <= capacity·y[b]. Returns (assignment or None, proven optimal,
    upper bound on the total score)."""
    matrix, upper = _rows(instance, instance.brief_capacity)
    n_edges = len(instance.pref_brief)
    n_s, n_b = instance.n_students, instance.n_briefs
    gated = np.flatnonzero(instance.brief_min_team >= 2)
    n_y = len(gated)
    y_cols = n_edges + np.arange(n_y)
    gate_of_brief = np.full(n_b, -1, dtype=np.int64)
    gate_of_brief[gated] = np.arange(n_y)
    gate = gate_of_brief[instance.pref_brief]
    gated_edges = np.flatnonzero(gate >= 0)
    n_rows = matrix.shape[0]
    capacity = instance.brief_capacity[gated].astype(np.float64)
    minimum = instance.brief_min_team[gated].astype(np.float64)
    # Capacity rows of gated briefs become sum(x) - capacity·y <= 0; new rows
    # sum(x) - minimum·y >= 0.
    extra_rows = np.concatenate([n_s + gated, n_rows + gate[gated_edges], n_rows + np.arange(n_y)])
    extra_cols = np.concatenate([y_cols, gated_edges, y_cols])
    extra = csr_array(
        (
            np.concatenate([-capacity, np.ones(len(gated_edges)), -minimum]),
            (extra_rows, extra_cols),
        ),
        shape=(n_rows + n_y, n_edges + n_y),
    )
    full = (
        csr_array(
            (
                matrix.data,
                matrix.indices,
                np.concatenate([matrix.indptr, np.full(n_y, matrix.nnz)]),
            ),
            shape=(n_rows + n_y, n_edges + n_y),
        )
        + extra
    )
    upper = np.concatenate([upper, np.full(n_y, np.inf)])
    upper[n_s + gated] = 0.0
    lower = np.full(n_rows + n_y, -np.inf)
    lower[n_rows:] = 0.0
    result = milp(
        np.concatenate([-instance.edge_score, np.zeros(n_y)]),
        integrality=np.ones(n_edges + n_y),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(full, lower, upper),
        # mip_rel_gap 0: stop only at the proven optimum (HiGHS's default is 0.01 %).
        # No presolve: on these models it costs seconds and removes little.
        options={"time_limit": time_limit, "mip_rel_gap": 0.0, "presolve": False},
    )
    dual = getattr(result, "mip_dual_bound", None)
    bound = -float(dual) if dual is not None and np.isfinite(dual) else np.inf
    if result.x is None:
        return None, False, bound
    assignment = _from_x(instance, result.x[:n_edges])
    return assignment, result.status == 0, bound


def _from_x(instance: AllocationInstance, x: FloatArray) -> IntArray:
    chosen = x > 0.5
    assignment = np.full(instance.n_students, -1, dtype=np.int64)
    assignment[instance.edge_student[chosen]] = instance.pref_brief[chosen]
    return assignment


def _total(instance: AllocationInstance, assignment: IntArray) -> float:
    # fsum, like evaluate(): exact, so the bound of a proven optimum equals its total score.
    return math.fsum(instance.edge_score[_assigned_edges(instance, assignment)].tolist())


def _assigned_edges(instance: AllocationInstance, assignment: IntArray) -> IntArray:
    return np.flatnonzero(instance.pref_brief == assignment[instance.edge_student])


def _place_remaining(instance: AllocationInstance, assignment: IntArray) -> None:
    """Place each unplaced student, in order, on the first listed brief that still has room
    in it and its organisation and is open (or needs no minimum). Scores are >= 0, so the
    total never drops."""
    placed = assignment >= 0
    b_count = np.bincount(assignment[placed], minlength=instance.n_briefs).tolist()
    o_count = np.bincount(
        instance.brief_organisation[assignment[placed]], minlength=instance.n_organisations
    ).tolist()
    org_of = instance.brief_organisation_list
    b_cap = instance.brief_capacity_list
    o_cap = instance.organisation_capacity_list
    b_min = instance.brief_min_team_list
    ptr = instance.pref_ptr_list
    pref = instance.pref_brief_list
    for s in np.flatnonzero(~placed).tolist():
        for b in pref[ptr[s] : ptr[s + 1]]:
            org = org_of[b]
            if (
                b_count[b] < b_cap[b]
                and o_count[org] < o_cap[org]
                and (b_count[b] > 0 or b_min[b] <= 1)
            ):
                assignment[s] = b
                b_count[b] += 1
                o_count[org] += 1
                break
