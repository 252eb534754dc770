"""The scoring engine against the plain-Python reference, its hard filters, its explanations
and its top-k. Pure numpy: no database."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import scoring
from matching.bench import synthetic
from matching.scoring import (
    WEIGHT_AVAILABILITY,
    WEIGHT_CAUSES,
    WEIGHT_LOCATION,
    WEIGHT_SKILLS,
    BriefBlock,
    BriefRecord,
    Exclusion,
    Explanation,
    LocationVerdict,
    RemotePreference,
    SkillCovered,
    SkillMissing,
    StudentBlock,
    StudentRecord,
    Taxonomy,
    TopK,
    WorkMode,
    departement_from_postcode,
    departement_key,
    explain,
    merge_top_k,
    recommend_for_student,
    score_pairs,
    top_k,
    top_k_for_briefs,
    top_k_for_students,
)

from .reference_scoring import Related, reference_components, skill_credit

#: Both engines when numba imports: each must compute the documented formula.
ENGINES = ("numba", "numpy") if scoring.numba is not None else ("numpy",)


@contextmanager
def running(engine: str) -> Iterator[None]:
    saved, scoring.ENGINE = scoring.ENGINE, engine
    try:
        yield
    finally:
        scoring.ENGINE = saved


SKILLS = (10, 20, 30, 40, 50, 60)
CAUSES = (1, 2, 3, 4)
DEPARTEMENTS = ("", "59", "62", "2A", "971")
CITIES = (None, 1, 2, 3)
DAY0 = date(2026, 9, 1)

# --- Random worlds --------------------------------------------------------------------------


@st.composite
def relations(draw: st.DrawFn) -> Related:
    triples = draw(
        st.lists(
            st.tuples(st.sampled_from(SKILLS), st.sampled_from(SKILLS), st.floats(0.05, 0.95)),
            max_size=8,
        )
    )
    related: dict[tuple[int, int], float] = {}
    for had, covered, similarity in triples:
        if had != covered:
            related[(had, covered)] = max(related.get((had, covered), 0.0), similarity)
    return related


def windows(draw: st.DrawFn) -> tuple[date, date]:
    first = DAY0 + timedelta(days=draw(st.integers(0, 60)))
    return first, first + timedelta(days=draw(st.integers(0, 60)))


@st.composite
def student_records(draw: st.DrawFn, ident: int) -> StudentRecord:
    first, last = windows(draw)
    return StudentRecord(
        id=ident,
        skills=draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 4), max_size=4)),
        hours_per_week=draw(st.one_of(st.sampled_from([0.0, 6.0, 10.0]), st.floats(0, 40))),
        available_from=first,
        available_to=last,
        city_id=draw(st.sampled_from(CITIES)),
        departement=draw(st.sampled_from(DEPARTEMENTS)),
        remote_preference=draw(st.sampled_from(RemotePreference)),
        causes=frozenset(draw(st.sets(st.sampled_from(CAUSES), max_size=3))),
    )


@st.composite
def brief_records(draw: st.DrawFn, ident: int) -> BriefRecord:
    first, last = windows(draw)
    requirement = st.tuples(st.integers(1, 4), st.sampled_from([1.0, 2.0, 3.0, 0.5, 2.5]))
    return BriefRecord(
        id=ident,
        requirements=draw(st.dictionaries(st.sampled_from(SKILLS), requirement, max_size=4)),
        effort_hours=draw(st.one_of(st.sampled_from([20.0, 80.0]), st.floats(1, 300))),
        start=first,
        end=last,
        mode=draw(st.sampled_from(WorkMode)),
        city_id=draw(st.sampled_from(CITIES)),
        departement=draw(st.sampled_from(DEPARTEMENTS)),
        causes=frozenset(draw(st.sets(st.sampled_from(CAUSES), max_size=3))),
        is_open=draw(st.booleans()),
    )


@dataclasses.dataclass
class World:
    related: Related
    student_records: list[StudentRecord]
    brief_records: list[BriefRecord]
    students: StudentBlock
    briefs: BriefBlock


@st.composite
def worlds(draw: st.DrawFn) -> World:
    related = draw(relations())
    taxonomy = Taxonomy.build(
        skill_ids=SKILLS,
        cause_ids=CAUSES,
        related=[(had, covered, sim) for (had, covered), sim in related.items()],
    )
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 6))
    students = [draw(student_records(100 + i)) for i in range(n)]
    briefs = [draw(brief_records(200 + j)) for j in range(m)]
    return World(
        related,
        students,
        briefs,
        StudentBlock.from_records(taxonomy, students),
        BriefBlock.from_records(taxonomy, briefs),
    )


AGREEMENT = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- The engine computes the documented formula -----------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@AGREEMENT
@given(worlds())
def test_engine_agrees_with_the_reference(engine: str, world: World) -> None:
    with running(engine):
        scores = score_pairs(world.students, world.briefs)
    for i, student in enumerate(world.student_records):
        for j, brief in enumerate(world.brief_records):
            expected = reference_components(student, brief, world.related)
            if expected is None:
                assert np.isnan(scores[i, j])
            else:
                assert scores[i, j] == pytest.approx(sum(expected.values()), abs=1e-6)


@AGREEMENT
@given(worlds())
def test_explanations_carry_the_numbers_of_the_score(world: World) -> None:
    scores = score_pairs(world.students, world.briefs)
    for i, student in enumerate(world.student_records):
        for j, brief in enumerate(world.brief_records):
            why = explain(world.students, i, world.briefs, j)
            expected = reference_components(student, brief, world.related)
            if expected is None:
                assert why.score is None and why.excluded is not None
                continue
            assert why.excluded is None
            assert why.score == pytest.approx(sum(why.components.values()), abs=1e-12)
            assert why.score == pytest.approx(scores[i, j], abs=1e-9)
            for name, points in expected.items():
                assert why.components[name] == pytest.approx(points, abs=1e-9)
            assert why.hours_available == pytest.approx(why.hours_per_week * why.overlap_weeks)
            assert why.availability_fit == pytest.approx(
                min(1.0, why.hours_available / why.hours_needed)
            )
            missing = {m.skill_id: m.required_level for m in why.skills_missing}
            covered = {c.skill_id: c for c in why.skills_covered}
            assert set(missing) | set(covered) == set(brief.requirements)
            for skill, (required, weight) in brief.requirements.items():
                credit = skill_credit(student, skill, required, world.related)
                if credit == 0:
                    assert missing[skill] == required
                    continue
                line = covered[skill]
                assert (line.required_level, line.weight) == (required, weight)
                assert line.credit == pytest.approx(credit, abs=1e-12)
                had = skill if line.via_related_skill_id is None else line.via_related_skill_id
                assert student.skills[had] == line.student_level
                similarity = 1.0 if had == skill else world.related[(had, skill)]
                assert line.similarity == similarity
                assert line.credit == pytest.approx(
                    similarity * min(line.student_level, required) / required
                )
            assert set(why.shared_causes) == set(student.causes & brief.causes)


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=30, deadline=None)
@given(worlds())
def test_float32_batch_scores_stay_close_to_float64(engine: str, world: World) -> None:
    with running(engine):
        exact = score_pairs(world.students, world.briefs)
        fast = score_pairs(world.students, world.briefs, dtype=np.float32)
    assert np.array_equal(np.isnan(exact), np.isnan(fast))
    assert np.allclose(exact[~np.isnan(exact)], fast[~np.isnan(fast)], atol=1e-4)


# --- Worked examples --------------------------------------------------------------------

PYTHON, DJANGO, JS, POSTGRES, MYSQL, DOCKER = 1, 2, 3, 4, 5, 6
INSERTION, ENVIRONMENT = 1, 2


def _taxonomy() -> Taxonomy:
    return Taxonomy.build(
        skill_ids=[PYTHON, DJANGO, JS, POSTGRES, MYSQL, DOCKER],
        cause_ids=[INSERTION, ENVIRONMENT],
        related=[(MYSQL, POSTGRES, 0.5)],
    )


def _alice(**changes: Any) -> StudentRecord:
    record = StudentRecord(
        id=1,
        skills={PYTHON: 3, DJANGO: 2, JS: 4, DOCKER: 1},
        hours_per_week=6,
        available_from=date(2026, 10, 1),
        available_to=date(2026, 10, 1) + timedelta(weeks=8, days=-1),
        city_id=59350,
        departement="59",
        remote_preference=RemotePreference.EITHER,
        causes=frozenset({INSERTION}),
    )
    return dataclasses.replace(record, **changes)


def _brief(**changes: Any) -> BriefRecord:
    record = BriefRecord(
        id=7,
        requirements={
            PYTHON: (2, 3.0),
            DJANGO: (2, 3.0),
            JS: (3, 2.0),
            DOCKER: (1, 1.0),
            POSTGRES: (2, 2.0),
        },
        effort_hours=80,
        start=date(2026, 9, 1),
        end=date(2027, 1, 31),
        mode=WorkMode.REMOTE,
        city_id=59350,
        departement="59",
        causes=frozenset({INSERTION, ENVIRONMENT}),
    )
    return dataclasses.replace(record, **changes)


def _explain(student: StudentRecord, brief: BriefRecord) -> tuple[float, Explanation]:
    taxonomy = _taxonomy()
    students = StudentBlock.from_records(taxonomy, [student])
    briefs = BriefBlock.from_records(taxonomy, [brief])
    return float(score_pairs(students, briefs)[0, 0]), explain(students, 0, briefs, 0)


def test_the_design_example_reads_off_the_explanation() -> None:
    # Covers 4 of 5 required skills, misses PostgreSQL at intermediate level; available
    # 6 h/week × 8 weeks = 48 h for 80 h needed; remote OK; shares the cause "insertion".
    score, why = _explain(_alice(), _brief())
    assert why.excluded is None
    assert len(why.skills_covered) == 4
    assert why.skills_missing == (SkillMissing(skill_id=POSTGRES, required_level=2, weight=2.0),)
    assert (why.hours_per_week, why.overlap_days, why.overlap_weeks) == (6.0, 56, 8.0)
    assert (why.hours_available, why.hours_needed, why.availability_fit) == (48.0, 80.0, 0.6)
    assert why.location_verdict == LocationVerdict.REMOTE
    assert why.shared_causes == (INSERTION,)
    assert why.cause_fit == 0.5
    assert why.skill_fit == pytest.approx(9 / 11)
    assert why.components == pytest.approx(
        {
            "skills": WEIGHT_SKILLS * 9 / 11,
            "availability": WEIGHT_AVAILABILITY * 0.6,
            "location": WEIGHT_LOCATION,
            "causes": WEIGHT_CAUSES / 2,
        }
    )
    assert why.score == pytest.approx(score)


def test_a_related_skill_gives_partial_credit_and_is_named() -> None:
    _, why = _explain(_alice(skills={**_alice().skills, MYSQL: 3}), _brief())
    assert why.skills_missing == ()
    line = next(c for c in why.skills_covered if c.skill_id == POSTGRES)
    assert line == SkillCovered(
        skill_id=POSTGRES,
        required_level=2,
        weight=2.0,
        student_level=3,
        via_related_skill_id=MYSQL,
        similarity=0.5,
        credit=0.5,
    )


def test_a_lower_level_earns_its_share() -> None:
    _, why = _explain(_alice(skills={PYTHON: 1}), _brief(requirements={PYTHON: (4, 1.0)}))
    assert why.skills_covered[0].credit == 0.25
    assert why.skill_fit == 0.25


def test_a_brief_without_required_skills_counts_them_as_covered() -> None:
    _, why = _explain(_alice(), _brief(requirements={}))
    assert why.skill_fit == 1.0
    assert why.components["skills"] == WEIGHT_SKILLS


@pytest.mark.parametrize(
    ("mode", "preference", "city", "departement", "verdict", "fit"),
    [
        (WorkMode.REMOTE, RemotePreference.REMOTE_ONLY, None, "", LocationVerdict.REMOTE, 1.0),
        (
            WorkMode.REMOTE,
            RemotePreference.ONSITE_ONLY,
            59350,
            "59",
            LocationVerdict.REMOTE_REFUSED,
            0.0,
        ),
        (
            WorkMode.ONSITE,
            RemotePreference.REMOTE_ONLY,
            59350,
            "59",
            LocationVerdict.ONSITE_REFUSED,
            0.0,
        ),
        (WorkMode.ONSITE, RemotePreference.EITHER, 59350, "59", LocationVerdict.SAME_CITY, 1.0),
        (
            WorkMode.ONSITE,
            RemotePreference.ONSITE_ONLY,
            59000,
            "59",
            LocationVerdict.SAME_DEPARTEMENT,
            0.5,
        ),
        (WorkMode.ONSITE, RemotePreference.EITHER, 69000, "69", LocationVerdict.TOO_FAR, 0.0),
        (
            WorkMode.HYBRID,
            RemotePreference.ONSITE_ONLY,
            59350,
            "59",
            LocationVerdict.SAME_CITY,
            1.0,
        ),
        (
            WorkMode.HYBRID,
            RemotePreference.EITHER,
            59000,
            "59",
            LocationVerdict.SAME_DEPARTEMENT,
            0.75,
        ),
        (WorkMode.HYBRID, RemotePreference.EITHER, 69000, "69", LocationVerdict.HYBRID_REMOTE, 0.5),
        (
            WorkMode.HYBRID,
            RemotePreference.REMOTE_ONLY,
            59350,
            "59",
            LocationVerdict.HYBRID_REMOTE,
            0.5,
        ),
        (WorkMode.HYBRID, RemotePreference.ONSITE_ONLY, 69000, "69", LocationVerdict.TOO_FAR, 0.0),
    ],
)
def test_location_verdicts(
    mode: WorkMode,
    preference: RemotePreference,
    city: int | None,
    departement: str,
    verdict: LocationVerdict,
    fit: float,
) -> None:
    student = _alice(remote_preference=preference, city_id=city, departement=departement)
    _, why = _explain(student, _brief(mode=mode))
    assert (why.location_verdict, why.location_fit) == (verdict, fit)
    assert why.components["location"] == WEIGHT_LOCATION * fit


# --- Hard filters -----------------------------------------------------------------------


def test_a_closed_brief_is_excluded_not_scored_zero() -> None:
    score, why = _explain(_alice(), _brief(is_open=False))
    assert np.isnan(score)
    assert (why.excluded, why.score) == (Exclusion.BRIEF_CLOSED, None)


@pytest.mark.parametrize(
    ("student_from", "student_to", "overlap"),
    [
        (date(2026, 8, 1), date(2026, 8, 31), 0),  # ends the day before the brief starts
        (date(2026, 8, 1), date(2026, 9, 1), 1),  # shares the brief's first day
        (date(2027, 1, 31), date(2027, 3, 1), 1),  # starts on the brief's last day
        (date(2027, 2, 1), date(2027, 3, 1), 0),  # starts the day after it ends
    ],
)
def test_dates_must_share_at_least_one_day(
    student_from: date, student_to: date, overlap: int
) -> None:
    score, why = _explain(_alice(available_from=student_from, available_to=student_to), _brief())
    assert why.overlap_days == overlap
    if overlap:
        assert why.excluded is None and score == pytest.approx(why.score)
    else:
        assert why.excluded == Exclusion.NO_DATE_OVERLAP and np.isnan(score)


def test_zero_weekly_hours_scores_no_availability_but_is_not_excluded() -> None:
    score, why = _explain(_alice(hours_per_week=0), _brief())
    assert why.excluded is None
    assert why.components["availability"] == 0
    assert score == pytest.approx(why.score)


@pytest.mark.parametrize("engine", ENGINES)
def test_excluded_pairs_never_reach_a_top_k(engine: str) -> None:
    taxonomy = _taxonomy()
    students = StudentBlock.from_records(taxonomy, [_alice()])
    briefs = BriefBlock.from_records(
        taxonomy,
        [
            _brief(id=1, is_open=False),
            _brief(id=2, start=date(2027, 6, 1), end=date(2027, 7, 1)),
            _brief(id=3),
        ],
    )
    with running(engine):
        best = top_k_for_students(students, briefs, k=3)
        per_brief = top_k_for_briefs(students, briefs, k=2)
    assert best.indices.tolist() == [[2, -1, -1]]
    assert np.isnan(best.scores[0, 1:]).all()
    assert per_brief.indices.tolist() == [[-1, -1], [-1, -1], [0, -1]]


@pytest.mark.parametrize("engine", ENGINES)
def test_empty_blocks_and_no_open_brief(engine: str) -> None:
    taxonomy = _taxonomy()
    nobody = StudentBlock.from_records(taxonomy, [])
    closed = BriefBlock.from_records(taxonomy, [_brief(is_open=False)])
    alice = StudentBlock.from_records(taxonomy, [_alice()])
    with running(engine):
        assert score_pairs(nobody, closed).shape == (0, 1)
        per_student, per_brief = top_k(alice, closed, per_student=2, per_brief=2)
        assert per_student.indices.tolist() == [[-1, -1]]
        assert per_brief.indices.tolist() == [[-1, -1]]
        assert recommend_for_student(alice, 0, closed) == []
        nobody_top = top_k(nobody, BriefBlock.from_records(taxonomy, [_brief()]), per_brief=2)
        assert nobody_top[1].indices.tolist() == [[-1, -1]]


# --- Top-k ------------------------------------------------------------------------------


def _expected_top(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Best k per row of a dense matrix by (score desc, column asc); NaN = excluded."""
    filled = np.where(np.isnan(scores), -np.inf, scores)
    columns = np.broadcast_to(np.arange(scores.shape[1]), scores.shape)
    order = np.lexsort((columns, -filled), axis=1)[:, :k]
    best = np.take_along_axis(filled, order, axis=1)
    return np.where(best > -np.inf, order, -1), np.where(best > -np.inf, best, np.nan)


def _assert_top(found: TopK, scores: np.ndarray, k: int) -> None:
    indices, values = _expected_top(scores, k)
    width = min(k, indices.shape[1])
    assert np.array_equal(found.indices[:, :width], indices[:, :width])
    assert np.array_equal(found.scores[:, :width], values[:, :width], equal_nan=True)
    assert (found.indices[:, width:] == -1).all()


@pytest.fixture(scope="module")
def world() -> tuple[StudentBlock, BriefBlock]:
    data = synthetic(300, 90, seed=3)
    # Clones of the first students: ties that only the lower index may win.
    clones = np.r_[np.arange(300), np.arange(40)]
    students = dataclasses.replace(data.students.subset(clones), ids=np.arange(clones.size) + 1)
    return students, data.briefs


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("chunk", "tile_rows", "threads"), [(16, 8, 1), (64, 40, 2), (256, 512, 1), (7, 1000, 2)]
)
def test_top_k_equals_a_full_sort(
    world: tuple[StudentBlock, BriefBlock], engine: str, chunk: int, tile_rows: int, threads: int
) -> None:
    students, briefs = world
    with running(engine):
        dense = score_pairs(students, briefs, dtype=np.float32)
        per_student, per_brief = top_k(
            students,
            briefs,
            per_student=6,
            per_brief=9,
            chunk=chunk,
            tile_rows=tile_rows,
            threads=threads,
        )
    _assert_top(per_student, dense, 6)
    _assert_top(per_brief, dense.T, 9)


@pytest.mark.parametrize("threads", [1, 2])
def test_compiled_top_k_past_its_first_rows_and_chunks(threads: int) -> None:
    """Enough students and briefs for every stage of the compiled batch: the students likely to
    score high first, rows past the vector form, per-brief buffers merged many times."""
    data = synthetic(5_000, 400, seed=5)
    dense = score_pairs(data.students, data.briefs, dtype=np.float32)
    per_student, per_brief = top_k(
        data.students, data.briefs, per_student=20, per_brief=50, threads=threads
    )
    _assert_top(per_student, dense, 20)
    _assert_top(per_brief, dense.T, 50)


def test_the_compiled_engine_is_the_default_when_numba_imports() -> None:
    expected = "numba" if scoring.numba is not None else "numpy"
    assert expected == scoring.ENGINE


@pytest.mark.parametrize("engine", ENGINES)
def test_top_k_pads_when_fewer_items_are_eligible(
    world: tuple[StudentBlock, BriefBlock], engine: str
) -> None:
    students, briefs = world
    with running(engine):
        dense = score_pairs(students, briefs, dtype=np.float32)
        _assert_top(top_k_for_students(students, briefs, k=200, chunk=50), dense, 200)
        _assert_top(top_k_for_briefs(students, briefs, k=400, chunk=50), dense.T, 400)


@pytest.mark.parametrize("engine", ENGINES)
def test_per_brief_top_k_merges_across_student_blocks(
    world: tuple[StudentBlock, BriefBlock], engine: str
) -> None:
    students, briefs = world
    with running(engine):
        whole = top_k_for_briefs(students, briefs, k=9)
        first = top_k_for_briefs(students.subset(np.arange(150)), briefs, k=9)
        rest = top_k_for_briefs(students.subset(np.arange(150, len(students))), briefs, k=9)
    rest = TopK(np.where(rest.indices >= 0, rest.indices + 150, -1), rest.scores)
    merged = merge_top_k([rest, first], k=9)
    assert np.array_equal(merged.indices, whole.indices)
    assert np.array_equal(merged.scores, whole.scores, equal_nan=True)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("k", [10, 80])  # 80: past the compiled engine's running top-k
def test_one_student_path_returns_the_batch_row(
    world: tuple[StudentBlock, BriefBlock], engine: str, k: int
) -> None:
    students, briefs = world
    with running(engine):
        batch = top_k_for_students(students, briefs, k=k)
        for index in (0, 17, 299, 339):
            ranked = recommend_for_student(students, index, briefs, k=k)
            assert [r.brief_index for r in ranked] == [i for i in batch.indices[index] if i >= 0]
            scores = [float(s) for s in batch.scores[index][: len(ranked)]]
            assert [r.score for r in ranked] == scores
            assert [r.brief_id for r in ranked] == [int(briefs.ids[r.brief_index]) for r in ranked]


# --- Inputs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "departement", "key"),
    [
        ("59000", "59", 59),
        ("01000", "01", 1),
        ("20090", "2A", 201),
        ("20200", "2B", 202),
        ("97400", "974", 974),
        ("98000", "980", 980),
        ("75 001", "75", 75),
        ("7500", "", -1),
        ("ABCDE", "", -1),
    ],
)
def test_departement_from_postcode(postcode: str, departement: str, key: int) -> None:
    assert departement_from_postcode(postcode) == departement
    assert departement_key(departement) == key


def test_blocks_refuse_inconsistent_input() -> None:
    taxonomy = _taxonomy()
    with pytest.raises(KeyError, match="unknown skill id 99"):
        StudentBlock.from_records(taxonomy, [_alice(skills={99: 2})])
    with pytest.raises(ValueError, match="effort_hours"):
        BriefBlock.from_records(taxonomy, [_brief(effort_hours=0)])
    with pytest.raises(ValueError, match="levels 1–4"):
        BriefBlock.from_records(taxonomy, [_brief(requirements={PYTHON: (5, 1.0)})])
    with pytest.raises(ValueError, match="ends before it starts"):
        StudentBlock.from_records(
            taxonomy, [_alice(available_from=date(2026, 9, 2), available_to=date(2026, 9, 1))]
        )
    with pytest.raises(ValueError, match="one Taxonomy"):
        score_pairs(
            StudentBlock.from_records(_taxonomy(), [_alice()]),
            BriefBlock.from_records(taxonomy, [_brief()]),
        )
    with pytest.raises(ValueError, match="k must be"):
        top_k(
            StudentBlock.from_records(taxonomy, [_alice()]),
            BriefBlock.from_records(taxonomy, []),
            chunk=0,
        )
    with pytest.raises(ValueError, match="similarities"):
        Taxonomy.build(skill_ids=[1, 2], related=[(1, 2, 1.0)])


def test_relations_are_directional_unless_asked() -> None:
    one_way = Taxonomy.build(skill_ids=[1, 2], related=[(1, 2, 0.5)])
    assert one_way.related.toarray().tolist() == [[0, 0], [0.5, 0]]  # having 1 covers 2
    both = Taxonomy.build(skill_ids=[1, 2], related=[(1, 2, 0.5), (2, 1, 0.7)], symmetric=True)
    assert both.related.toarray().tolist() == [[0, 0.7], [0.7, 0]]
