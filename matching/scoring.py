"""Recommendation scoring: how well a student fits a brief, as a 0–100 score with its reasons.

Pure functions over numpy/scipy arrays, no ORM: the same code serves a page (one student
against every published brief), the Celery batch (every student against every brief, top-k
kept in both directions) and the tests. docs/matching.md states the formula, the meaning of
every input array and the benchmark figures.

How the numbers flow:

* ``Taxonomy``, ``StudentBlock`` and ``BriefBlock`` hold plain ids and arrays.
* The skill term is linear because the student side is a *credit table*: for every skill k
  and every level r a brief may require, the best credit the student earns on k when r is
  required — directly or through a related skill — so the "max over related skills" is taken
  once per student, never per pair.
* A brief block is compiled once (per dtype) into a sparse *brief matrix* whose rows are
  briefs and whose columns are student *features* (the credit table, causes, …); a chunk of
  students is turned into a dense feature block (features × students).
* Two engines then compute the same scores. The compiled one (numba, ``ENGINE == "numba"``,
  the default when numba imports) scores a chunk one brief row at a time and feeds both
  top-k while the row is in cache (see "The compiled engine" below). The numpy one, kept for
  an environment without numba, makes one sparse × dense product per tile of briefs for the
  linear part and the availability before its cap, then one ``minimum`` and one ``add``;
  a missed date overlap is a huge penalty in the student's date features, so an excluded
  pair comes out negative and the hard filter costs no pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum
from functools import cached_property
from typing import Any, Final, Literal, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

try:
    import numba
except ImportError:  # pragma: no cover - the numpy engine then serves alone (see ENGINE)
    numba = None  # type: ignore[assignment]

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
            had, covered, sims = (
                np.r_[had, covered],
                np.r_[covered, had],
                np.r_[sims, sims],
            )
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
    _kernel_sides: dict[Any, Any] = field(default_factory=dict, init=False, repr=False)

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
    _plans: dict[Any, Any] = field(default_factory=dict, init=False, repr=False)

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
        for name in (
            "effort_hours",
            "start",
            "end",
            "mode",
            "city",
            "departement",
            "open",
        ):
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
        return self._plans[key]  # type: ignore[no-any-return]


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
        mode == WorkMode.REMOTE,
        1.0,
        np.where(mode == WorkMode.HYBRID, LOCATION_HYBRID_REMOTE, 0.0),
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
            (
                np.r_[position, position],
                np.r_[end_offset + end_of, start_offset + start_of],
            ),
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
            (min(plan.tile_rows, max(plan.n_rows, 1)), width),
            WEIGHT_AVAILABILITY,
            dtype,
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
    if ENGINE == "numba":
        return _kernel_score_pairs(students, briefs, dtype)
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


# --- The compiled engine (numba) ---------------------------------------------------------------
#
# The numpy engine above makes one pass over memory per operation: the product writes a tile's
# scores, then the cap, the sum and each top-k test read them again. The compiled engine scores
# a chunk of students (its "lanes") one brief row at a time, and the row is consumed while it
# is in the L1 cache: one vectorised loop per four terms of the product, the first of which
# also adds the location and the capped availability and applies the date filter; then one
# loop flags the lanes that reach a top-k, and only those few are handled one by one. Nothing
# of the N × M matrix is written anywhere.
#
# Work avoided rather than done faster:
# * A row whose window shares no day with any student of the chunk is skipped whole. The batch
#   orders its students by availability, so that a chunk is narrow in time: a third of the rows
#   on the benchmark's data, about all the pairs the date filter excludes.
# * A lane is looked at only when its score reaches the k-th kept one. Briefs are scanned in
#   decreasing order of a prior (the 90th percentile of their scores over a sample of the
#   students), so that per-student thresholds rise early; the first _VECTOR_ROWS rows of a
#   chunk, where most lanes still enter, update every lane's top-k at once, in vector form.
#   The batch's first chunks hold the students most likely to score high, so that per-brief
#   thresholds start high; a row with many entrants first raises its threshold by bisection.
# * A brief's entrants wait in a small buffer and are merged _PENDING at a time, sorted by a
#   branch-free network.
#
# Every path computes a pair's score with the same operations in the same order, whatever the
# chunk width or the thread: the page's single student gets exactly the batch's row.

#: The engine in use: "numba" (compiled, fused) when numba imports, else "numpy". Both compute
#: the same documented formula; the tests run both against the plain-Python reference.
ENGINE: str = "numba" if numba is not None else "numpy"

_Function = TypeVar("_Function", bound=Callable[..., Any])


def _compiled(function: _Function, *, inline: bool = False) -> _Function:
    """numba.njit with the engine's options. The machine code is cached on disk next to this
    module (compiled once per machine); without a writable place for it, at each start."""
    if numba is None:
        return function
    mode: Literal["never", "always"] = "always" if inline else "never"
    try:
        compiled = numba.njit(function, cache=True, nogil=True, boundscheck=False, inline=mode)
    except RuntimeError:  # no cache locator: read-only tree and no user cache directory
        compiled = numba.njit(function, nogil=True, boundscheck=False, inline=mode)
    return compiled  # type: ignore[return-value]


def _inlined(function: _Function) -> _Function:
    """A helper compiled into its callers (which then vectorise across it)."""
    return _compiled(function, inline=True)


#: Beyond this many per student (a page ranking deep for its filters), each student's scores
#: are sorted whole instead: a running top-k costs O(k) per entrant.
_RUNNING_K: Final = 64
#: Rows of a chunk whose per-student top-k is updated in vector form, every lane at once.
_VECTOR_ROWS: Final = 128
#: Students sampled evenly to order the brief rows (see _kernel_plan).
_PRIOR_STUDENTS: Final = 256
#: Students the batch scores first, those likely to score high (see _batch_order).
_PILOT_STUDENTS: Final = 2048
#: Width of the time buckets by which the batch orders its students, days.
_DATE_BUCKET: Final = 14
#: A row whose entrants to the per-brief top-k exceed twice k raises its limit by bisection.
_BISECTIONS: Final = 12
#: Keys a brief's top-k collects before they are merged in (a power of two, see _kernel_flush).
_PENDING: Final = 32

# Slots of the constants array: in the engine's dtype, so that no Python literal widens a sum.
_K_CAP, _K_FULL, _K_ONE, _K_ZERO, _K_EXCLUDED = range(5)
_LOW_BITS: Final = np.uint64(0x0101_0101_0101_0101)  # bit 0 of each byte
_HIGH_BITS: Final = np.uint64(0x0202_0202_0202_0202)  # bit 1 of each byte
_BYTES_TO_BITS: Final = np.uint64(0x0102_0408_1020_4080)  # × 8 bytes of 0/1: their bits on top
_DE_BRUIJN: Final = np.uint64(0x03F7_9D71_B4CB_0A89)
_DE_BRUIJN_BITS: Final = np.zeros(64, np.int64)  # lowest set bit from (bit × _DE_BRUIJN) >> 58
for _bit in range(64):
    _DE_BRUIJN_BITS[((1 << _bit) * 0x03F7_9D71_B4CB_0A89 & 0xFFFF_FFFF_FFFF_FFFF) >> 58] = _bit
_KEY_ALL: Final = np.uint64(0xFFFF_FFFF)
_KEY_SHIFT: Final = np.uint64(32)


def _sorting_network(n: int) -> list[tuple[int, int]]:
    """Batcher's odd-even merge sort: the compare-exchange pairs that sort n (a power of 2)."""

    def merge(lo: int, hi: int, r: int) -> Iterable[tuple[int, int]]:
        step = r * 2
        if step < hi - lo:
            yield from merge(lo, hi, step)
            yield from merge(lo + r, hi, step)
            yield from ((i, i + r) for i in range(lo + r, hi - r, step))
        else:
            yield (lo, lo + r)

    def sort(lo: int, hi: int) -> Iterable[tuple[int, int]]:
        if hi - lo >= 1:
            middle = lo + (hi - lo) // 2
            yield from sort(lo, middle)
            yield from sort(middle + 1, hi)
            yield from merge(lo, hi, 1)

    return list(sort(0, n - 1))


def _network_function(n: int) -> Callable[[Any], None]:
    """A function sorting keys[:n] in place through local variables, so that the compiled
    network keeps them in registers: 63 min/max pairs for 16 keys, no branch, no memory."""
    names = ", ".join(f"k{i}" for i in range(n))
    lines = ["def sort_keys(keys):", f"    {names} = " + ", ".join(f"keys[{i}]" for i in range(n))]
    lines += [f"    k{i}, k{j} = min(k{i}, k{j}), max(k{i}, k{j})" for i, j in _sorting_network(n)]
    lines += [f"    keys[{i}] = k{i}" for i in range(n)]
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)  # noqa: S102 - generated from the constant network above
    return namespace["sort_keys"]  # type: ignore[no-any-return]


# Not cached on its own (it has no source file), only ever compiled into _kernel_flush.
_kernel_sort_pending = (
    numba.njit(nogil=True, boundscheck=False, inline="always")(_network_function(_PENDING))
    if numba is not None
    else _network_function(_PENDING)
)


@_compiled
def _kernel_fill(
    features: Any,
    indptr: Any,
    rows: Any,
    values: Any,
    const_row: int,
    cause_row: int,
    cause_indptr: Any,
    cause_indices: Any,
    lo: int,
) -> None:
    """The chunk's feature block (features × lanes): its credit table (a CSR of 4K rows), the
    constant row, one row per cause (1 where the student cares about it)."""
    width = features.shape[1]
    for r in range(features.shape[0]):
        for s in range(width):
            features[r, s] = 0
    for r in range(const_row):
        for e in range(indptr[r], indptr[r + 1]):
            features[r, rows[e]] = values[e]
    for s in range(width):
        features[const_row, s] = 1
        for e in range(cause_indptr[lo + s], cause_indptr[lo + s + 1]):
            features[cause_row + cause_indices[e], s] = 1


@_inlined
def _kernel_first_sweep(
    acc: Any,
    rows: tuple[Any, Any, Any, Any],
    weights: tuple[Any, Any, Any, Any],
    brief: tuple[Any, ...],
    lanes: Any,
    consts: Any,
) -> None:
    """acc[s] = the row's first four terms + location + capped availability, or -inf when the
    student's window misses the brief's. This loop writes acc alone: with a second array
    written, the runtime checks that numba's possibly aliased arrays need would be too many
    for LLVM to vectorise it."""
    first, last, per_hour, dept, city, near, remote = brief
    s_first, s_last, s_per_day, s_dept, s_city, s_remote = lanes
    r0, r1, r2, r3 = rows
    v0, v1, v2, v3 = weights
    cap = consts[_K_CAP]
    full = consts[_K_FULL]
    one = consts[_K_ONE]
    zero = consts[_K_ZERO]
    excluded = consts[_K_EXCLUDED]
    for s in range(acc.shape[0]):
        x = (v0 * r0[s] + v1 * r1[s]) + (v2 * r2[s] + v3 * r3[s])
        same_dept = s_dept[s] == dept
        fit = near if same_dept else zero
        fit = full if same_dept & (s_city[s] == city) else fit
        overlap = min(s_last[s], last) - max(s_first[s], first) + one
        x += max(fit, remote * s_remote[s])
        x += min(s_per_day[s] * overlap * per_hour, cap)
        acc[s] = x if overlap > zero else excluded


@_inlined
def _kernel_row(p: int, acc: Any, features: Any, plan: Any, lanes: Any, consts: Any) -> None:
    """acc[s] = the score of lane s for plan row p, -inf when excluded (no shared day).

    plan holds the row-major linear part (skills, no-skill constant, causes: indptr, indices,
    data, in points; each row's terms are padded at its start to a multiple of four with zero
    weights on a zero feature row) and per row: first and last day, availability points per
    hour, the location key (département, city; -3 when none), the same-département fit in
    points and the remote part as a share of WEIGHT_LOCATION. lanes holds per student: first
    and last day, hours per day, département and city for on-site work (-2 when unknown or
    refused), the location points of a remote brief."""
    indptr, indices, data = plan[0], plan[1], plan[2]
    width = acc.shape[0]
    e = indptr[p]
    end = indptr[p + 1]
    rows = (
        features[indices[e]],
        features[indices[e + 1]],
        features[indices[e + 2]],
        features[indices[e + 3]],
    )
    weights = (data[e], data[e + 1], data[e + 2], data[e + 3])
    brief = (plan[3][p], plan[4][p], plan[5][p], plan[6][p], plan[7][p], plan[8][p], plan[9][p])
    _kernel_first_sweep(acc, rows, weights, brief, lanes, consts)
    e += 4
    while e < end:
        r0 = features[indices[e]]
        r1 = features[indices[e + 1]]
        r2 = features[indices[e + 2]]
        r3 = features[indices[e + 3]]
        v0 = data[e]
        v1 = data[e + 1]
        v2 = data[e + 2]
        v3 = data[e + 3]
        for s in range(width):
            acc[s] += (v0 * r0[s] + v1 * r1[s]) + (v2 * r2[s] + v3 * r3[s])
        e += 4


@_compiled
def _kernel_dense(features: Any, plan: Any, lanes: Any, consts: Any, out: Any) -> None:
    """out[s, p]: every score of the chunk (score_pairs)."""
    acc = np.empty(features.shape[1], features.dtype)
    for p in range(out.shape[1]):
        _kernel_row(p, acc, features, plan, lanes, consts)
        for s in range(acc.shape[0]):
            out[s, p] = acc[s]


@_compiled
def _kernel_sorted_lanes(
    features: Any, plan: Any, lanes: Any, consts: Any, items: Any, out: Any
) -> None:
    """out[s] = the best keys of lane s (ascending; _PAD when fewer), from all its scores."""
    width = features.shape[1]
    m = items.shape[0]
    scores = np.empty((width, m), np.float32)
    _kernel_dense(features, plan, lanes, consts, scores)
    bits = scores.view(np.uint32)
    found = np.empty(m, np.uint64)
    for s in range(width):
        n = 0
        for p in range(m):
            if scores[s, p] >= 0:
                found[n] = _kernel_key(bits[s, p], items[p])
                n += 1
        ranked = np.sort(found[:n])
        for i in range(min(n, out.shape[1])):
            out[s, i] = ranked[i]


@_inlined
def _kernel_key(bits: Any, item: Any) -> Any:
    """The numpy engine's key (see _encode) from a score's float32 bits and an item."""
    return ((_KEY_ALL - np.uint64(bits)) << _KEY_SHIFT) | np.uint64(item)


@_inlined
def _kernel_threshold(key: Any) -> Any:
    """The float32 bits of a key's score; _PAD gives 0.0, which admits every eligible score
    (≥ 0) and no excluded one (-inf)."""
    return np.uint32(_KEY_ALL - (key >> _KEY_SHIFT))


@_inlined
def _kernel_lanes_set(words: Any, first_word: int, bit: int) -> Any:
    """Bit `bit` of the flag bytes of 64 lanes (8 words) as one 64-bit mask."""
    mask = np.uint64(0)
    for j in range(8):
        lanes = (words[first_word + j] >> np.uint64(bit)) & _LOW_BITS
        mask |= ((lanes * _BYTES_TO_BITS) >> np.uint64(56)) << np.uint64(8 * j)
    return mask


@_inlined
def _kernel_lowest(mask: Any) -> int:
    """Index of the lowest set bit of a non-zero mask."""
    return int(_DE_BRUIJN_BITS[((mask & (~mask + np.uint64(1))) * _DE_BRUIJN) >> np.uint64(58)])


@_compiled
def _kernel_flush(state: Any, count: Any, threshold: Any, p: int, k: int, merged: Any) -> None:
    """Merge row p's pending keys (count[p] of them, state[p, k:]) into its top k (state[p,
    :k], ascending) and update its threshold. The pending keys are sorted by a network; the
    kept keys below the smallest of them stay where they are (a branch-free binary search
    finds them: late entrants tend to land near the end), the rest is merged without a branch
    (merged: room for k keys)."""
    row = state[p]
    pending = row[k:]
    for slot in range(count[p], _PENDING):
        pending[slot] = _PAD
    _kernel_sort_pending(pending)
    smallest = pending[0]
    one = np.uint64(1)
    start = np.uint64(0)
    n = np.uint64(k)
    while n > one:
        half = n >> one
        start += half * np.uint64(row[start + half - one] < smallest)
        n -= half
    start += np.uint64(row[start] < smallest)
    i = start
    j = np.uint64(0)
    end = np.uint64(k)
    out = start
    size = np.uint64(_PENDING)
    while out < end:
        a = row[i]
        b = pending[j] if j < size else _PAD
        take = np.uint64(b < a)
        merged[out] = min(a, b)
        j += take
        i += one - take
        out += one
    row[start:k] = merged[start:k]
    count[p] = 0
    threshold[p] = _kernel_threshold(row[k - 1])


@_compiled
def _kernel_flush_all(state: Any, count: Any, threshold: Any, k: int) -> None:
    merged = np.empty(k, np.uint64)
    for p in range(state.shape[0]):
        if count[p]:
            _kernel_flush(state, count, threshold, p, k, merged)


@_compiled
def _kernel_top_k(
    features: Any,
    plan: Any,
    lanes: Any,
    consts: Any,
    items: Any,
    student_ids: Any,
    s_keys: Any,
    b_state: Any,
    b_count: Any,
    b_threshold: Any,
    flags: Any,
    counters: Any,
) -> None:
    """Both running top-k for one chunk of students (lanes) against every plan row.

    s_keys (lanes × k+1): each lane's best keys (plan positions), ascending after a 0 sentinel.
    b_state (rows × k + _PENDING): each row's best keys (student indices), ascending, then the
    keys waiting to be merged (b_count[p] of them); b_threshold: the float32 bits of the score
    of the row's k-th merged key, a lower bound of its k-th best, all a filter needs. flags:
    one byte per lane, padded to 64 lanes. counters (diagnostics): rows skipped by the date
    filter, rows scored, keys offered to the per-student and to the per-brief top-k.
    """
    width = features.shape[1]
    ks = s_keys.shape[1] - 1
    kb = b_state.shape[1] - _PENDING
    b_first = plan[3]
    b_last = plan[4]
    chunk_first = lanes[0].min()
    chunk_last = lanes[1].max()
    zero = consts[_K_ZERO]
    acc = np.empty(width, np.float32)
    bits = acc.view(np.uint32)
    words = flags.view(np.uint64)
    n_words = words.shape[0]
    b_limits = b_threshold.view(np.float32)
    never = np.float32(np.inf)
    s_bits = np.zeros(width, np.uint32)
    # No lane is a per-student hit while the first rows go the vector way, nor ever with k = 0.
    s_limits = s_bits.view(np.float32) if ks else np.full(width, never)
    vector_limits = np.full(width, never)
    vector_keys = np.full((ks + 1, width), _PAD, np.uint64)  # lane-major: every lane at once
    vector_keys[0] = 0
    carry = np.empty(width, np.uint64)
    merged = np.empty(kb, np.uint64)
    one = np.uint64(1)
    top_byte = np.uint64(56)
    scored = 0
    for p in range(b_state.shape[0]):
        if b_first[p] > chunk_last or b_last[p] < chunk_first:
            counters[0] += 1
            continue
        vector = ks > 0 and scored < _VECTOR_ROWS
        _kernel_row(p, acc, features, plan, lanes, consts)
        scored += 1
        item = items[p]
        limit = b_limits[p] if kb else never
        limits = vector_limits if vector else s_limits
        for s in range(width):  # bit 0: enters the student's top-k, bit 1: the brief's
            score = acc[s]
            flags[s] = np.uint8(score >= limits[s]) | (np.uint8(score >= limit) << np.uint8(1))
        found = np.uint64(0)
        for j in range(n_words):
            found |= words[j]

        if vector:
            # Insert the row's key into every lane's sorted keys at once, from the best slot
            # to the worst: keys[i], carry = min(keys[i], carry), max(keys[i], carry).
            for s in range(width):
                carry[s] = _kernel_key(bits[s], item) if acc[s] >= zero else _PAD
            for i in range(1, ks + 1):
                column = vector_keys[i]
                for s in range(width):
                    kept = column[s]
                    column[s] = min(kept, carry[s])
                    carry[s] = max(kept, carry[s])
            if scored == _VECTOR_ROWS:
                for s in range(width):
                    for i in range(ks + 1):
                        s_keys[s, i] = vector_keys[i, s]
                    s_bits[s] = _kernel_threshold(s_keys[s, ks])
        elif found & _LOW_BITS:
            for g in range(0, n_words, 8):
                mask = _kernel_lanes_set(words, g, 0)
                while mask:
                    s = 8 * g + _kernel_lowest(mask)
                    mask &= mask - np.uint64(1)
                    key = _kernel_key(bits[s], item)
                    lane_keys = s_keys[s]
                    for i in range(ks, 0, -1):  # the same insertion, one lane, no branch
                        lane_keys[i] = min(lane_keys[i], max(lane_keys[i - 1], key))
                    s_bits[s] = _kernel_threshold(lane_keys[ks])
                    counters[2] += 1

        if found & _HIGH_BITS:
            count = 0
            for j in range(n_words):  # × 0x0101…: the sum of 8 bytes of 0/1 in the top byte
                count += int((((words[j] >> one) & _LOW_BITS) * _LOW_BITS) >> top_byte)
            if count > 2 * kb:
                # Only the row's kb best lanes can enter: raise the limit by bisection to a
                # score that kb lanes reach (a lane under it has kb lanes above it).
                high = acc.max()
                for _ in range(_BISECTIONS):
                    middle = limit + (high - limit) * np.float32(0.5)
                    above = 0
                    for s in range(width):
                        above += acc[s] >= middle
                    if above >= kb:
                        limit = middle
                        count = above
                    else:
                        high = middle
                    if count <= 2 * kb:
                        break
                for s in range(width):
                    flags[s] = np.uint8(acc[s] >= limit) << np.uint8(1)
            row = b_state[p]
            n = b_count[p]
            for g in range(0, n_words, 8):
                mask = _kernel_lanes_set(words, g, 1)
                while mask:
                    s = 8 * g + _kernel_lowest(mask)
                    mask &= mask - np.uint64(1)
                    row[kb + n] = _kernel_key(bits[s], student_ids[s])
                    n += 1
                    if n == _PENDING:
                        b_count[p] = n
                        _kernel_flush(b_state, b_count, b_threshold, p, kb, merged)
                        n = 0
            b_count[p] = n
            counters[3] += count
    counters[1] += scored
    if ks and scored < _VECTOR_ROWS:
        for s in range(width):
            for i in range(ks + 1):
                s_keys[s, i] = vector_keys[i, s]


@dataclass(frozen=True, eq=False)
class _KernelPlan:
    """A brief block compiled for the compiled engine (BriefPlan is the numpy engine's).

    Plan rows are the open briefs in scan order; items[p] is the rank of row p among the open
    briefs, which breaks ties as the brief index does. The feature rows of a chunk: [0, 4K)
    its credit table, const_row (1), a zero row (pads the rows' terms to whole sweeps), then
    one per cause (1 where the student cares about it).
    """

    dtype: np.dtype[Any]
    open_rows: IntArray  # brief indices of the open briefs, ascending
    rows: IntArray  # brief index of each plan row
    items: IntArray
    arrays: tuple[Any, ...]  # what _kernel_row reads
    consts: npt.NDArray[Any]
    n_features: int
    const_row: int
    cause_row: int
    day0: int
    skills: Matrix  # rows × 4K: the skill terms alone, what the benchmark's floor multiplies


def _compile_kernel_plan(briefs: BriefBlock, dtype: np.dtype[Any], scan: IntArray) -> _KernelPlan:
    taxonomy = briefs.taxonomy
    open_rows = np.flatnonzero(briefs.open).astype(np.int64)
    rows = open_rows[scan]
    m = rows.size
    n_levels = len(LEVELS)
    const_row = taxonomy.n_skills * n_levels
    zero_row = const_row + 1
    cause_row = zero_row + 1
    n_features = cause_row + taxonomy.n_causes
    levels = briefs.required_levels[rows]
    weights = briefs.skill_weights[rows]
    position = np.arange(m, dtype=np.int64)
    req_pos = np.repeat(position, np.diff(levels.indptr))
    total = np.bincount(req_pos, weights=weights.data, minlength=m)
    skill_cols = levels.indices.astype(np.int64) * n_levels + levels.data.astype(np.int64) - 1
    skill_vals = WEIGHT_SKILLS * weights.data / total[req_pos]
    no_skill = np.flatnonzero(np.diff(levels.indptr) == 0)
    causes = briefs.causes[rows]
    n_causes = np.diff(causes.indptr)
    cause_pos = np.repeat(position, n_causes)
    cause_vals = WEIGHT_CAUSES / n_causes[cause_pos]
    linear = _csr(
        (
            np.r_[skill_vals, np.full(no_skill.size, WEIGHT_SKILLS), cause_vals],
            (
                np.r_[req_pos, no_skill, cause_pos],
                np.r_[skill_cols, np.full(no_skill.size, const_row), cause_row + causes.indices],
            ),
        ),
        (m, n_features),
        dtype,
    )
    # Whole sweeps of four terms: each row starts with (-terms mod 4) zero terms. Adding +0.0
    # changes no sum, so the scores are those of the terms alone.
    pad = -np.diff(linear.indptr) % 4
    size = np.diff(linear.indptr) + pad
    indptr = np.r_[0, np.cumsum(size)].astype(np.int64)
    indices = np.full(indptr[-1], zero_row, np.int64)
    data = np.zeros(indptr[-1], dtype)
    kept = _expand_ranges(indptr[:-1] + pad, np.diff(linear.indptr))
    indices[kept] = linear.indices
    data[kept] = linear.data
    mode = briefs.mode[rows]
    dept = briefs.departement[rows]
    city = briefs.city[rows]
    located = (mode != WorkMode.REMOTE) & (dept >= 0)
    day0 = int(briefs.start[rows].min()) if m else 0
    near = np.where(
        mode == WorkMode.HYBRID, LOCATION_SAME_DEPARTEMENT_HYBRID, LOCATION_SAME_DEPARTEMENT_ONSITE
    )
    remote = np.where(
        mode == WorkMode.REMOTE, 1.0, np.where(mode == WorkMode.HYBRID, LOCATION_HYBRID_REMOTE, 0.0)
    )
    arrays = (
        indptr,
        indices,
        data,
        (briefs.start[rows] - day0).astype(dtype),
        (briefs.end[rows] - day0).astype(dtype),
        (WEIGHT_AVAILABILITY / briefs.effort_hours[rows]).astype(dtype),
        np.where(located, dept, -3).astype(np.int32),
        np.where(located & (city >= 0), city, -3).astype(np.int32),
        (WEIGHT_LOCATION * near).astype(dtype),
        remote.astype(dtype),
    )
    consts = np.zeros(5, dtype)
    consts[[_K_CAP, _K_FULL, _K_ONE, _K_ZERO, _K_EXCLUDED]] = [
        WEIGHT_AVAILABILITY,
        WEIGHT_LOCATION,
        1.0,
        0.0,
        -np.inf,
    ]
    return _KernelPlan(
        dtype=dtype,
        open_rows=open_rows,
        rows=rows,
        items=scan.astype(np.int64),
        arrays=arrays,
        consts=consts,
        n_features=n_features,
        const_row=const_row,
        cause_row=cause_row,
        day0=day0,
        skills=_csr((skill_vals, (req_pos, skill_cols)), (m, const_row), dtype),
    )


def _kernel_plan(
    briefs: BriefBlock, dtype: npt.DTypeLike, sample: StudentBlock | None = None
) -> _KernelPlan:
    """The block's compiled plan, kept with it (as BriefBlock.plan). Rows are scanned by
    decreasing 90th percentile of their scores over an even sample of the first caller's
    students (a page's single student gives none: index order); the order changes the speed,
    never a result."""
    key = ("kernel", np.dtype(dtype))
    plan = briefs._plans.get(key)
    if plan is None:
        m = int(np.count_nonzero(briefs.open))
        scan = np.arange(m, dtype=np.int64)
        if sample is not None and len(sample) >= _PRIOR_STUDENTS and m:
            unordered = _compile_kernel_plan(briefs, np.dtype(dtype), scan)
            rows = np.linspace(0, len(sample) - 1, _PRIOR_STUDENTS).astype(np.int64)
            scores = _kernel_scores(unordered, sample.subset(rows))
            q90 = int(0.9 * (rows.size - 1))
            scan = np.argsort(-np.partition(scores, q90, axis=0)[q90], kind="stable")
        plan = briefs._plans[key] = _compile_kernel_plan(briefs, np.dtype(dtype), scan)
    return plan  # type: ignore[no-any-return]


@dataclass(frozen=True, eq=False)
class _KernelStudents:
    """A student block in the compiled engine's chunk order, prepared once per chunk width."""

    order: IntArray  # block row of each lane, chunk after chunk
    credit: tuple[tuple[IntArray, npt.NDArray[np.int32], npt.NDArray[Any]], ...]  # 4K × lanes
    cause_indptr: IntArray
    cause_indices: IntArray


def _kernel_students(
    students: StudentBlock, width: int, plan: _KernelPlan, batch: bool
) -> _KernelStudents:
    """The credit blocks of the chunks, in the batch's order (see _batch_order) or the block's."""
    key = ("kernel", width, plan.dtype, plan if batch else None)
    side: _KernelStudents | None = students._kernel_sides.get(key)
    if side is None:
        order = _batch_order(students, plan) if batch else np.arange(len(students), dtype=np.int64)
        levels = students.skill_levels[order]
        by_source = students.taxonomy._related_by_source
        n_features = students.taxonomy.n_skills * len(LEVELS)
        blocks = []
        for lo in range(0, len(students), width):
            rows, cols, credits = _credit_entries(levels[lo : lo + width], by_source)
            by_col = np.argsort(
                cols.astype(np.uint16) if n_features <= 1 << 16 else cols, kind="stable"
            )
            indptr = np.r_[0, np.cumsum(np.bincount(cols, minlength=n_features))]
            blocks.append(
                (
                    indptr.astype(np.int64),
                    rows[by_col].astype(np.int32),
                    credits[by_col].astype(plan.dtype),
                )
            )
        causes = students.causes[order]
        side = students._kernel_sides[key] = _KernelStudents(
            order=order,
            credit=tuple(blocks),
            cause_indptr=causes.indptr.astype(np.int64),
            cause_indices=causes.indices.astype(np.int64),
        )
    return side


def _batch_order(students: StudentBlock, plan: _KernelPlan) -> IntArray:
    """The batch's order of the students: first the _PILOT_STUDENTS likely to score high
    against most briefs (the per-brief top-k then start from high thresholds), then the others
    by availability — two-week buckets of their first day, then their last day — so that a
    chunk is narrow in time and the briefs whose window it misses are skipped whole.

    "Likely to score high": the skill and cause points a student would earn against the
    average open brief, counting direct skills only. A cheap guess: it only orders the work."""
    n = len(students)
    pilot = np.zeros(n, np.bool_)
    if n > 2 * _PILOT_STUDENTS:
        indptr, indices, data = plan.arrays[:3]
        demand = np.bincount(indices, weights=data, minlength=plan.n_features) / max(
            indptr.size - 1, 1
        )
        levels = students.skill_levels
        owner = np.repeat(np.arange(n), np.diff(levels.indptr))
        level = levels.data.astype(np.float64)
        guess = students.causes @ demand[plan.cause_row :]
        for column, required in enumerate(LEVELS):
            earned = demand[levels.indices.astype(np.int64) * len(LEVELS) + column]
            earned *= _level_credit(level, float(required))
            guess += np.bincount(owner, weights=earned, minlength=n)
        pilot[np.argsort(-guess, kind="stable")[:_PILOT_STUDENTS]] = True
    by_date = np.lexsort((students.available_to, students.available_from // _DATE_BUCKET, ~pilot))
    return by_date.astype(np.int64)


def _kernel_lanes(plan: _KernelPlan, students: StudentBlock, order: IntArray) -> tuple[Any, ...]:
    """The per-student arrays of _kernel_row, in chunk order."""
    dtype = plan.dtype
    preference = students.remote_preference[order]
    dept = students.departement[order]
    city = students.city[order]
    on_site = (preference != RemotePreference.REMOTE_ONLY) & (dept >= 0)
    return (
        (students.available_from[order] - plan.day0).astype(dtype),
        (students.available_to[order] - plan.day0).astype(dtype),
        (students.hours_per_week[order] / DAYS_PER_WEEK).astype(dtype),
        np.where(on_site, dept, -2).astype(np.int32),
        np.where(city >= 0, city, -2).astype(np.int32),
        (WEIGHT_LOCATION * (preference != RemotePreference.ONSITE_ONLY)).astype(dtype),
    )


def _kernel_scores(plan: _KernelPlan, students: StudentBlock) -> npt.NDArray[Any]:
    """Dense (students × plan rows) scores, -inf where excluded."""
    n = len(students)
    side = _kernel_students(students, CHUNK_STUDENTS, plan, batch=False)
    lanes = _kernel_lanes(plan, students, side.order)
    out = np.empty((n, plan.rows.size), plan.dtype)
    for c, lo in enumerate(range(0, n, CHUNK_STUDENTS)):
        hi = min(lo + CHUNK_STUDENTS, n)
        features = np.empty((plan.n_features, hi - lo), plan.dtype)
        indptr, rows, values = side.credit[c]
        _kernel_fill(
            features,
            indptr,
            rows,
            values,
            plan.const_row,
            plan.cause_row,
            side.cause_indptr,
            side.cause_indices,
            lo,
        )
        chunk_lanes = tuple(a[lo:hi] for a in lanes)
        _kernel_dense(features, plan.arrays, chunk_lanes, plan.consts, out[lo:hi])
    return out


def _kernel_score_pairs(
    students: StudentBlock, briefs: BriefBlock, dtype: npt.DTypeLike
) -> npt.NDArray[Any]:
    plan = _kernel_plan(briefs, dtype)
    out = np.full((len(students), len(briefs)), np.nan, plan.dtype)
    scores = _kernel_scores(plan, students)
    scores[scores < 0] = np.nan
    out[:, plan.rows] = scores
    return out


def _kernel_batch(
    students: StudentBlock,
    briefs: BriefBlock,
    per_student: int,
    per_brief: int,
    chunk: int,
    threads: int,
    counters: npt.NDArray[np.int64] | None = None,
) -> tuple[TopK, TopK]:
    """top_k with the compiled engine; counters (4) receives _kernel_top_k's diagnostics."""
    plan = _kernel_plan(briefs, np.float32, students)
    n = len(students)
    m = plan.rows.size
    deep = per_student > _RUNNING_K
    running = 0 if deep else per_student  # the kernel's per-student k
    side = _kernel_students(students, chunk, plan, batch=True)
    lanes = _kernel_lanes(plan, students, side.order)
    student_keys = np.full((n, per_student), _PAD, np.uint64)
    starts = list(range(0, n, chunk))[::-1]
    lock = threading.Lock()
    parts: list[KeyArray] = []
    errors: list[BaseException] = []
    totals = np.zeros(4, np.int64)
    # The workers' per-brief thresholds, exchanged between chunks: a student under another
    # worker's k-th score for a brief has k students above it there, and cannot enter.
    shared = np.zeros(m, np.uint32)  # score bits: for scores ≥ 0 they order like the scores

    def worker() -> None:
        try:
            b_state = np.full((m, per_brief + _PENDING), _PAD, np.uint64)
            b_count = np.zeros(m, np.int64)
            b_threshold = np.zeros(m, np.uint32)
            mine = np.zeros(4, np.int64)
            while True:
                with lock:
                    if not starts:
                        break
                    lo = starts.pop()
                    if threads > 1 and per_brief:
                        np.maximum(shared, b_threshold, out=shared)
                        b_threshold[:] = shared
                hi = min(lo + chunk, n)
                features = np.empty((plan.n_features, hi - lo), plan.dtype)
                indptr, rows, values = side.credit[lo // chunk]
                _kernel_fill(
                    features,
                    indptr,
                    rows,
                    values,
                    plan.const_row,
                    plan.cause_row,
                    side.cause_indptr,
                    side.cause_indices,
                    lo,
                )
                s_keys = np.full((hi - lo, running + 1), _PAD, np.uint64)
                s_keys[:, 0] = 0
                if deep:
                    deep_keys = np.full((hi - lo, per_student), _PAD, np.uint64)
                    _kernel_sorted_lanes(
                        features,
                        plan.arrays,
                        tuple(a[lo:hi] for a in lanes),
                        plan.consts,
                        plan.items,
                        deep_keys,
                    )
                    student_keys[side.order[lo:hi]] = deep_keys
                _kernel_top_k(
                    features,
                    plan.arrays,
                    tuple(a[lo:hi] for a in lanes),
                    plan.consts,
                    plan.items,
                    side.order[lo:hi],
                    s_keys,
                    b_state,
                    b_count,
                    b_threshold,
                    np.zeros(-(-(hi - lo) // 64) * 64, np.uint8),
                    mine,
                )
                if not deep:
                    student_keys[side.order[lo:hi]] = s_keys[:, 1:]
            _kernel_flush_all(b_state, b_count, b_threshold, per_brief)
            with lock:
                parts.append(b_state[:, :per_brief])
                totals[:] += mine
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
    if counters is not None:
        counters[:] = totals
    s_items, s_scores = _decode(student_keys)
    s_items = np.append(plan.open_rows, -1)[s_items]  # open-brief rank → brief index; -1 stays
    b_keys = np.full((len(briefs), per_brief), _PAD, np.uint64)
    if parts and per_brief:
        merged = np.concatenate(parts, axis=1)
        merged.sort(axis=1)
        b_keys[plan.rows] = merged[:, :per_brief]
    return TopK(s_items, s_scores), TopK(*_decode(b_keys))


def _floor_operands(
    students: StudentBlock, briefs: BriefBlock, chunk: int = CHUNK_STUDENTS
) -> tuple[Matrix, list[Matrix]]:
    """What the batch itself multiplies for the skill term, for the benchmark's floor: the
    briefs' skill terms (rows × 4K, scipy CSR, in the engine's row order) and the students'
    credit blocks (4K × chunk width, scipy CSR, in the engine's chunk order)."""
    k4 = briefs.taxonomy.n_skills * len(LEVELS)
    if ENGINE == "numba":
        plan = _kernel_plan(briefs, np.float32, students)
        side = _kernel_students(students, chunk, plan, batch=True)
        widths = [min(chunk, len(students) - lo) for lo in range(0, len(students), chunk)]
        blocks = [
            sp.csr_array((values, rows, indptr), shape=(k4, width))
            for (indptr, rows, values), width in zip(side.credit, widths, strict=True)
        ]
        return plan.skills, blocks
    numpy_plan = briefs.plan(np.float32)
    skills = sp.vstack([matrix[: hi - lo][:, :k4] for lo, hi, matrix in numpy_plan.tiles])
    return _csr(skills, (numpy_plan.n_rows, k4), np.float32), list(
        students.credit_blocks(chunk, np.float32)
    )


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
    you do not need. threads > 1 scores chunks in parallel (the compiled kernels, numpy and
    scipy release the GIL). tile_rows only concerns the numpy engine (see ENGINE).
    """
    _same_taxonomy(students, briefs)
    if min(per_student, per_brief) < 0 or chunk < 1 or threads < 1 or (tile_rows or 1) < 1:
        raise ValueError("k must be ≥ 0, chunk, tile_rows and threads ≥ 1")
    if ENGINE == "numba":
        return _kernel_batch(students, briefs, per_student, per_brief, chunk, threads)
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
        int(briefs.mode[j]),
        int(students.remote_preference[i]),
        same_departement,
        same_city,
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
