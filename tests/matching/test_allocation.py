"""The cohort allocation engine, checked against independent oracles.

Oracles written here from the definitions, not from the engine: a blocking-pair checker
(Abraham–Irving–Manlove), a brute force over all assignments, and a min-cost flow by
successive shortest paths; plus the PyPI ``matching`` library's StudentAllocation.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.allocation import (
    UNPLACED,
    AllocationInstance,
    BriefSpec,
    InstanceError,
    OrganisationSpec,
    StudentSpec,
    allocate,
    blocking_pairs,
    build_instance,
    evaluate,
    parse_instance,
)
from matching.allocation_bench import MatchingLibrary, random_instance, run_matching_library

Data = dict[str, Any]
Assignment = Mapping[str, str | None]

SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# --- Instances ----------------------------------------------------------------------------


@st.composite
def instances(
    draw: st.DrawFn,
    *,
    max_students: int = 8,
    max_briefs: int = 5,
    min_prefs: int = 0,
    max_prefs: int = 5,
    max_orgs: int = 3,
    min_capacity: int = 0,
    max_capacity: int = 3,
    max_org_capacity: int | None = 5,
    min_team: bool = False,
) -> Data:
    """Valid instances: every organisation ranks every student (so everyone who lists one
    of its briefs), and scores cover the listed pairs. With ``max_org_capacity=None``, an
    organisation takes at most one more than its briefs' seats, so its capacity binds about
    as often as theirs."""
    n_orgs = draw(st.integers(1, max_orgs))
    n_briefs = draw(st.integers(1, max_briefs))
    n_students = draw(st.integers(0, max_students))
    briefs = []
    seats = [0] * n_orgs  # each organisation's briefs' capacities
    for b in range(n_briefs):
        capacity = draw(st.integers(min_capacity, max_capacity))
        org = draw(st.integers(0, n_orgs - 1))
        seats[org] += capacity
        briefs.append(
            {
                "id": f"b{b}",
                "organisation": f"o{org}",
                "capacity": capacity,
                "min_team": draw(st.integers(0, capacity)) if min_team else 0,
            }
        )
    students = [
        {
            "id": f"s{s}",
            "preferences": [
                f"b{b}"
                for b in draw(
                    st.lists(
                        st.integers(0, n_briefs - 1),
                        unique=True,
                        min_size=min(min_prefs, n_briefs),
                        max_size=max_prefs,
                    )
                )
            ],
        }
        for s in range(n_students)
    ]
    everyone = [f"s{s}" for s in range(n_students)]
    organisations = [
        {
            "id": f"o{o}",
            "capacity": draw(st.integers(min_capacity, max_org_capacity))
            if max_org_capacity is not None
            # Counted down from one above its seats: shrinks towards a capacity that
            # does not bind, the simpler case.
            else seats[o] + 1 - draw(st.integers(0, seats[o] + 1 - min_capacity)),
            "ranking": draw(st.permutations(everyone)),
        }
        for o in range(n_orgs)
    ]
    scores = {s["id"]: {b: draw(st.integers(0, 100)) for b in s["preferences"]} for s in students}
    return {
        "students": students,
        "briefs": briefs,
        "organisations": organisations,
        "scores": scores,
    }


#: Up to 30 students, 12 briefs and 5 organisations, each student listing 1 to 5 briefs, and
#: organisations' capacities near their briefs' seats: large enough for chains of rejections
#: across briefs and organisations, small enough to shrink to a readable counter-example.
COHORTS = instances(
    max_students=30, max_briefs=12, min_prefs=1, max_orgs=5, max_capacity=4, max_org_capacity=None
)


# --- Oracles ------------------------------------------------------------------------------


class Spa:
    """The instance read naively from its JSON, for the oracles."""

    def __init__(self, data: Data) -> None:
        self.prefs = {s["id"]: list(s["preferences"]) for s in data["students"]}
        self.brief_org = {b["id"]: b["organisation"] for b in data["briefs"]}
        self.brief_cap = {b["id"]: b["capacity"] for b in data["briefs"]}
        self.brief_min = {b["id"]: b.get("min_team", 0) for b in data["briefs"]}
        self.org_cap = {o["id"]: o["capacity"] for o in data["organisations"]}
        self.ranking = {o["id"]: list(o["ranking"]) for o in data["organisations"]}
        self.scores = data.get("scores", {})

    def rank(self, org: str, student: str) -> int:
        ranking = self.ranking[org]
        return ranking.index(student) if student in ranking else len(ranking)

    def feasible(self, m: Assignment) -> bool:
        """Capacities hold, and each brief has 0 students or between min_team and capacity."""
        on_brief = [b for b in m.values() if b is not None]
        return all(
            on_brief.count(b) == 0 or self.brief_min[b] <= on_brief.count(b) <= cap
            for b, cap in self.brief_cap.items()
        ) and all(
            sum(self.brief_org[b] == o for b in on_brief) <= cap for o, cap in self.org_cap.items()
        )

    def blocking_pairs(self, m: Assignment) -> set[tuple[str, str]]:
        """(s, p) blocks M if s lists p, s is unassigned or prefers p to M(s), and (a) p and
        l are under-subscribed, or (b) p is under-subscribed, l is full, and s is assigned
        to a brief of l or l prefers s to its worst student, or (c) p is full and l prefers
        s to the worst student of p. A brief outside s's list counts below every listed one."""
        members: dict[str, list[str]] = {b: [] for b in self.brief_cap}
        for s, b in m.items():
            if b is not None:
                members[b].append(s)
        org_members = {
            o: [s for b, ss in members.items() if self.brief_org[b] == o for s in ss]
            for o in self.org_cap
        }
        found = set()
        for s, prefs in self.prefs.items():
            current = m.get(s)
            for p in prefs:
                if current in prefs and prefs.index(p) >= prefs.index(current):
                    break
                o = self.brief_org[p]
                p_under = len(members[p]) < self.brief_cap[p]
                o_under = len(org_members[o]) < self.org_cap[o]
                worst_o = max((self.rank(o, t) for t in org_members[o]), default=-1)
                worst_p = max((self.rank(o, t) for t in members[p]), default=-1)
                with_o = current is not None and self.brief_org[current] == o
                if (
                    (p_under and o_under)
                    or (p_under and not o_under and (with_o or self.rank(o, s) < worst_o))
                    or (not p_under and self.rank(o, s) < worst_p)
                ):
                    found.add((s, p))
        return found

    def total(self, m: Assignment) -> float:
        return sum(self.scores[s][b] for s, b in m.items() if b is not None)

    def brute_force_best(self) -> float:
        students = list(self.prefs)
        best = 0.0
        for choice in itertools.product(*([None, *self.prefs[s]] for s in students)):
            m = dict(zip(students, choice, strict=True))
            if self.feasible(m):
                best = max(best, self.total(m))
        return best

    def min_cost_flow_best(self) -> float:
        """Successive shortest paths (Bellman-Ford) on source → student → brief →
        organisation → sink, costs = -score, augmenting while a path has negative cost."""
        nodes = [
            "src",
            *(("s", s) for s in self.prefs),
            *(("b", b) for b in self.brief_cap),
            *(("o", o) for o in self.org_cap),
            "sink",
        ]
        index: dict[Any, int] = {n: i for i, n in enumerate(nodes)}
        graph: list[list[int]] = [[] for _ in nodes]
        to: list[int] = []
        cap: list[int] = []
        cost: list[float] = []

        def arc(u: Any, v: Any, c: int, w: float) -> None:
            for a, b, cc, ww in ((index[u], index[v], c, w), (index[v], index[u], 0, -w)):
                graph[a].append(len(to))
                to.append(b)
                cap.append(cc)
                cost.append(ww)

        for s, prefs in self.prefs.items():
            arc("src", ("s", s), 1, 0)
            for b in prefs:
                arc(("s", s), ("b", b), 1, -self.scores[s][b])
        for b, c in self.brief_cap.items():
            arc(("b", b), ("o", self.brief_org[b]), c, 0)
        for o, c in self.org_cap.items():
            arc(("o", o), "sink", c, 0)
        total = 0.0
        while True:
            dist = [float("inf")] * len(nodes)
            via = [-1] * len(nodes)
            dist[0] = 0
            for _ in nodes:
                relaxed = False
                for u in range(len(nodes)):
                    for a in graph[u]:
                        if cap[a] > 0 and dist[u] + cost[a] < dist[to[a]]:
                            dist[to[a]] = dist[u] + cost[a]
                            via[to[a]] = a
                            relaxed = True
                if not relaxed:
                    break
            sink = index["sink"]
            if dist[sink] >= 0:
                return total
            v = sink
            while v != 0:
                a = via[v]
                cap[a] -= 1
                cap[a ^ 1] += 1
                v = to[a ^ 1]
            total -= dist[sink]


def check_capacities(spa: Spa, m: Assignment) -> None:
    on_brief = [b for b in m.values() if b is not None]
    for b, cap in spa.brief_cap.items():
        assert on_brief.count(b) <= cap
    for o, cap in spa.org_cap.items():
        assert sum(spa.brief_org[b] == o for b in on_brief) <= cap
    for s, b in m.items():
        assert b is None or b in spa.prefs[s]


# --- Stable mode --------------------------------------------------------------------------


@settings(SETTINGS, max_examples=300)
@given(instances())
def test_stable_respects_capacities_and_has_no_blocking_pair(data: Data) -> None:
    spa = Spa(data)
    result = allocate(parse_instance(data), "stable")
    m = result.assignment_by_id
    check_capacities(spa, m)
    assert spa.blocking_pairs(m) == set()
    assert result.evaluation.blocking_pairs == ()
    for s, reason in result.evaluation.unplaced_reasons.items():
        assert reason == ("all_choices_full" if spa.prefs[s] else "no_preferences")


@pytest.fixture(scope="module")
def matching_library() -> Iterator[MatchingLibrary]:
    """The PyPI library in one child process for the whole module (ours is also called
    ``matching``)."""
    with MatchingLibrary() as library:
        yield library


@settings(SETTINGS, max_examples=200)
@given(data=COHORTS)
def test_stable_equals_the_matching_library(matching_library: MatchingLibrary, data: Data) -> None:
    """The student-optimal stable matching is unique: it must be the library's, exactly."""
    ours = allocate(parse_instance(data), "stable").assignment_by_id
    assert ours == matching_library.solve(data)["assignment"]


def test_stable_equals_the_matching_library_on_cohorts_shaped_like_ours() -> None:
    """Larger cohorts, with the popularity skew and capacities of the benchmark."""
    batch = [random_instance(n, seed=n) for n in (200, 500, 2000)]
    library = run_matching_library(batch, timeout=120)
    for data, theirs in zip(batch, library, strict=True):
        ours = allocate(parse_instance(data), "stable").assignment_by_id
        assert ours == theirs["assignment"]


def test_stable_worked_example() -> None:
    """o1 (capacity 2) offers b1 and b2 (capacity 2 each) and prefers s3 > s1 > s2.
    s1 and s2 want b1, s3 wants b2: o1 fills with s3 and s1; s2 falls to b3 of o2."""
    data = {
        "students": [
            {"id": "s1", "preferences": ["b1"]},
            {"id": "s2", "preferences": ["b1", "b3"]},
            {"id": "s3", "preferences": ["b2", "b3"]},
            {"id": "s4", "preferences": []},
        ],
        "briefs": [
            {"id": "b1", "organisation": "o1", "capacity": 2},
            {"id": "b2", "organisation": "o1", "capacity": 2},
            {"id": "b3", "organisation": "o2", "capacity": 2, "min_team": 2},
        ],
        "organisations": [
            {"id": "o1", "capacity": 2, "ranking": ["s3", "s1", "s2"]},
            {"id": "o2", "capacity": 3, "ranking": ["s3", "s2"]},
        ],
    }
    result = allocate(parse_instance(data), "stable")
    assert result.assignment_by_id == {"s1": "b1", "s2": "b3", "s3": "b2", "s4": None}
    ev = result.evaluation
    assert (ev.placed, ev.mean_rank, ev.total_score) == (3, 4 / 3, None)
    assert ev.ranks == {"s1": 1, "s2": 2, "s3": 1, "s4": None}
    assert ev.under_minimum == ("b3",)  # the stable mode ignores minimum team sizes


# --- Welfare mode -------------------------------------------------------------------------


@settings(SETTINGS, max_examples=150)
@given(instances(max_students=6, max_briefs=4, max_prefs=3))
def test_welfare_equals_brute_force(data: Data) -> None:
    spa = Spa(data)
    result = allocate(parse_instance(data), "welfare")
    m = result.assignment_by_id
    check_capacities(spa, m)
    assert result.evaluation.total_score == spa.brute_force_best()
    assert result.optimality_gap == 0.0
    # No student left out while a listed brief and its organisation have room.
    assert set(result.evaluation.unplaced_reasons.values()) <= {
        "no_preferences",
        "all_choices_full",
    }


@settings(SETTINGS, max_examples=120)
@given(instances(max_students=6, max_briefs=4, max_prefs=3, min_team=True))
def test_welfare_with_minimum_teams_equals_brute_force(data: Data) -> None:
    spa = Spa(data)
    result = allocate(parse_instance(data), "welfare", time_limit=30)
    m = result.assignment_by_id
    check_capacities(spa, m)
    assert spa.feasible(m)  # each brief gets 0 or between min_team and capacity
    assert result.evaluation.under_minimum == ()
    assert result.evaluation.total_score == spa.brute_force_best()
    assert result.optimality_gap == 0.0


@settings(SETTINGS, max_examples=100)
@given(COHORTS)  # beyond what the brute force can enumerate
def test_welfare_equals_min_cost_flow(data: Data) -> None:
    spa = Spa(data)
    result = allocate(parse_instance(data), "welfare")
    check_capacities(spa, result.assignment_by_id)
    assert result.evaluation.total_score == spa.min_cost_flow_best()
    assert result.optimality_gap == 0.0


def test_welfare_reports_its_gap_when_the_time_limit_strikes() -> None:
    instance = parse_instance(random_instance(1000, seed=1000, min_team=True))
    exact = allocate(instance, "welfare", time_limit=60)
    assert exact.optimality_gap == 0.0
    assert exact.score_bound == exact.evaluation.total_score
    optimum = exact.evaluation.total_score
    assert optimum is not None

    rushed = allocate(instance, "welfare", time_limit=1e-3)
    total = rushed.evaluation.total_score
    assert rushed.optimality_gap is not None and rushed.score_bound is not None
    assert total is not None and total <= optimum <= rushed.score_bound
    assert rushed.optimality_gap == pytest.approx((rushed.score_bound - total) / rushed.score_bound)
    assert rushed.optimality_gap > 0
    assert rushed.evaluation.within_capacity and rushed.evaluation.under_minimum == ()


def test_welfare_leaves_briefs_closed_rather_than_below_their_minimum() -> None:
    data = {
        "students": [
            {"id": "s1", "preferences": ["big", "solo"]},
            {"id": "s2", "preferences": ["big"]},
            {"id": "s3", "preferences": ["solo"]},
        ],
        "briefs": [
            {"id": "big", "organisation": "o", "capacity": 4, "min_team": 3},
            {"id": "solo", "organisation": "o", "capacity": 1},
        ],
        "organisations": [{"id": "o", "capacity": 5, "ranking": ["s1", "s2", "s3"]}],
        "scores": {"s1": {"big": 90, "solo": 10}, "s2": {"big": 90}, "s3": {"solo": 50}},
    }
    instance = parse_instance(data)
    result = allocate(instance, "welfare")
    assert result.assignment_by_id == {"s1": None, "s2": None, "s3": "solo"}
    # Three students would score 190 on "big", but only two want it.
    assert result.evaluation.unplaced_reasons == {
        "s1": "choices_not_opened",
        "s2": "choices_not_opened",
    }
    stable = allocate(instance, "stable")
    assert stable.assignment_by_id == {"s1": "big", "s2": "big", "s3": "solo"}
    assert stable.evaluation.under_minimum == ("big",)


# --- Hand edits -----------------------------------------------------------------------------


@settings(SETTINGS, max_examples=200)
@given(st.data())
def test_blocking_pairs_of_any_assignment_match_the_definition(data: st.DataObject) -> None:
    raw = data.draw(instances())
    instance = parse_instance(raw)
    options = [None, *instance.brief_ids]
    edited = {sid: data.draw(st.sampled_from(options)) for sid in instance.student_ids}
    assert set(blocking_pairs(instance, edited)) == Spa(raw).blocking_pairs(edited)


def test_evaluate_reports_a_hand_edit() -> None:
    data = {
        "students": [
            {"id": "ana", "preferences": ["web", "app"]},
            {"id": "bo", "preferences": ["web"]},
            {"id": "cy", "preferences": ["app"]},
            {"id": "di", "preferences": ["app"]},
        ],
        "briefs": [
            {"id": "web", "organisation": "o1", "capacity": 1},
            {"id": "app", "organisation": "o2", "capacity": 2},
        ],
        "organisations": [
            {"id": "o1", "capacity": 1, "ranking": ["bo", "ana"]},
            {"id": "o2", "capacity": 2, "ranking": ["ana", "cy", "di"]},
        ],
        "scores": {
            "ana": {"web": 80, "app": 70},
            "bo": {"web": 60, "app": 99},  # bo did not list app: kept for hand edits
            "cy": {"app": 50},
            "di": {"app": 40},
        },
    }
    instance = parse_instance(data)
    stable = allocate(instance, "stable").assignment_by_id
    assert stable == {"ana": "app", "bo": "web", "cy": "app", "di": None}

    # Staff swap ana and bo, and squeeze di onto app.
    edited = {"ana": "web", "bo": "app", "cy": "app", "di": "app"}
    ev = evaluate(instance, edited)
    assert ev.ranks == {"ana": 1, "bo": None, "cy": 1, "di": 1}
    assert ev.unlisted == ("bo",)
    assert ev.over_capacity_briefs == ("app",)
    assert ev.over_capacity_organisations == ("o2",)
    assert not ev.within_capacity
    assert ev.total_score == 80 + 99 + 50 + 40
    assert ev.mean_rank == 1.0
    assert set(ev.blocking_pairs) == {("bo", "web")}  # o1 prefers bo, who wants web

    left = evaluate(instance, {"ana": "app", "bo": None, "cy": None, "di": None})
    assert left.unplaced_reasons == {"bo": "left_out", "cy": "left_out", "di": "left_out"}
    assert evaluate(instance, np.array([1, 0, 1, UNPLACED])).blocking_pairs == ()


def test_evaluate_refuses_unknown_ids() -> None:
    instance = parse_instance(random_instance(20, seed=1))
    with pytest.raises(InstanceError, match="unknown student"):
        evaluate(instance, {"nobody": None})
    with pytest.raises(InstanceError, match="unknown brief"):
        evaluate(instance, {"s1": "nothing"})


# --- Building instances -----------------------------------------------------------------------


def test_build_instance_from_plain_data() -> None:
    instance: AllocationInstance = build_instance(
        students=[StudentSpec("s1", ["b1", "b2"]), StudentSpec("s2", ["b1"])],
        briefs=[BriefSpec("b1", "o1", capacity=1), BriefSpec("b2", "o1", capacity=1)],
        organisations=[OrganisationSpec("o1", capacity=1, ranking=["s2", "s1"])],
        scores={"s1": {"b1": 10, "b2": 90}, "s2": {"b1": 50}},
    )
    assert instance.pref_ptr_list == [0, 2, 3]
    assert instance.edge_org_rank_list == [1, 1, 0]
    assert allocate(instance, "stable").assignment_by_id == {"s1": None, "s2": "b1"}
    assert allocate(instance, "welfare").assignment_by_id == {"s1": "b2", "s2": None}


def test_the_arrays_are_read_only_copies_of_the_lists() -> None:
    """The welfare mode and the Django side read numpy arrays, made on first use."""
    instance = parse_instance(random_instance(50, seed=3))
    for name in ("pref_ptr", "pref_brief", "edge_student", "edge_org_rank", "brief_capacity"):
        array = getattr(instance, name)
        assert array.dtype == np.int64 and array.tolist() == getattr(instance, f"{name}_list")
        assert getattr(instance, name) is array  # made once
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1
    assert instance.edge_score.tolist() == instance.edge_score_list
    owners = np.repeat(np.arange(instance.n_students), np.diff(instance.pref_ptr))
    assert instance.edge_student.tolist() == owners.tolist()
    stable = allocate(instance, "stable")
    assert stable.assignment.tolist() == stable.assignment_list
    assert evaluate(instance, stable.assignment) == evaluate(instance, stable.assignment_by_id)


def test_scores_in_any_order_index_the_same() -> None:
    """Scores usually come in preference order (a fast path); any order means the same."""
    data = random_instance(300, seed=5)
    shuffled = dict(data, scores={})
    rng = random.Random(5)
    rows = list(data["scores"].items())
    rng.shuffle(rows)
    for sid, row in rows:
        items = list(row.items())
        rng.shuffle(items)
        shuffled["scores"][sid] = dict(items)
    unlisted = next(b for b in data["briefs"] if b["id"] not in data["students"][0]["preferences"])
    shuffled["scores"]["s0"][unlisted["id"]] = 12.5  # for a hand edit placing s0 there
    usual, any_order = parse_instance(data), parse_instance(shuffled)
    assert any_order.edge_score_list == usual.edge_score_list
    b = usual.brief_index[unlisted["id"]]
    assert dict(any_order.other_scores) == {(0, b): 12.5} and not usual.other_scores


def test_build_instance_takes_what_the_orm_hands_over() -> None:
    """Decimal scores (a DecimalField), tuples, Mappings that are not dicts."""
    instance = build_instance(
        students=[StudentSpec("s1", ("b1",))],
        briefs=[BriefSpec("b1", "o1", capacity=2)],
        organisations=[OrganisationSpec("o1", capacity=2, ranking=("s1",))],
        scores=MappingProxyType({"s1": MappingProxyType({"b1": Decimal("72.5")})}),
    )
    assert allocate(instance, "welfare").evaluation.total_score == 72.5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["students"][0]["preferences"].append("b1"), "lists brief 'b1' twice"),
        (lambda d: d["students"][0]["preferences"].append("zz"), "unknown brief 'zz'"),
        (lambda d: d["briefs"][0].update(organisation="zz"), "unknown organisation 'zz'"),
        (lambda d: d["briefs"][0].update(capacity=-1), "must not be negative"),
        (lambda d: d["organisations"][0]["ranking"].remove("s1"), "does not rank them"),
        (lambda d: d["briefs"][0].update(min_team=5), "above its capacity"),
        (lambda d: d["scores"]["s1"].update(b1=-3), "non-negative"),
        (lambda d: d["students"].append({"id": "s1", "preferences": []}), "appears twice"),
        (lambda d: d["organisations"][0]["ranking"].append("s1"), "ranks student 's1' twice"),
        (lambda d: d["organisations"][0]["ranking"].append("zz"), "unknown student 'zz'"),
        (lambda d: d["scores"].update(zz={}), r"scores: unknown student 'zz'"),
        (lambda d: d["scores"]["s1"].update(zz=1), r"scores\['s1'\]: unknown brief 'zz'"),
        (lambda d: d["scores"]["s1"].update(b1="high"), "finite non-negative number"),
        (lambda d: d["scores"]["s1"].update(b1=True), "finite non-negative number"),
        (lambda d: d["scores"]["s1"].update(b1=float("nan")), "finite non-negative number"),
        (lambda d: d["briefs"][0].update(capacity=2.0), "must be an integer"),
    ],
)
def test_invalid_instances_are_refused(change: Any, message: str) -> None:
    data = {
        "students": [{"id": "s1", "preferences": ["b1"]}],
        "briefs": [{"id": "b1", "organisation": "o1", "capacity": 2}],
        "organisations": [{"id": "o1", "capacity": 2, "ranking": ["s1"]}],
        "scores": {"s1": {"b1": 5}},
    }
    change(data)
    with pytest.raises(InstanceError, match=message):
        parse_instance(data)


def test_welfare_needs_every_score() -> None:
    instance = parse_instance(
        {
            "students": [{"id": "s1", "preferences": ["b1"]}],
            "briefs": [{"id": "b1", "organisation": "o1", "capacity": 2}],
            "organisations": [{"id": "o1", "capacity": 2, "ranking": ["s1"]}],
        }
    )
    assert allocate(instance, "stable").evaluation.placed == 1
    with pytest.raises(InstanceError, match=r"missing scores\['s1'\]\['b1'\]"):
        allocate(instance, "welfare")
