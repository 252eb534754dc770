"""Recommendation scoring: how well a student fits a brief, as a 0–100 score with its reasons.

Pure functions over numpy/scipy arrays, no ORM: the same code serves a page (one student
against every published brief), the Celery batch (every student against every brief, top-k
kept in both directions) and the tests. docs/matching.md states the formula, the meaning of
every input array and the benchmark figures.

How the numbers flow:

* ``Taxonomy``, ``StudentBlock`` and ``BriefBlock`` hold plain ids and arrays.
* A brief block is compiled once (per dtype) into a sparse *brief matrix* whose rows are
  briefs and whose columns are student *features*; a chunk of students is turned into a dense
  feature block (features × students). One sparse × dense product per tile then yields, for
  every (brief, student) pair, the linear part of the score (skills + location + causes) and
  the availability before its cap; the cap and the sum are one ``minimum`` and one ``add``.
  A missed date overlap is encoded in the student's date features as a huge penalty, so an
  excluded pair simply comes out with a negative score: the hard filter costs no pass.
* The skill term is linear because the student side is a *credit table*: for every skill k
  and every level r a brief may require, the best credit the student earns on k when r is
  required — directly or through a related skill — so the "max over related skills" is taken
  once per student, never per pair.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum
from functools import cached_property
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
KeyArray = npt.NDArray[np.uint64]
Matrix = Any  # scipy.sparse.csr_array: scipy ships no type stubs

# --- The formula's constants (docs/matching.md explains each one) -----------------------------

#: Points of each component; they add up to 100.
WEIGHT_SKILLS: Final = 60.0
WEIGHT_AVAILABILITY: Final = 20.0
WEIGHT_LOCATION: Final = 10.0
WEIGHT_CAUSES: Final = 10.0
COMPONENTS: Final = ("skills", "availability", "location", "causes")

#: Skill levels, shared by students (what they have) and briefs (what they require).
LEVEL_NOTIONS: Final = 1
LEVEL_INTERMEDIATE: Final = 2
LEVEL_ADVANCED: Final = 3
LEVEL_EXPERT: Final = 4
LEVELS: Final = (LEVEL_NOTIONS, LEVEL_INTERMEDIATE, LEVEL_ADVANCED, LEVEL_EXPERT)

#: Weight of a required skill inside its brief (SkillWeight); any positive number is accepted.
SKILL_WEIGHT_NICE_TO_HAVE: Final = 1.0
SKILL_WEIGHT_IMPORTANT: Final = 2.0
SKILL_WEIGHT_ESSENTIAL: Final = 3.0

#: Location fit (0–1) of the cases that are neither a full match nor a miss.
LOCATION_SAME_DEPARTEMENT_ONSITE: Final = 0.5
LOCATION_SAME_DEPARTEMENT_HYBRID: Final = 0.75
#: A hybrid brief done from afar: the remote part works, the on-site days do not.
LOCATION_HYBRID_REMOTE: Final = 0.5

DAYS_PER_WEEK: Final = 7

# The hybrid fit is max(remote part, on-site part); the engine adds the on-site surplus to the
# remote part, which is only the same thing while every on-site value is at least the remote one.
assert min(1.0, LOCATION_SAME_DEPARTEMENT_HYBRID) >= LOCATION_HYBRID_REMOTE


class WorkMode(IntEnum):
    """Where a brief's work happens (organisations.models.WorkMode codes via from_code)."""

    REMOTE = 0
    ONSITE = 1
    HYBRID = 2

    @classmethod
    def from_code(cls, code: str) -> WorkMode:
        return cls[code.upper()]


class RemotePreference(IntEnum):
    """How a student is willing to work (students.models.RemotePreference via from_code)."""

    REMOTE_ONLY = 0
    ONSITE_ONLY = 1
    EITHER = 2

    @classmethod
    def from_code(cls, code: str) -> RemotePreference:
        return cls[code.upper()]


class LocationVerdict(StrEnum):
    """Why the location component has its value (rendered by the Django side)."""

    REMOTE = "remote"  # remote brief, the student accepts remote work: 1
    REMOTE_REFUSED = "remote_refused"  # remote brief, the student only works on site: 0
    ONSITE_REFUSED = "onsite_refused"  # on-site brief, the student only works remotely: 0
    SAME_CITY = "same_city"  # on-site or hybrid brief in the student's city: 1
    SAME_DEPARTEMENT = "same_departement"  # same département, other city: 0.5 / hybrid 0.75
    HYBRID_REMOTE = "hybrid_remote"  # hybrid brief, farther away, remote part only: 0.5
    TOO_FAR = "too_far"  # on site (or hybrid for an on-site-only student), elsewhere: 0


class Exclusion(StrEnum):
    """Hard filters: an excluded pair has no score at all, not a score of 0."""

    BRIEF_CLOSED = "brief_closed"  # not published, or its team is full
    NO_DATE_OVERLAP = "no_date_overlap"  # the availability and the brief's window share no day


# --- Départements ------------------------------------------------------------------------------


def departement_from_postcode(postcode: str) -> str:
    """Département code of a French postcode: "59000" → "59", "20090" → "2A", "97400" → "974".

    Corsica shares the "20" prefix: 200xx–201xx are Corse-du-Sud (2A), 202xx and above
    Haute-Corse (2B). Overseas postcodes (97x, 98x) keep three characters. Anything that is not
    five digits gives "" (unknown).
    """
    code = postcode.replace(" ", "").strip()
    if len(code) != 5 or not code.isdigit():
        return ""
    if code.startswith(("97", "98")):
        return code[:3]
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    return code[:2]


def departement_key(code: str) -> int:
    """Integer key of a département code, for the arrays: "59" → 59, "971" → 971, "2A" → 201,
    "2B" → 202, "" → -1 (unknown). Keys of different codes never collide."""
    code = code.strip().upper()
    if code == "2A":
        return 201
    if code == "2B":
        return 202
    if code.isdigit() and 1 <= len(code) <= 3:
        return int(code)
    if code:
        raise ValueError(f"not a département code: {code!r}")
    return -1


# --- Input containers ------------------------------------------------------------------------


def _ids(values: Iterable[int], name: str) -> IntArray:
    ids = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, np.int64)
    if ids.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    if np.unique(ids).size != ids.size:
        raise ValueError(f"{name} must be distinct")
    return ids


def _lookup(index: Mapping[int, int], ids: Iterable[int], what: str) -> IntArray:
    try:
        return np.fromiter((index[i] for i in ids), np.int64)
    except KeyError as error:
        raise KeyError(f"unknown {what} id {error.args[0]}") from None


def _csr(matrix: Any, shape: tuple[int, int], dtype: Any) -> Matrix:
    """A canonical CSR array (sorted column indices, no duplicates); None gives an empty one."""
    out = sp.csr_array(shape if matrix is None else matrix, shape=shape, dtype=dtype)
    out.sum_duplicates()  # canonical: sorted column indices, no duplicates
    return out


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """Skills and causes: the column spaces shared by students and briefs.

    skill_ids: (K,) distinct skill ids; column k of every skill matrix is skill_ids[k].
    cause_ids: (C,) distinct cause ids; column c of every cause matrix is cause_ids[c].
    related:   (K, K) sparse, related[k, j] = similarity in (0, 1) with which having skill j
               covers a requirement on skill k (a SkillRelation from j to k): a student at
               level l on j earns similarity × the credit of level l on k. Empty diagonal.
    """

    skill_ids: IntArray
    cause_ids: IntArray
    related: Matrix

    def __post_init__(self) -> None:
        k = self.skill_ids.size
        if self.related.shape != (k, k):
            raise ValueError("related must be K × K")
        data = self.related.data
        if data.size and not (np.all(data > 0) and np.all(data < 1)):
            raise ValueError("similarities must lie in (0, 1)")
        if self.related.diagonal().any():
            raise ValueError("a skill is not related to itself")

    @classmethod
    def build(
        cls,
        *,
        skill_ids: Iterable[int],
        cause_ids: Iterable[int] = (),
        related: Iterable[tuple[int, int, float]] = (),
        symmetric: bool = False,
    ) -> Taxonomy:
        """related: (from skill id, to skill id, similarity) triples, like SkillRelation rows:
        having the first skill covers the second. symmetric adds every pair the other way too;
        when a pair comes twice the higher similarity wins."""
        skills = _ids(skill_ids, "skill_ids")
        causes = _ids(cause_ids, "cause_ids")
        index = {int(s): i for i, s in enumerate(skills)}
        triples = list(related)
        had = _lookup(index, (a for a, _, _ in triples), "skill")
        covered = _lookup(index, (b for _, b, _ in triples), "skill")
        sims = np.asarray([s for _, _, s in triples], np.float64)
        if symmetric:
            had, covered, sims = np.r_[had, covered], np.r_[covered, had], np.r_[sims, sims]
        keep = had != covered
        rows, cols, sims = covered[keep], had[keep], sims[keep]
        # Keep the highest similarity of a repeated pair (sum_duplicates would add them).
        order = np.lexsort((-sims, cols, rows))
        rows, cols, sims = rows[order], cols[order], sims[order]
        first = np.ones(rows.size, np.bool_)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        k = skills.size
        matrix = _csr((sims[first], (rows[first], cols[first])), (k, k), np.float64)
        return cls(skill_ids=skills, cause_ids=causes, related=matrix)

    @property
    def n_skills(self) -> int:
        return int(self.skill_ids.size)

    @property
    def n_causes(self) -> int:
        return int(self.cause_ids.size)

    @cached_property
    def skill_index(self) -> dict[int, int]:
        return {int(s): i for i, s in enumerate(self.skill_ids)}

    @cached_property
    def cause_index(self) -> dict[int, int]:
        return {int(c): i for i, c in enumerate(self.cause_ids)}

    @cached_property
    def _related_by_source(self) -> Matrix:
        """Row j lists the skills k that having skill j counts for, with their similarity."""
        return _csr(self.related.T, self.related.shape, np.float64)


@dataclass(frozen=True)
class StudentRecord:
    """One student as plain data (what the Django side reads from a StudentProfile)."""

    id: int
    skills: Mapping[int, int]  # skill id → level 1–4
    hours_per_week: float
    available_from: date  # first available day
    available_to: date  # last available day (inclusive)
    city_id: int | None
    departement: str  # "59", "2A", "971"; "" when unknown
    remote_preference: RemotePreference
    causes: frozenset[int] = frozenset()  # cause ids the student cares about


@dataclass(frozen=True)
class BriefRecord:
    """One brief as plain data; causes are those of its organisation."""

    id: int
    requirements: Mapping[int, tuple[int, float]]  # skill id → (required level 1–4, weight)
    effort_hours: float  # the organisation's estimate of the whole work, > 0
    start: date  # first day of the brief's window
    end: date  # last day (inclusive)
    mode: WorkMode
    city_id: int | None
    departement: str
    causes: frozenset[int] = frozenset()
    is_open: bool = True  # published and not full


def _days(values: Iterable[date | int]) -> IntArray:
    return np.fromiter((v.toordinal() if isinstance(v, date) else v for v in values), np.int64)


def _check_levels(levels: Matrix, name: str) -> None:
    if levels.data.size and not np.all((levels.data >= 1) & (levels.data <= LEVEL_EXPERT)):
        raise ValueError(f"{name} must hold levels 1–4")


def _check_window(first: IntArray, last: IntArray, name: str) -> None:
    if np.any(last < first):
        raise ValueError(f"{name}: a window ends before it starts")


def _check_codes(values: IntArray, enum: type[IntEnum], name: str) -> None:
    if values.size and not np.isin(values, [e.value for e in enum]).all():
        raise ValueError(f"{name} holds an unknown code")


@dataclass(frozen=True, eq=False)
class StudentBlock:
    """N students as arrays; row i of every array is the student ids[i].

    skill_levels:      (N, K) sparse, level 1–4 of the student on skill column k (absent = 0).
    hours_per_week:    (N,) hours the student can give each week, ≥ 0.
    available_from/to: (N,) first / last available day as date.toordinal(), inclusive.
    city:              (N,) city id (national, e.g. INSEE code), -1 when unknown.
    departement:       (N,) departement_key() of the département, -1 when unknown.
    remote_preference: (N,) RemotePreference codes.
    causes:            (N, C) sparse 0/1, the causes the student cares about.
    """

    taxonomy: Taxonomy
    ids: IntArray
    skill_levels: Matrix
    hours_per_week: FloatArray
    available_from: IntArray
    available_to: IntArray
    city: IntArray
    departement: IntArray
    remote_preference: IntArray
    causes: Matrix
    _dense_causes: dict[Any, npt.NDArray[Any]] = field(default_factory=dict, init=False, repr=False)
    _credit_blocks: dict[Any, tuple[Matrix, ...]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        n = self.ids.size
        shapes: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
            "skill_levels": (self.skill_levels.shape, (n, self.taxonomy.n_skills)),
            "causes": (self.causes.shape, (n, self.taxonomy.n_causes)),
        }
        for name in (
            "hours_per_week",
            "available_from",
            "available_to",
            "city",
            "departement",
            "remote_preference",
        ):
            shapes[name] = (getattr(self, name).shape, (n,))
        for name, (actual, expected) in shapes.items():
            if actual != expected:
                raise ValueError(f"{name} has shape {actual}, expected {expected}")
        _check_levels(self.skill_levels, "skill_levels")
        _check_window(self.available_from, self.available_to, "availability")
        _check_codes(self.remote_preference, RemotePreference, "remote_preference")
        if np.any(self.hours_per_week < 0):
            raise ValueError("hours_per_week must be ≥ 0")

    def __len__(self) -> int:
        return int(self.ids.size)

    @classmethod
    def from_arrays(
        cls,
        taxonomy: Taxonomy,
        *,
        ids: Iterable[int],
        skill_levels: Any,
        hours_per_week: npt.ArrayLike,
        available_from: npt.ArrayLike,
        available_to: npt.ArrayLike,
        city: npt.ArrayLike,
        departement: npt.ArrayLike,
        remote_preference: npt.ArrayLike,
        causes: Any,
    ) -> StudentBlock:
        """Normalise dtypes and sparse formats (the bench builds blocks this way)."""
        student_ids = _ids(ids, "ids")
        n = student_ids.size
        return cls(
            taxonomy=taxonomy,
            ids=student_ids,
            skill_levels=_csr(skill_levels, (n, taxonomy.n_skills), np.int8),
            hours_per_week=np.asarray(hours_per_week, np.float64),
            available_from=np.asarray(available_from, np.int64),
            available_to=np.asarray(available_to, np.int64),
            city=np.asarray(city, np.int64),
            departement=np.asarray(departement, np.int64),
            remote_preference=np.asarray(remote_preference, np.int64),
            causes=_csr(causes, (n, taxonomy.n_causes), np.float64),
        )

    @classmethod
    def from_records(cls, taxonomy: Taxonomy, records: Sequence[StudentRecord]) -> StudentBlock:
        skill_rows = [i for i, r in enumerate(records) for _ in r.skills]
        skill_cols = _lookup(taxonomy.skill_index, (s for r in records for s in r.skills), "skill")
        levels = [lv for r in records for lv in r.skills.values()]
        cause_rows = [i for i, r in enumerate(records) for _ in r.causes]
        cause_cols = _lookup(taxonomy.cause_index, (c for r in records for c in r.causes), "cause")
        return cls.from_arrays(
            taxonomy,
            ids=[r.id for r in records],
            skill_levels=(np.asarray(levels, np.int8), (skill_rows, skill_cols)),
            hours_per_week=[r.hours_per_week for r in records],
            available_from=_days(r.available_from for r in records),
            available_to=_days(r.available_to for r in records),
            city=[-1 if r.city_id is None else r.city_id for r in records],
            departement=[departement_key(r.departement) for r in records],
            remote_preference=[int(r.remote_preference) for r in records],
            causes=(np.ones(len(cause_rows)), (cause_rows, cause_cols)),
        )

    def subset(self, rows: Sequence[int] | IntArray) -> StudentBlock:
        """The students at these rows, in this order (e.g. [i] for one student)."""
        index = np.asarray(rows, np.int64)
        return StudentBlock(
            taxonomy=self.taxonomy,
            ids=self.ids[index],
            skill_levels=self.skill_levels[index],
            hours_per_week=self.hours_per_week[index],
            available_from=self.available_from[index],
            available_to=self.available_to[index],
            city=self.city[index],
            departement=self.departement[index],
            remote_preference=self.remote_preference[index],
            causes=self.causes[index],
        )

    def cause_columns(self, dtype: npt.DTypeLike) -> npt.NDArray[Any]:
        """(C, N) dense 0/1 causes, transposed for the feature block (kept per dtype)."""
        key = np.dtype(dtype)
        if key not in self._dense_causes:
            self._dense_causes[key] = np.ascontiguousarray(self.causes.T.toarray(), dtype=key)
        return self._dense_causes[key]

    def credit_blocks(self, width: int, dtype: npt.DTypeLike) -> tuple[Matrix, ...]:
        """The credit table cut in chunks of `width` students, each transposed (4K × students):
        the skill rows of a chunk's feature block (kept per width and dtype)."""
        key = (width, np.dtype(dtype))
        if key not in self._credit_blocks:
            self._credit_blocks[key] = _credit_blocks(self, width, key[1])
        return self._credit_blocks[key]

    @cached_property
    def credit_table(self) -> Matrix:
        """(N, 4K) sparse float64: column 4k + r - 1 holds the credit the student earns on
        skill k when a brief requires level r — max of the direct credit min(level, r) / r and,
        over every related skill j, similarity(k, j) × min(level_j, r) / r. The engine reads
        the same numbers chunk by chunk, through credit_blocks."""
        return _credit_table(self)


def _expand_ranges(starts: IntArray, counts: IntArray) -> IntArray:
    """Concatenation of range(s, s + c) for every (s, c), without a Python loop."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    ends = np.cumsum(counts)
    return np.repeat(starts - ends + counts, counts) + np.arange(total)


def _level_credit(level: Any, required: Any) -> Any:
    """Credit of a level against a required level: full at or above it, pro rata below."""
    return np.minimum(level, required) / required


def _credit_entries(levels: Matrix, by_source: Matrix) -> tuple[IntArray, IntArray, FloatArray]:
    """(student row, credit column 4k + r - 1, credit) of every non-zero credit of these
    students, by row then column. by_source: Taxonomy._related_by_source."""
    n, k = levels.shape
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(levels.indptr))
    source = levels.indices.astype(np.int64)
    level = levels.data.astype(np.float64)
    n_related = np.diff(by_source.indptr)[source]
    picks = _expand_ranges(by_source.indptr[source].astype(np.int64), n_related)
    # Every (student, skill it may count for, level it brings, similarity): direct ones first.
    student = np.r_[owner, np.repeat(owner, n_related)]
    target = np.r_[source, by_source.indices[picks]]
    brought = np.r_[level, np.repeat(level, n_related)]
    similarity = np.r_[np.ones(source.size), by_source.data[picks]]
    key = student * k + target
    order = np.argsort(key)  # grouping only: equal keys end up adjacent, any order among them
    key, brought, similarity = key[order], brought[order], similarity[order]
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else key
    credits = np.empty((first.size, len(LEVELS)))
    for column, required in enumerate(LEVELS):
        credit = similarity * _level_credit(brought, float(required))
        credits[:, column] = np.maximum.reduceat(credit, first) if first.size else credit
    rows = np.repeat(key[first] // k, len(LEVELS))
    cols = ((key[first] % k)[:, None] * len(LEVELS) + np.arange(len(LEVELS))).reshape(-1)
    return rows, cols, credits.reshape(-1)


def _credit_table(students: StudentBlock) -> Matrix:
    n, k = students.skill_levels.shape
    rows, cols, credits = _credit_entries(
        students.skill_levels, students.taxonomy._related_by_source
    )
    return _csr((credits, (rows, cols)), (n, k * len(LEVELS)), np.float64)


def _credit_blocks(students: StudentBlock, width: int, dtype: np.dtype[Any]) -> tuple[Matrix, ...]:
    """Chunk by chunk, so that no N × 4K temporary is ever needed."""
    levels = students.skill_levels
    n, k = levels.shape
    n_features = k * len(LEVELS)
    by_source = students.taxonomy._related_by_source
    blocks = []
    for lo in range(0, n, width):
        hi = min(lo + width, n)
        rows, cols, credits = _credit_entries(levels[lo:hi], by_source)
        # By column, students ascending within a column (a 16-bit stable sort is a radix sort).
        order = np.argsort(cols.astype(np.uint16) if n_features <= 1 << 16 else cols, kind="stable")
        indptr = np.r_[0, np.cumsum(np.bincount(cols, minlength=n_features))]
        blocks.append(
            sp.csr_array(
                (credits[order].astype(dtype), rows[order].astype(np.int32), indptr),
                shape=(n_features, hi - lo),
            )
        )
    return tuple(blocks)


@dataclass(frozen=True, eq=False)
class BriefBlock:
    """M briefs as arrays; row j of every array is the brief ids[j].

    required_levels: (M, K) sparse, level 1–4 the brief requires on skill column k.
    skill_weights:   (M, K) sparse, same pattern, weight > 0 of each requirement
                     (SKILL_WEIGHT_NICE_TO_HAVE / _IMPORTANT / _ESSENTIAL or any positive number).
    effort_hours:    (M,) > 0, the estimated hours of work.
    start/end:       (M,) first / last day of the brief's window, date.toordinal(), inclusive.
    mode:            (M,) WorkMode codes.
    city:            (M,) city id, -1 when unknown.
    departement:     (M,) departement_key(), -1 when unknown.
    causes:          (M, C) sparse 0/1, the causes of the brief's organisation.
    open:            (M,) bool, published and not full; a closed brief is excluded.
    """

    taxonomy: Taxonomy
    ids: IntArray
    required_levels: Matrix
    skill_weights: Matrix
    effort_hours: FloatArray
    start: IntArray
    end: IntArray
    mode: IntArray
    city: IntArray
    departement: IntArray
    causes: Matrix
    open: BoolArray
    _plans: dict[Any, BriefPlan] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        m = self.ids.size
        k = self.taxonomy.n_skills
        for name, matrix, width in (
            ("required_levels", self.required_levels, k),
            ("skill_weights", self.skill_weights, k),
            ("causes", self.causes, self.taxonomy.n_causes),
        ):
            if matrix.shape != (m, width):
                raise ValueError(f"{name} has shape {matrix.shape}, expected {(m, width)}")
        for name in ("effort_hours", "start", "end", "mode", "city", "departement", "open"):
            if getattr(self, name).shape != (m,):
                raise ValueError(f"{name} must have shape {(m,)}")
        same_pattern = np.array_equal(
            self.required_levels.indptr, self.skill_weights.indptr
        ) and np.array_equal(self.required_levels.indices, self.skill_weights.indices)
        if not same_pattern:
            raise ValueError("skill_weights must have the sparsity pattern of required_levels")
        _check_levels(self.required_levels, "required_levels")
        if self.skill_weights.data.size and not np.all(self.skill_weights.data > 0):
            raise ValueError("skill_weights must be > 0")
        if not np.all(self.effort_hours > 0):
            raise ValueError("effort_hours must be > 0")
        _check_window(self.start, self.end, "brief window")
        _check_codes(self.mode, WorkMode, "mode")

    def __len__(self) -> int:
        return int(self.ids.size)

    @classmethod
    def from_arrays(
        cls,
        taxonomy: Taxonomy,
        *,
        ids: Iterable[int],
        required_levels: Any,
        skill_weights: Any,
        effort_hours: npt.ArrayLike,
        start: npt.ArrayLike,
        end: npt.ArrayLike,
        mode: npt.ArrayLike,
        city: npt.ArrayLike,
        departement: npt.ArrayLike,
        causes: Any,
        open: npt.ArrayLike,
    ) -> BriefBlock:
        brief_ids = _ids(ids, "ids")
        m = brief_ids.size
        k = taxonomy.n_skills
        return cls(
            taxonomy=taxonomy,
            ids=brief_ids,
            required_levels=_csr(required_levels, (m, k), np.int8),
            skill_weights=_csr(skill_weights, (m, k), np.float64),
            effort_hours=np.asarray(effort_hours, np.float64),
            start=np.asarray(start, np.int64),
            end=np.asarray(end, np.int64),
            mode=np.asarray(mode, np.int64),
            city=np.asarray(city, np.int64),
            departement=np.asarray(departement, np.int64),
            causes=_csr(causes, (m, taxonomy.n_causes), np.float64),
            open=np.asarray(open, np.bool_),
        )

    @classmethod
    def from_records(cls, taxonomy: Taxonomy, records: Sequence[BriefRecord]) -> BriefBlock:
        req_rows = [i for i, r in enumerate(records) for _ in r.requirements]
        req_cols = _lookup(
            taxonomy.skill_index, (s for r in records for s in r.requirements), "skill"
        )
        levels = np.asarray([lv for r in records for lv, _ in r.requirements.values()], np.int8)
        weights = np.asarray([w for r in records for _, w in r.requirements.values()], np.float64)
        cause_rows = [i for i, r in enumerate(records) for _ in r.causes]
        cause_cols = _lookup(taxonomy.cause_index, (c for r in records for c in r.causes), "cause")
        return cls.from_arrays(
            taxonomy,
            ids=[r.id for r in records],
            required_levels=(levels, (req_rows, req_cols)),
            skill_weights=(weights, (req_rows, req_cols)),
            effort_hours=np.asarray([r.effort_hours for r in records], np.float64),
            start=_days(r.start for r in records),
            end=_days(r.end for r in records),
            mode=np.asarray([int(r.mode) for r in records], np.int64),
            city=np.asarray([-1 if r.city_id is None else r.city_id for r in records], np.int64),
            departement=np.asarray([departement_key(r.departement) for r in records], np.int64),
            causes=(np.ones(len(cause_rows)), (cause_rows, cause_cols)),
            open=np.asarray([r.is_open for r in records], np.bool_),
        )

    def plan(self, dtype: npt.DTypeLike = np.float32, tile_rows: int | None = None) -> BriefPlan:
        """The block compiled for the engine (built once per dtype and tile size and kept with
        the block: a process that serves pages keeps its published BriefBlock around)."""
        key = (np.dtype(dtype), tile_rows or TILE_ROWS)
        if key not in self._plans:
            self._plans[key] = _compile(self, *key)
        return self._plans[key]


# --- Compiled brief matrix ---------------------------------------------------------------------

#: Briefs per tile and students per chunk: one tile's scores (float32) stay within a core's L2
#: cache while the passes after the product (cap, sum, top-k tests) run over them.
TILE_ROWS: Final = 512
CHUNK_STUDENTS: Final = 256
#: Penalty per day of missed overlap in the date features (see BriefPlan): any excluded pair then
#: scores below -1e8, far under every real score (≥ 0), and no float32 sum comes near overflow.
DAY_PENALTY: Final = 2.0**40


@dataclass(frozen=True, eq=False)
class BriefPlan:
    """A brief block compiled against the student feature layout.

    Feature rows (the dense student side, features × students; days are relative to day0):
      [0, 4K)           credit table (skill k, required level r) at 4k + r - 1
      const_row         1 — carries the full skill score of a brief that requires no skill
      remote_row        1 if the student accepts remote work
      loc_offset + q    location fit beyond the remote part, for location key q (département,
                        city, mode) of the on-site and hybrid briefs; non-zero only for
                        students of that département who accept on-site work
      cause_offset + s  share of the organisation cause set s that the student cares about
      start_offset + i  H(t) = hours the student offers before day t = start_days[i]; when the
                        student's last day is before t it is (t - last - 1/2) × DAY_PENALTY
      end_offset + i    H(t) for t = end_days[i] (a brief's last day + 1); when t is on or
                        before the student's first day it is (t - first - 1/2) × DAY_PENALTY

    A tile is a sparse matrix of 2t rows for t briefs: rows [0, t) give the linear part of the
    score (skills + location + causes, in points), rows [t, 2t) the availability in points
    before the cap, W_a × (H(end + 1) - H(start)) / effort: the hours the student offers in the
    brief's window against the hours needed — or, with no shared day, a hugely negative number,
    so the hard date filter costs no pass of its own (an excluded pair is a negative score).
    """

    dtype: np.dtype[Any]
    tile_rows: int
    rows: IntArray  # brief indices of the open briefs, ascending: plan position → brief
    tiles: tuple[tuple[int, int, Matrix], ...]
    n_features: int
    const_row: int
    remote_row: int
    loc_offset: int
    loc_mode: IntArray
    loc_city: IntArray
    loc_dept: IntArray  # ascending
    cause_offset: int
    cause_sets: npt.NDArray[Any]  # (S, C): 1 / |set| on the set's causes
    day0: int
    start_offset: int
    start_days: IntArray
    end_offset: int
    end_days: IntArray

    @property
    def n_rows(self) -> int:
        return int(self.rows.size)


def _compile(briefs: BriefBlock, dtype: np.dtype[Any], tile_rows: int) -> BriefPlan:
    rows = np.flatnonzero(briefs.open).astype(np.int64)
    m = rows.size
    k = briefs.taxonomy.n_skills
    n_levels = len(LEVELS)
    levels = briefs.required_levels[rows]
    weights = briefs.skill_weights[rows]
    mode = briefs.mode[rows]
    dept = briefs.departement[rows]
    city = briefs.city[rows]
    position = np.arange(m, dtype=np.int64)

    # Location keys of the on-site and hybrid briefs whose département is known.
    located = (mode != WorkMode.REMOTE) & (dept >= 0)
    key_table = np.stack([dept[located], city[located], mode[located]], axis=1)
    keys, key_of = np.unique(key_table, axis=0, return_inverse=True)
    key_of = key_of.reshape(-1)
    # Cause sets of the organisations.
    causes = briefs.causes[rows]
    has_causes = np.diff(causes.indptr) > 0
    cause_dense = causes[np.flatnonzero(has_causes)].toarray() > 0
    cause_sets, set_of = np.unique(cause_dense, axis=0, return_inverse=True)
    set_of = set_of.reshape(-1)
    day0 = int(briefs.start[rows].min()) if m else 0
    start_days, start_of = np.unique(briefs.start[rows] - day0, return_inverse=True)
    end_days, end_of = np.unique(briefs.end[rows] + 1 - day0, return_inverse=True)

    const_row = k * n_levels
    remote_row = const_row + 1
    loc_offset = remote_row + 1
    cause_offset = loc_offset + len(keys)
    start_offset = cause_offset + len(cause_sets)
    end_offset = start_offset + len(start_days)
    n_features = end_offset + len(end_days)

    # Linear part: (plan position, feature, value in points).
    req_pos = np.repeat(position, np.diff(levels.indptr))
    total = np.bincount(req_pos, weights=weights.data, minlength=m)
    skill_cols = levels.indices.astype(np.int64) * n_levels + levels.data.astype(np.int64) - 1
    skill_vals = WEIGHT_SKILLS * weights.data / total[req_pos]
    no_skill = np.flatnonzero(np.diff(levels.indptr) == 0)
    remote_part = np.where(
        mode == WorkMode.REMOTE, 1.0, np.where(mode == WorkMode.HYBRID, LOCATION_HYBRID_REMOTE, 0.0)
    )
    with_remote = np.flatnonzero(remote_part > 0)
    lin_pos = np.r_[req_pos, no_skill, with_remote, position[located], position[has_causes]]
    lin_col = np.r_[
        skill_cols,
        np.full(no_skill.size, const_row),
        np.full(with_remote.size, remote_row),
        loc_offset + key_of,
        cause_offset + set_of,
    ]
    lin_val = np.r_[
        skill_vals,
        np.full(no_skill.size, WEIGHT_SKILLS),
        WEIGHT_LOCATION * remote_part[with_remote],
        np.full(key_of.size, WEIGHT_LOCATION),
        np.full(set_of.size, WEIGHT_CAUSES),
    ]
    linear = _csr((lin_val, (lin_pos, lin_col)), (m, n_features), dtype)
    per_hour = WEIGHT_AVAILABILITY / briefs.effort_hours[rows]
    avail = _csr(
        (
            np.r_[per_hour, -per_hour],
            (np.r_[position, position], np.r_[end_offset + end_of, start_offset + start_of]),
        ),
        (m, n_features),
        dtype,
    )
    tiles = []
    for lo in range(0, m, tile_rows):
        hi = min(lo + tile_rows, m)
        stacked = _csr(sp.vstack([linear[lo:hi], avail[lo:hi]]), (2 * (hi - lo), n_features), dtype)
        tiles.append((lo, hi, stacked))
    sizes = cause_sets.sum(axis=1, keepdims=True)
    no_keys = np.zeros(0, np.int64)
    return BriefPlan(
        dtype=dtype,
        tile_rows=tile_rows,
        rows=rows,
        tiles=tuple(tiles),
        n_features=n_features,
        const_row=const_row,
        remote_row=remote_row,
        loc_offset=loc_offset,
        loc_mode=keys[:, 2].astype(np.int64) if len(keys) else no_keys,
        loc_city=keys[:, 1].astype(np.int64) if len(keys) else no_keys,
        loc_dept=keys[:, 0].astype(np.int64) if len(keys) else no_keys,
        cause_offset=cause_offset,
        cause_sets=(cause_sets / np.maximum(sizes, 1)).astype(dtype),
        day0=day0,
        start_offset=start_offset,
        start_days=start_days.astype(np.int64),
        end_offset=end_offset,
        end_days=end_days.astype(np.int64),
    )


class _Workspace:
    """The reusable buffers of one worker for chunks of `width` students.

    Only the entries written by the previous chunk's scatters are cleared, and the date rows
    are computed with whole-array operations against precomputed day grids: masked writes
    would be several times slower than the product they serve.
    """

    def __init__(self, plan: BriefPlan, width: int) -> None:
        dtype = plan.dtype
        self.plan = plan
        self.width = width
        self.features = np.zeros((plan.n_features, width), dtype)
        self.cap = np.full(
            (min(plan.tile_rows, max(plan.n_rows, 1)), width), WEIGHT_AVAILABILITY, dtype
        )
        self.zero = np.zeros((1, width), dtype)
        self.start_days = np.repeat(plan.start_days.astype(dtype)[:, None], width, axis=1)
        self.end_days = np.repeat(plan.end_days.astype(dtype)[:, None], width, axis=1)
        self.start_penalty = self.start_days * dtype.type(DAY_PENALTY)
        self.end_penalty = self.end_days * dtype.type(DAY_PENALTY)
        self.scratch = np.empty((max(plan.start_days.size, plan.end_days.size), width), dtype)
        self.written = np.zeros(0, np.int64)

    def fill(self, side: _StudentSide, lo: int) -> npt.NDArray[Any]:
        """The feature block of students lo .. lo + width."""
        plan, n, features = self.plan, self.width, self.features
        students = side.students
        dtype = plan.dtype.type
        hi = lo + n
        credit = side.credit[lo // side.width]
        skills = features[: credit.shape[0]]
        skills.fill(0)
        credit.toarray(out=skills)  # adds into its output, hence the zeros
        features[plan.const_row] = 1
        features[plan.remote_row] = students.remote_preference[lo:hi] != (
            RemotePreference.ONSITE_ONLY
        )
        flat = features.reshape(-1)
        flat[self.written] = 0
        a, b = side.loc_indptr[lo], side.loc_indptr[hi]
        self.written = side.loc_rows[a:b] * n + (side.loc_students[a:b] - lo)
        flat[self.written] = side.loc_values[a:b]

        n_sets = plan.cause_sets.shape[0]
        if n_sets:
            cares = side.causes[:, lo:hi]
            np.matmul(plan.cause_sets, cares, out=features[plan.cause_offset :][:n_sets])

        first_day = (students.available_from[lo:hi] - plan.day0).astype(dtype)[None, :]
        last_day = (students.available_to[lo:hi] - plan.day0).astype(dtype)[None, :]
        length = last_day - first_day + 1
        per_day = (students.hours_per_week[lo:hi] / DAYS_PER_WEEK).astype(dtype)[None, :]
        half = dtype(0.5)
        penalty = dtype(DAY_PENALTY)
        starts = features[plan.start_offset :][: plan.start_days.size]
        self._hours_before(self.start_days, first_day, length, per_day, starts)
        scratch = self.scratch[: plan.start_days.size]
        np.subtract(self.start_penalty, (last_day + half) * penalty, out=scratch)
        np.maximum(starts, scratch, out=starts)
        ends = features[plan.end_offset :][: plan.end_days.size]
        self._hours_before(self.end_days, first_day, length, per_day, ends)
        scratch = self.scratch[: plan.end_days.size]
        np.subtract(self.end_penalty, (first_day + half) * penalty, out=scratch)
        np.minimum(ends, scratch, out=ends)
        return features

    def _hours_before(self, days: Any, first_day: Any, length: Any, per_day: Any, out: Any) -> None:
        np.subtract(days, first_day, out=out)
        np.maximum(out, self.zero, out=out)  # array bounds: numpy's scalar path is slower
        np.minimum(out, length, out=out)
        np.multiply(out, per_day, out=out)


class _StudentSide:
    """A student block prepared once for a plan and a chunk width; every chunk reads it."""

    def __init__(self, plan: BriefPlan, students: StudentBlock, width: int) -> None:
        self.students = students
        self.width = width
        self.credit = students.credit_blocks(width, plan.dtype)
        self.causes = students.cause_columns(plan.dtype)
        self.loc_students, self.loc_rows, self.loc_values = _location_entries(plan, students)
        self.loc_indptr = np.searchsorted(self.loc_students, np.arange(len(students) + 1))


def _location_entries(plan: BriefPlan, students: StudentBlock) -> tuple[IntArray, IntArray, Any]:
    """(student, feature row, value) of every location key in a student's département, by
    student: the on-site credit beyond the remote part (see BriefPlan)."""
    preference = students.remote_preference
    accepts_remote = preference != RemotePreference.ONSITE_ONLY
    dept = students.departement
    movable = np.flatnonzero((preference != RemotePreference.REMOTE_ONLY) & (dept >= 0))
    first = np.searchsorted(plan.loc_dept, dept[movable], "left")
    count = np.searchsorted(plan.loc_dept, dept[movable], "right") - first
    key = _expand_ranges(first.astype(np.int64), count.astype(np.int64))
    who = np.repeat(movable, count)
    city = students.city[who]
    same_city = (city >= 0) & (plan.loc_city[key] == city)
    hybrid = plan.loc_mode[key] == WorkMode.HYBRID
    on_site_fit = np.where(
        same_city,
        1.0,
        np.where(hybrid, LOCATION_SAME_DEPARTEMENT_HYBRID, LOCATION_SAME_DEPARTEMENT_ONSITE),
    )
    # The remote part of a hybrid brief is already on remote_row: add only the surplus.
    surplus = on_site_fit - np.where(hybrid & accepts_remote[who], LOCATION_HYBRID_REMOTE, 0.0)
    return who, plan.loc_offset + key, surplus.astype(plan.dtype)


def _score_tile(matrix: Matrix, features: npt.NDArray[Any], cap: npt.NDArray[Any]) -> Any:
    """Scores (t × students) of one tile: linear part + min(availability, W_a); < 0 = excluded."""
    out = matrix @ features
    t = out.shape[0] // 2
    scores, availability = out[:t], out[t:]
    np.minimum(availability, cap[:t], out=availability)
    np.add(scores, availability, out=scores)
    return scores


class _Workspaces(dict[int, _Workspace]):
    def __init__(self, plan: BriefPlan) -> None:
        super().__init__()
        self.plan = plan

    def __missing__(self, width: int) -> _Workspace:
        self[width] = space = _Workspace(self.plan, width)
        return space


# --- Dense scores ------------------------------------------------------------------------------


def _same_taxonomy(students: StudentBlock, briefs: BriefBlock) -> None:
    if students.taxonomy is not briefs.taxonomy:
        raise ValueError("students and briefs must share one Taxonomy object")


def score_pairs(
    students: StudentBlock, briefs: BriefBlock, *, dtype: npt.DTypeLike = np.float64
) -> npt.NDArray[Any]:
    """Dense (N × M) scores 0–100; NaN where the pair is excluded (closed brief, no overlap).

    Meant for small blocks and tests; the batch keeps only the top-k (top_k()).
    """
    _same_taxonomy(students, briefs)
    plan = briefs.plan(dtype)
    n = len(students)
    out = np.full((n, len(briefs)), np.nan, plan.dtype)
    spaces = _Workspaces(plan)
    side = _StudentSide(plan, students, CHUNK_STUDENTS)
    for lo in range(0, n, CHUNK_STUDENTS):
        hi = min(lo + CHUNK_STUDENTS, n)
        space = spaces[hi - lo]
        features = space.fill(side, lo)
        for t_lo, t_hi, matrix in plan.tiles:
            out[lo:hi, plan.rows[t_lo:t_hi]] = _score_tile(matrix, features, space.cap).T
    out[out < 0] = np.nan
    return out


# --- Top-k -------------------------------------------------------------------------------------
#
# Candidates are kept as uint64 keys, (~score bits) << 32 | item: ascending keys are descending
# scores, ties broken by the lower item index. Candidate scores are ≥ 0, so their float32 bit
# patterns order like the scores themselves.

_PAD: Final = np.uint64(0xFFFF_FFFF_FFFF_FFFF)
_LOW: Final = np.uint64(0xFFFF_FFFF)
_SHIFT: Final = np.uint64(32)
#: A row's bound before it has k candidates: admits every eligible score (≥ 0), no excluded one.
_ADMIT_ALL: Final = -0.5


def _encode(scores: npt.NDArray[np.float32], items: IntArray) -> KeyArray:
    bits = (scores + np.float32(0)).view(np.uint32).astype(np.uint64)  # -0.0 → +0.0
    return ((_LOW - bits) << _SHIFT) | items.astype(np.uint64)


def _decode(keys: KeyArray) -> tuple[IntArray, npt.NDArray[np.float32]]:
    empty = keys == _PAD
    items = (keys & _LOW).astype(np.int64)
    scores = (_LOW - (keys >> _SHIFT)).astype(np.uint32).view(np.float32)
    items[empty] = -1
    scores[empty] = np.nan
    return items, scores


def _merge_keys(state: KeyArray, groups: IntArray, keys: KeyArray) -> None:
    """Keep in state[g] (sorted, k wide) the k smallest keys among state[g] and new keys of g."""
    if not keys.size:
        return
    k = state.shape[1]
    counts = np.bincount(groups, minlength=state.shape[0])
    touched = np.flatnonzero(counts)
    local = np.cumsum(counts > 0) - 1
    # A 16-bit stable argsort is a radix sort: linear, about 20× faster than on int64.
    small = groups.astype(np.uint16) if state.shape[0] <= 1 << 16 else groups
    order = np.argsort(small, kind="stable")
    grouped = groups[order]
    firsts = np.cumsum(counts[touched]) - counts[touched]
    slot = np.arange(grouped.size) - firsts[local[grouped]]
    block = np.full((touched.size, k + int(counts.max())), _PAD, np.uint64)
    block[:, :k] = state[touched]
    block[local[grouped], k + slot] = keys[order]
    if block.shape[1] > 2 * k:
        block = np.partition(block, k - 1, axis=1)[:, :k]
    block.sort(axis=1)
    state[touched] = block[:, :k]


class TopK(NamedTuple):
    """Best items per row, best first. indices: (rows, k) int64, -1 where a row has fewer than
    k eligible items; scores: (rows, k) float32 scores, NaN there. Ties go to the lower index."""

    indices: IntArray
    scores: npt.NDArray[np.float32]


def merge_top_k(parts: Sequence[TopK], k: int) -> TopK:
    """Merge per-brief top-k computed on separate student blocks (e.g. one Celery task per
    block). Indices must already be global (offset each block's indices by its first row)."""
    keys = np.concatenate(
        [
            np.where(p.indices >= 0, _encode(np.nan_to_num(p.scores), p.indices), _PAD)
            for p in parts
        ],
        axis=1,
    )
    keys.sort(axis=1)
    return TopK(*_decode(keys[:, :k]))


class _BriefBest:
    """Running top-k students of every plan row, fed chunk after chunk by one worker.

    A candidate must beat the row's current k-th score: within one worker chunks arrive in
    increasing student order, so a tie with the k-th would lose on the index anyway.
    Candidates wait in a buffer and are merged once they are half as many as the kept ones,
    which keeps the merging cost proportional to the candidates. While most rows of a tile
    have no k-th yet (the first chunk), a row admits only its chunk's k best scores.
    """

    def __init__(self, n_rows: int, k: int) -> None:
        self.k = k
        self.keys = np.full((n_rows, k), _PAD, np.uint64)
        self.threshold = np.full((n_rows, 1), _ADMIT_ALL, np.float32)
        self._found: list[IntArray] = []
        self._values: list[npt.NDArray[np.float32]] = []
        self._groups: list[IntArray] = []
        self._pending: list[KeyArray] = []
        self._size = 0
        self._merged = False

    def offer_tile(self, t_lo: int, scores: Any) -> None:
        """Collect a tile's candidates (positions only: encoded once per chunk by close_chunk)."""
        t, n = scores.shape
        threshold = self.threshold[t_lo : t_lo + t]
        if n > self.k and 2 * np.count_nonzero(threshold < 0) > t:
            # Ties with the chunk's k-th stay: the lower index must win them.
            kth = np.partition(scores, n - self.k, axis=1)[:, n - self.k :][:, :1]
            flat = np.flatnonzero((scores >= kth) & (scores > threshold))
        else:
            flat = np.flatnonzero(scores > threshold)
        if flat.size:
            self._found.append(flat + t_lo * n)
            self._values.append(scores.reshape(-1)[flat])

    def close_chunk(self, first_student: int, n: int) -> None:
        if self._found:
            row, col = np.divmod(np.concatenate(self._found), n)
            self._groups.append(row)
            self._pending.append(_encode(np.concatenate(self._values), first_student + col))
            self._size += row.size
            self._found, self._values = [], []
        self.settle()

    def settle(self, force: bool = False) -> None:
        if not self._size or (not force and self._merged and 2 * self._size < self.keys.size):
            return
        _merge_keys(self.keys, np.concatenate(self._groups), np.concatenate(self._pending))
        self._groups, self._pending, self._size, self._merged = [], [], 0, True
        kth = self.keys[:, -1]
        full = kth != _PAD
        self.threshold[full, 0] = _decode(kth[full])[1]


def _group_maxima(scores: Any, target: int) -> Any:
    """Maxima over disjoint groups of rows, about `target` of them: halving a tile beats
    numpy's max-reduce on these shapes. An odd row count keeps its last row as a group."""
    groups = []
    while scores.shape[0] > target:
        half = scores.shape[0] // 2
        if scores.shape[0] % 2:
            groups.append(scores[-1:])
        scores = np.maximum(scores[:half], scores[half : 2 * half])
    groups.append(scores)
    return groups[0] if len(groups) == 1 else np.concatenate(groups)


def _column_top_k(tiles: list[tuple[int, Any]], maxima: list[Any], n: int, k: int) -> KeyArray:
    """Top-k plan rows of each of the chunk's n student columns.

    The k-th largest of the maxima of disjoint row groups is a lower bound of each column's
    k-th best score (k distinct rows reach it), so only the entries at or above it are sorted.
    """
    state = np.full((n, k), _PAD, np.uint64)
    if not tiles:
        return state
    stacked = np.ascontiguousarray(np.concatenate(maxima).T)
    bound = np.zeros(n, stacked.dtype)
    if stacked.shape[1] >= k:
        stacked.partition(stacked.shape[1] - k, axis=1)
        np.maximum(stacked[:, stacked.shape[1] - k], 0, out=bound)
    found, values = [], []
    for t_lo, scores in tiles:
        flat = np.flatnonzero(scores >= bound)
        found.append(flat + t_lo * n)
        values.append(scores.reshape(-1)[flat])
    row, col = np.divmod(np.concatenate(found), n)
    _merge_keys(state, col, _encode(np.concatenate(values), row))
    return state


#: Row groups per column for the per-student bound, in multiples of k: more groups give a
#: tighter bound (fewer candidates) for a costlier partition.
_GROUPS_PER_K: Final = 4


@dataclass
class _Batch:
    plan: BriefPlan
    students: StudentBlock
    per_student: int
    per_brief: int
    chunk: int
    student_keys: KeyArray = field(init=False)
    brief_parts: list[KeyArray] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.student_keys = np.full((len(self.students), self.per_student), _PAD, np.uint64)

    def run(self, threads: int) -> None:
        # Prepared here, once, not by two workers at once.
        side = _StudentSide(self.plan, self.students, self.chunk)
        n = len(self.students)
        starts = list(range(0, n, self.chunk))[::-1]
        lock = threading.Lock()
        errors: list[BaseException] = []

        def worker() -> None:
            spaces = _Workspaces(self.plan)
            best = _BriefBest(self.plan.n_rows, self.per_brief) if self.per_brief else None
            try:
                while True:
                    with lock:
                        if not starts:
                            break
                        lo = starts.pop()
                    self._chunk(spaces[min(self.chunk, n - lo)], side, lo, best)
                if best is not None:
                    best.settle(force=True)
                    with lock:
                        self.brief_parts.append(best.keys)
            except BaseException as error:  # re-raised in the calling thread
                errors.append(error)

        pool = [threading.Thread(target=worker) for _ in range(max(1, threads) - 1)]
        for thread in pool:
            thread.start()
        worker()
        for thread in pool:
            thread.join()
        if errors:
            raise errors[0]

    def _chunk(
        self, space: _Workspace, side: _StudentSide, lo: int, best: _BriefBest | None
    ) -> None:
        plan, n = self.plan, space.width
        features = space.fill(side, lo)
        k = self.per_student
        target = max(1, -(-_GROUPS_PER_K * k * plan.tile_rows // max(plan.n_rows, 1)))
        kept: list[tuple[int, Any]] = []
        maxima: list[Any] = []
        for t_lo, _, matrix in plan.tiles:
            scores = _score_tile(matrix, features, space.cap)
            if best is not None:
                best.offer_tile(t_lo, scores)
            if k:
                kept.append((t_lo, scores))
                maxima.append(_group_maxima(scores, target))
        if best is not None:
            best.close_chunk(lo, n)
        if k:
            self.student_keys[lo : lo + n] = _column_top_k(kept, maxima, n, k)


def top_k(
    students: StudentBlock,
    briefs: BriefBlock,
    *,
    per_student: int = 20,
    per_brief: int = 50,
    chunk: int = CHUNK_STUDENTS,
    tile_rows: int | None = None,
    threads: int = 1,
) -> tuple[TopK, TopK]:
    """Best briefs of every student (N × per_student, brief indices) and best students of every
    brief (M × per_brief, student indices), in one pass over student chunks; scores in float32.

    Memory stays at a few chunks of scores: the N × M matrix never exists. Pass 0 for a side
    you do not need. threads > 1 scores chunks in parallel (numpy and scipy release the GIL).
    """
    _same_taxonomy(students, briefs)
    if min(per_student, per_brief) < 0 or chunk < 1 or threads < 1 or (tile_rows or 1) < 1:
        raise ValueError("k must be ≥ 0, chunk, tile_rows and threads ≥ 1")
    plan = briefs.plan(np.float32, tile_rows)
    batch = _Batch(plan, students, per_student, per_brief, chunk)
    batch.run(threads)
    s_items, s_scores = _decode(batch.student_keys)
    s_items = np.append(plan.rows, -1)[s_items]  # plan position → brief index; -1 stays
    b_keys = np.full((len(briefs), per_brief), _PAD, np.uint64)
    if batch.brief_parts and per_brief:
        merged = np.concatenate(batch.brief_parts, axis=1)
        merged.sort(axis=1)
        b_keys[plan.rows] = merged[:, :per_brief]
    return TopK(s_items, s_scores), TopK(*_decode(b_keys))


def top_k_for_students(
    students: StudentBlock, briefs: BriefBlock, k: int = 20, **options: Any
) -> TopK:
    """Best k briefs of every student: indices (N × k) into briefs, scores (N × k)."""
    return top_k(students, briefs, per_student=k, per_brief=0, **options)[0]


def top_k_for_briefs(
    students: StudentBlock, briefs: BriefBlock, k: int = 50, **options: Any
) -> TopK:
    """Best k students of every brief: indices (M × k) into students, scores (M × k)."""
    return top_k(students, briefs, per_student=0, per_brief=k, **options)[1]


@dataclass(frozen=True)
class Recommendation:
    brief_index: int
    brief_id: int
    score: float


def recommend_for_student(
    students: StudentBlock, index: int, briefs: BriefBlock, k: int = 20
) -> list[Recommendation]:
    """The k best open briefs for the student at row `index`, best first (the page path).

    Runs the batch's own code on a one-student chunk, so it returns exactly the batch's row.
    """
    one = top_k(students.subset([index]), briefs, per_student=k, per_brief=0)[0]
    return [
        Recommendation(int(i), int(briefs.ids[i]), float(s))
        for i, s in zip(one.indices[0], one.scores[0], strict=True)
        if i >= 0
    ]


# --- Explanation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillCovered:
    """A required skill for which the student earns credit (full or partial)."""

    skill_id: int
    required_level: int
    weight: float
    student_level: int  # the student's level on the skill that earned the credit
    via_related_skill_id: int | None  # None when the student has the skill itself
    similarity: float  # 1.0 when direct
    credit: float  # 0 < credit ≤ 1


@dataclass(frozen=True)
class SkillMissing:
    skill_id: int
    required_level: int
    weight: float


@dataclass(frozen=True)
class Explanation:
    """Every number behind one score, as data: the Django side words it (gettext).

    score == sum(components.values()) when not excluded; components are points (skills out of
    WEIGHT_SKILLS, etc.). Fits are 0–1 before weighting.
    """

    student_id: int
    brief_id: int
    excluded: Exclusion | None
    score: float | None
    components: Mapping[str, float]
    skill_fit: float
    skills_covered: tuple[SkillCovered, ...]
    skills_missing: tuple[SkillMissing, ...]
    hours_per_week: float
    overlap_days: int
    overlap_weeks: float  # overlap_days / 7
    hours_available: float  # hours_per_week × overlap_weeks
    hours_needed: float  # the brief's effort estimate
    availability_fit: float  # min(1, hours_available / hours_needed)
    location_verdict: LocationVerdict
    location_fit: float
    shared_causes: tuple[int, ...]  # cause ids
    brief_causes: int  # number of the organisation's causes
    cause_fit: float  # shared / the organisation's causes (0 when it has none)


def _best_credit(
    levels: Mapping[int, int], related: Mapping[int, float], skill: int, required: int
) -> tuple[float, int | None, int, float]:
    """(credit, via related skill column or None, level used, similarity) for one requirement."""
    best: tuple[float, int | None, int, float] = (0.0, None, 0, 0.0)
    if skill in levels:
        best = (
            float(_level_credit(float(levels[skill]), float(required))),
            None,
            levels[skill],
            1.0,
        )
    for other, similarity in sorted(related.items()):
        if other in levels:
            credit = similarity * float(_level_credit(float(levels[other]), float(required)))
            if credit > best[0]:
                best = (credit, other, levels[other], similarity)
    return best


def _location(
    mode: int, preference: int, same_departement: bool, same_city: bool
) -> tuple[LocationVerdict, float]:
    accepts_remote = preference != RemotePreference.ONSITE_ONLY
    on_site_ok = preference != RemotePreference.REMOTE_ONLY
    if mode == WorkMode.REMOTE:
        return (
            (LocationVerdict.REMOTE, 1.0)
            if accepts_remote
            else (LocationVerdict.REMOTE_REFUSED, 0.0)
        )
    if mode == WorkMode.ONSITE and not on_site_ok:
        return LocationVerdict.ONSITE_REFUSED, 0.0
    if on_site_ok and same_city:
        return LocationVerdict.SAME_CITY, 1.0
    if on_site_ok and same_departement:
        value = (
            LOCATION_SAME_DEPARTEMENT_HYBRID
            if mode == WorkMode.HYBRID
            else LOCATION_SAME_DEPARTEMENT_ONSITE
        )
        return LocationVerdict.SAME_DEPARTEMENT, value
    if mode == WorkMode.HYBRID and accepts_remote:
        return LocationVerdict.HYBRID_REMOTE, LOCATION_HYBRID_REMOTE
    return LocationVerdict.TOO_FAR, 0.0


def explain(
    students: StudentBlock, student_index: int, briefs: BriefBlock, brief_index: int
) -> Explanation:
    """The reasons behind score_pairs(...)[student_index, brief_index], in float64."""
    _same_taxonomy(students, briefs)
    taxonomy = students.taxonomy
    i, j = student_index, brief_index
    row = students.skill_levels[[i]]
    levels = {int(c): int(v) for c, v in zip(row.indices, row.data, strict=True)}
    requirement = briefs.required_levels[[j]]
    weights = briefs.skill_weights[[j]].data.astype(np.float64)
    covered: list[SkillCovered] = []
    missing: list[SkillMissing] = []
    weighted = 0.0
    for skill, required, weight in zip(requirement.indices, requirement.data, weights, strict=True):
        rel = taxonomy.related[[int(skill)]]
        related = {int(c): float(s) for c, s in zip(rel.indices, rel.data, strict=True)}
        credit, via, level, similarity = _best_credit(levels, related, int(skill), int(required))
        skill_id = int(taxonomy.skill_ids[skill])
        if credit > 0:
            covered.append(
                SkillCovered(
                    skill_id,
                    int(required),
                    float(weight),
                    level,
                    None if via is None else int(taxonomy.skill_ids[via]),
                    similarity,
                    credit,
                )
            )
        else:
            missing.append(SkillMissing(skill_id, int(required), float(weight)))
        weighted += weight * credit
    skill_fit = weighted / weights.sum() if weights.size else 1.0

    first = max(int(students.available_from[i]), int(briefs.start[j]))
    last = min(int(students.available_to[i]), int(briefs.end[j]))
    overlap_days = max(0, last - first + 1)
    hours_per_week = float(students.hours_per_week[i])
    hours_available = hours_per_week * overlap_days / DAYS_PER_WEEK
    hours_needed = float(briefs.effort_hours[j])
    availability_fit = min(1.0, hours_available / hours_needed)

    dept = int(students.departement[i])
    same_departement = dept >= 0 and dept == int(briefs.departement[j])
    city = int(students.city[i])
    same_city = same_departement and city >= 0 and city == int(briefs.city[j])
    verdict, location_fit = _location(
        int(briefs.mode[j]), int(students.remote_preference[i]), same_departement, same_city
    )

    student_causes = set(students.causes[[i]].indices.tolist())
    brief_causes = set(briefs.causes[[j]].indices.tolist())
    shared = sorted(student_causes & brief_causes)
    cause_fit = len(shared) / len(brief_causes) if brief_causes else 0.0

    components = {
        "skills": WEIGHT_SKILLS * skill_fit,
        "availability": WEIGHT_AVAILABILITY * availability_fit,
        "location": WEIGHT_LOCATION * location_fit,
        "causes": WEIGHT_CAUSES * cause_fit,
    }
    excluded = (
        Exclusion.BRIEF_CLOSED
        if not briefs.open[j]
        else Exclusion.NO_DATE_OVERLAP
        if overlap_days == 0
        else None
    )
    return Explanation(
        student_id=int(students.ids[i]),
        brief_id=int(briefs.ids[j]),
        excluded=excluded,
        score=None if excluded else sum(components.values()),
        components=components,
        skill_fit=skill_fit,
        skills_covered=tuple(covered),
        skills_missing=tuple(missing),
        hours_per_week=hours_per_week,
        overlap_days=overlap_days,
        overlap_weeks=overlap_days / DAYS_PER_WEEK,
        hours_available=hours_available,
        hours_needed=hours_needed,
        availability_fit=availability_fit,
        location_verdict=verdict,
        location_fit=location_fit,
        shared_causes=tuple(int(taxonomy.cause_ids[c]) for c in shared),
        brief_causes=len(brief_causes),
        cause_fit=cause_fit,
    )


__all__ = [
    "COMPONENTS",
    "WEIGHT_AVAILABILITY",
    "WEIGHT_CAUSES",
    "WEIGHT_LOCATION",
    "WEIGHT_SKILLS",
    "BriefBlock",
    "BriefRecord",
    "Exclusion",
    "Explanation",
    "LocationVerdict",
    "Recommendation",
    "RemotePreference",
    "SkillCovered",
    "SkillMissing",
    "StudentBlock",
    "StudentRecord",
    "Taxonomy",
    "TopK",
    "WorkMode",
    "departement_from_postcode",
    "departement_key",
    "explain",
    "merge_top_k",
    "recommend_for_student",
    "score_pairs",
    "top_k",
    "top_k_for_briefs",
    "top_k_for_students",
]
