"""Benchmark of the scoring engine: ``python -m matching.bench`` from the project root.

For 10,000 × 2,000 and 50,000 × 10,000 synthetic (students × briefs) blocks it prints the batch
time with the top-k kept both ways (20 briefs per student, 50 students per brief), the peak
memory, the floor and the ratio; then the one-student page path over 10,000 briefs and the
plain-Python reference. The last line holds the figures as key=value pairs so runs compare.

The floor is the bare scipy product of the skill term, on the engine's own operands: for every
chunk of students, in the batch's order, the sparse matrix of the briefs' skill terms (briefs ×
4K credit columns, scoring._floor_operands) @ the chunk's dense credit block (4K × students),
the block densified outside the timer. The full N × M matrix never exists there either.

Timings are medians of --repeats runs: wall clock and, for single-threaded runs, the CPU time
of the thread (time.thread_time), since the machine is shared and other processes stretch wall
clocks more than the CPU a run uses. batch_vs_floor compares like with like: one thread each,
CPU time. With --threads workers, the batch's wall clock is compared with the floor's on as
many threads (batch_vs_floor_threads). The compiled engine's first call, which compiles or
loads its machine code, happens before any timing and is reported apart.
"""

from __future__ import annotations

import os

# One BLAS thread: the engine's BLAS calls are tiny; its own threads do the parallel work.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import resource
import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import scipy.sparse as sp

from matching import scoring

N_SKILLS = 200
SKILLS_PER_CATEGORY = 10
N_CAUSES = 20
N_CITIES = 400
N_DEPARTEMENTS = 96
ACADEMIC_YEAR = date(2026, 9, 1).toordinal()


@dataclass(frozen=True)
class Synthetic:
    taxonomy: scoring.Taxonomy
    students: scoring.StudentBlock
    briefs: scoring.BriefBlock


def _popular(
    rng: np.random.Generator, rows: int, size: int, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sparse (rows × size) pattern with counts[i] distinct columns per row, drawn by a Zipf-like
    popularity (a few skills such as SQL or JavaScript are everywhere, most are rare)."""
    weights = np.log(1.0 / np.arange(1, size + 1) ** 0.8)[rng.permutation(size)]
    picked = []
    for lo in range(0, rows, 4096):  # in blocks: the generator's memory stays small
        hi = min(lo + 4096, rows)
        # Gumbel top-k: the largest log(weight) + Gumbel noise are a weighted sample without
        # replacement.
        keys = weights + rng.gumbel(size=(hi - lo, size))
        top = np.argsort(-keys, axis=1)[:, : counts.max()]
        picked.append(top[np.arange(counts.max()) < counts[lo:hi, None]])
    return np.repeat(np.arange(rows), counts), np.concatenate(picked)


def synthetic(n_students: int, n_briefs: int, seed: int = 0) -> Synthetic:
    rng = np.random.default_rng(seed)
    skill_ids = np.arange(1, N_SKILLS + 1) * 10
    related = []
    for category in range(N_SKILLS // SKILLS_PER_CATEGORY):
        members = skill_ids[category * SKILLS_PER_CATEGORY : (category + 1) * SKILLS_PER_CATEGORY]
        for skill in members:
            for other in rng.choice(members[members != skill], 3, replace=False):
                related.append((int(skill), int(other), float(rng.choice([0.3, 0.5, 0.7]))))
    taxonomy = scoring.Taxonomy.build(
        skill_ids=skill_ids.tolist(),
        cause_ids=range(1, N_CAUSES + 1),
        related=related,
        symmetric=True,
    )
    city_weights = 1.0 / np.arange(1, N_CITIES + 1)
    city_weights /= city_weights.sum()
    city_dept = rng.integers(1, N_DEPARTEMENTS + 1, N_CITIES)

    def cities(size: int) -> tuple[np.ndarray, np.ndarray]:
        city = rng.choice(N_CITIES, size, p=city_weights)
        return city + 1000, city_dept[city]

    n = n_students
    counts = rng.integers(5, 16, n)
    rows, cols = _popular(rng, n, N_SKILLS, counts)
    levels = rng.choice([1, 2, 3, 4], rows.size, p=[0.25, 0.35, 0.28, 0.12])
    cause_counts = rng.integers(0, 5, n)
    c_rows, c_cols = _popular(rng, n, N_CAUSES, cause_counts)
    semester = rng.choice([0, 120, 150], n, p=[0.5, 0.2, 0.3])
    available_from = ACADEMIC_YEAR + semester + rng.integers(0, 30, n)
    city, dept = cities(n)
    students = scoring.StudentBlock.from_arrays(
        taxonomy,
        ids=np.arange(n) + 1,
        skill_levels=(levels, (rows, cols)),
        hours_per_week=rng.integers(3, 21, n).astype(np.float64),
        available_from=available_from,
        available_to=available_from + 7 * rng.integers(8, 37, n),
        city=city,
        departement=dept,
        remote_preference=rng.choice([0, 1, 2], n, p=[0.3, 0.2, 0.5]),
        causes=(np.ones(c_rows.size), (c_rows, c_cols)),
    )

    m = n_briefs
    counts = rng.integers(3, 9, m)
    rows, cols = _popular(rng, m, N_SKILLS, counts)
    levels = rng.choice([1, 2, 3, 4], rows.size, p=[0.15, 0.4, 0.3, 0.15])
    weights = rng.choice([1.0, 2.0, 3.0], rows.size, p=[0.3, 0.4, 0.3])
    cause_counts = rng.integers(1, 4, m)
    c_rows, c_cols = _popular(rng, m, N_CAUSES, cause_counts)
    start = ACADEMIC_YEAR + rng.integers(-30, 300, m)
    city, dept = cities(m)
    briefs = scoring.BriefBlock.from_arrays(
        taxonomy,
        ids=np.arange(m) + 1,
        required_levels=(levels, (rows, cols)),
        skill_weights=(weights, (rows, cols)),
        effort_hours=np.round(np.exp(rng.uniform(np.log(20), np.log(300), m))),
        start=start,
        end=start + 7 * rng.integers(4, 27, m),
        mode=rng.choice([0, 1, 2], m, p=[0.4, 0.3, 0.3]),
        city=city,
        departement=dept,
        causes=(np.ones(c_rows.size), (c_rows, c_cols)),
        open=rng.random(m) < 0.97,
    )
    return Synthetic(taxonomy, students, briefs)


# --- Measurements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Median over the repeats: wall-clock seconds, and CPU seconds of the calling thread (for
    a single-threaded run, its cost whatever else the machine runs)."""

    wall: float
    cpu: float


def _median(runs: list[Timing]) -> Timing:
    return Timing(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def _timed(repeats: int, run: Callable[[], Any]) -> Timing:
    runs = []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.thread_time()
        run()
        runs.append(Timing(time.perf_counter() - wall, time.thread_time() - cpu))
    return _median(runs)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _floor(data: Synthetic, threads: int, repeats: int) -> Timing:
    """The bare scipy skill product over the batch's chunks (see module doc)."""
    skills, blocks = scoring._floor_operands(data.students, data.briefs)
    skills = sp.csr_array(skills)

    def one_thread() -> Timing:
        wall = cpu = 0.0
        for block in blocks:
            dense = block.toarray()  # C order: 4K × the chunk's students, outside the timer
            wall_start, cpu_start = time.perf_counter(), time.thread_time()
            skills @ dense
            wall += time.perf_counter() - wall_start
            cpu += time.thread_time() - cpu_start
        return Timing(wall, cpu)

    if threads == 1:
        return _median([one_thread() for _ in range(repeats)])
    dense_blocks = [block.toarray() for block in blocks]

    def run() -> None:
        queue = list(dense_blocks)
        lock = threading.Lock()

        def worker() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    block = queue.pop()
                skills @ block

        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()

    return _timed(repeats, run)


@scoring._compiled
def _compiled_skill_product(indptr: Any, indices: Any, data: Any, dense: Any, out: Any) -> float:
    """The same skill product as _floor, compiled for this CPU like the engine (four terms a
    sweep, one brief row at a time); returns a checksum so that nothing is optimised away."""
    checksum = 0.0
    width = dense.shape[1]
    for p in range(indptr.size - 1):
        for s in range(width):
            out[s] = 0
        e = indptr[p]
        while e < indptr[p + 1]:
            r0 = dense[indices[e]]
            v0 = data[e]
            if e + 4 <= indptr[p + 1]:
                r1, r2, r3 = dense[indices[e + 1]], dense[indices[e + 2]], dense[indices[e + 3]]
                v1, v2, v3 = data[e + 1], data[e + 2], data[e + 3]
                for s in range(width):
                    out[s] += (v0 * r0[s] + v1 * r1[s]) + (v2 * r2[s] + v3 * r3[s])
                e += 4
            else:
                for s in range(width):
                    out[s] += v0 * r0[s]
                e += 1
        checksum += out[0]
    return checksum


def _compiled_floor(data: Synthetic, repeats: int) -> Timing | None:
    """_compiled_skill_product over the batch's chunks, one thread: context for the floor."""
    if scoring.numba is None:
        return None
    skills, blocks = scoring._floor_operands(data.students, data.briefs)
    skills = sp.csr_array(skills)
    indptr, indices = skills.indptr.astype(np.int64), skills.indices.astype(np.int64)
    values = skills.data.astype(np.float32)
    out = np.empty(max((block.shape[1] for block in blocks), default=1), np.float32)
    _compiled_skill_product(indptr, indices, values, np.zeros((1, 1), np.float32), out[:1])

    def one_thread() -> Timing:
        wall = cpu = 0.0
        for block in blocks:
            dense = block.toarray()
            wall_start, cpu_start = time.perf_counter(), time.thread_time()
            _compiled_skill_product(indptr, indices, values, dense, out[: dense.shape[1]])
            wall += time.perf_counter() - wall_start
            cpu += time.thread_time() - cpu_start
        return Timing(wall, cpu)

    return _median([one_thread() for _ in range(repeats)])


@dataclass(frozen=True)
class BatchFigures:
    batch: Timing  # with the --threads workers (wall only is meaningful)
    batch_1t: Timing  # one thread
    floor: Timing  # one thread
    floor_threads: Timing  # --threads workers (wall)
    compiled_floor: Timing | None  # the skill product compiled (numba), one thread
    peak_mb: float  # ru_maxrss of the whole process: interpreter, synthetic data, engine
    batch_alloc_mb: float  # tracemalloc: peak of what one top_k call allocates through numpy
    prepare_s: float  # credit blocks, student order and brief plan: once per block, not timed
    skipped: float  # share of (brief, chunk) rows the date filter skipped whole
    offered: tuple[int, int]  # keys offered to the per-student and to the per-brief top-k


def _prepare(students: scoring.StudentBlock, briefs: scoring.BriefBlock) -> None:
    """What a block computes once and keeps, whichever engine runs."""
    if scoring.ENGINE == "numba":
        plan = scoring._kernel_plan(briefs, np.float32, students)
        scoring._kernel_students(students, scoring.CHUNK_STUDENTS, plan, batch=True)
    else:
        students.credit_blocks(scoring.CHUNK_STUDENTS, np.float32)
        students.cause_columns(np.float32)
        briefs.plan(np.float32)


def _batch(data: Synthetic, threads: int, repeats: int) -> BatchFigures:
    students, briefs = data.students, data.briefs
    start = time.perf_counter()
    _prepare(students, briefs)
    prepare = time.perf_counter() - start

    def run(n_threads: int) -> Callable[[], Any]:
        return lambda: scoring.top_k(
            students, briefs, per_student=20, per_brief=50, threads=n_threads
        )

    batch_1t = _timed(repeats, run(1))
    batch = batch_1t if threads == 1 else _timed(repeats, run(threads))
    peak = _peak_mb()  # before the floor's own buffers
    tracemalloc.start()
    run(threads)()
    batch_alloc = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    counters = np.zeros(4, np.int64)
    if scoring.ENGINE == "numba":
        scoring._kernel_batch(students, briefs, 20, 50, scoring.CHUNK_STUDENTS, 1, counters)
    skipped = counters[0] / max(counters[0] + counters[1], 1)
    floor = _floor(data, 1, repeats)
    floor_threads = floor if threads == 1 else _floor(data, threads, repeats)
    return BatchFigures(
        batch=batch,
        batch_1t=batch_1t,
        floor=floor,
        floor_threads=floor_threads,
        compiled_floor=_compiled_floor(data, repeats),
        peak_mb=peak,
        batch_alloc_mb=batch_alloc,
        prepare_s=prepare,
        skipped=float(skipped),
        offered=(int(counters[2]), int(counters[3])),
    )


def warm_up(seed: int = 0) -> tuple[float, str]:
    """Seconds of the compiled engine's first calls (every path, tiny blocks) and whether its
    machine code came from numba's cache or was compiled."""
    if scoring.ENGINE != "numba":
        return 0.0, "numpy engine, nothing to compile"
    data = synthetic(300, 60, seed=seed)
    start = time.perf_counter()
    scoring.top_k(data.students, data.briefs, threads=2)
    scoring.top_k(data.students, data.briefs, chunk=64)
    scoring.top_k(data.students, data.briefs, per_student=100, per_brief=0)  # a deep page
    scoring.score_pairs(data.students, data.briefs)
    scoring.score_pairs(data.students, data.briefs, dtype=np.float32)
    seconds = time.perf_counter() - start
    hits = misses = 0
    for name in dir(scoring):
        stats = getattr(getattr(scoring, name), "stats", None)
        if name.startswith("_kernel") and stats is not None:
            hits += sum(stats.cache_hits.values())
            misses += sum(stats.cache_misses.values())
    how = "compiled" if misses else "loaded from numba's cache"
    return seconds, f"{how} ({hits} cache hits, {misses} misses)"


def _student_record(block: scoring.StudentBlock, i: int) -> scoring.StudentRecord:
    taxonomy = block.taxonomy
    levels = block.skill_levels[[i]]
    return scoring.StudentRecord(
        id=int(block.ids[i]),
        skills={
            int(taxonomy.skill_ids[c]): int(v)
            for c, v in zip(levels.indices, levels.data, strict=True)
        },
        hours_per_week=float(block.hours_per_week[i]),
        available_from=date.fromordinal(int(block.available_from[i])),
        available_to=date.fromordinal(int(block.available_to[i])),
        city_id=int(block.city[i]),
        departement=str(int(block.departement[i])),
        remote_preference=scoring.RemotePreference(int(block.remote_preference[i])),
        causes=frozenset(int(taxonomy.cause_ids[c]) for c in block.causes[[i]].indices),
    )


def _brief_record(block: scoring.BriefBlock, j: int) -> scoring.BriefRecord:
    taxonomy = block.taxonomy
    levels = block.required_levels[[j]]
    weights = block.skill_weights[[j]]
    return scoring.BriefRecord(
        id=int(block.ids[j]),
        requirements={
            int(taxonomy.skill_ids[c]): (int(v), float(w))
            for c, v, w in zip(levels.indices, levels.data, weights.data, strict=True)
        },
        effort_hours=float(block.effort_hours[j]),
        start=date.fromordinal(int(block.start[j])),
        end=date.fromordinal(int(block.end[j])),
        mode=scoring.WorkMode(int(block.mode[j])),
        city_id=int(block.city[j]),
        departement=str(int(block.departement[j])),
        causes=frozenset(int(taxonomy.cause_ids[c]) for c in block.causes[[j]].indices),
        is_open=bool(block.open[j]),
    )


def _reference(data: Synthetic, pairs: int, seed: int) -> tuple[float, float]:
    """(CPU seconds per pair of the plain-Python reference, its largest gap to the engine)."""
    from tests.matching.reference_scoring import reference_score  # the tests' own reference

    rng = np.random.default_rng(seed)
    rows = rng.integers(0, len(data.students), pairs)
    cols = rng.integers(0, len(data.briefs), pairs)
    related_matrix = data.taxonomy.related.tocoo()
    ids = data.taxonomy.skill_ids
    related = {
        (int(ids[j]), int(ids[k])): float(s)
        for k, j, s in zip(related_matrix.row, related_matrix.col, related_matrix.data, strict=True)
    }
    students = [_student_record(data.students, int(i)) for i in rows]
    briefs = [_brief_record(data.briefs, int(j)) for j in cols]
    start = time.thread_time()
    expected = [reference_score(s, b, related) for s, b in zip(students, briefs, strict=True)]
    per_pair = (time.thread_time() - start) / pairs  # CPU seconds, like the batch's figure
    engine = scoring.score_pairs(data.students.subset(rows), data.briefs)[np.arange(pairs), cols]
    gap = max(
        (abs(e - g) if e is not None else (0.0 if np.isnan(g) else np.inf))
        for e, g in zip(expected, engine, strict=True)
    )
    return per_pair, float(gap)


def _one_student(data: Synthetic, samples: int, seed: int) -> tuple[float, float]:
    """(median ms of recommend_for_student over every brief, ms of the cold brief compile)."""
    briefs = data.briefs
    start = time.perf_counter()
    cold = scoring.BriefBlock.from_arrays(
        data.taxonomy,
        ids=briefs.ids,
        required_levels=briefs.required_levels,
        skill_weights=briefs.skill_weights,
        effort_hours=briefs.effort_hours,
        start=briefs.start,
        end=briefs.end,
        mode=briefs.mode,
        city=briefs.city,
        departement=briefs.departement,
        causes=briefs.causes,
        open=briefs.open,
    )
    if scoring.ENGINE == "numba":
        scoring._kernel_plan(cold, np.float32)
    else:
        cold.plan(np.float32)
    compile_ms = (time.perf_counter() - start) * 1e3
    rng = np.random.default_rng(seed)
    times = []
    for index in rng.integers(0, len(data.students), samples):
        start = time.perf_counter()
        scoring.recommend_for_student(data.students, int(index), briefs, k=20)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), compile_ms


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="batch worker threads")
    parser.add_argument("--repeats", type=int, default=5, help="median of this many runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--engine", choices=("numba", "numpy"), default=scoring.ENGINE, help="scoring engine"
    )
    args = parser.parse_args(argv)
    scoring.ENGINE = args.engine
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.2f} on {os.cpu_count()} cores (the machine is shared)")
    warm_up_s, how = warm_up(args.seed)
    print(f"engine: {scoring.ENGINE}; first calls {warm_up_s:.2f}s, {how} (not timed below)")
    threads = args.threads
    big: BatchFigures | None = None
    big_data: Synthetic | None = None
    for n, m in ((10_000, 2_000), (50_000, 10_000)):
        start = time.perf_counter()
        data = synthetic(n, m, seed=args.seed)
        made = time.perf_counter() - start
        eligible = scoring.score_pairs(data.students.subset(np.arange(200)), data.briefs)
        result = _batch(data, threads, args.repeats)
        b1, fl, ft = result.batch_1t, result.floor, result.floor_threads
        compiled = result.compiled_floor
        print(
            f"{n:,} × {m:,}: data {made:.2f}s, {np.mean(~np.isnan(eligible)):.0%} of pairs "
            f"eligible, blocks prepared once in {result.prepare_s:.2f}s\n"
            f"  batch, top 20 per student + top 50 per brief: {b1.cpu:.3f}s CPU, {b1.wall:.3f}s "
            f"wall with 1 thread ({b1.cpu / (n * m) * 1e9:.2f} ns/pair); "
            f"{result.batch.wall:.3f}s wall with {threads}\n"
            f"  floor, bare scipy skill product: {fl.cpu:.3f}s CPU, {fl.wall:.3f}s wall with 1 "
            f"thread; {ft.wall:.3f}s wall with {threads}\n"
            f"  ratio {b1.cpu / fl.cpu:.2f} (1 thread both, CPU time), "
            f"{result.batch.wall / ft.wall:.2f} ({threads} threads both, wall)\n"
            + (
                f"  the same skill product compiled like the engine: {compiled.cpu:.3f}s CPU "
                f"(the batch is {b1.cpu / compiled.cpu:.2f}× that)\n"
                if compiled
                else ""
            )
            + (
                f"  date filter: {result.skipped:.0%} of (brief, chunk) rows skipped whole; keys "
                f"offered to the top-k: {result.offered[0]:,} per student, "
                f"{result.offered[1]:,} per brief\n"
                if scoring.ENGINE == "numba"
                else ""
            )
            + f"  peak RSS {result.peak_mb:.0f} MB (whole process), "
            f"{result.batch_alloc_mb:.0f} MB allocated at most by one batch through numpy"
        )
        big, big_data = result, data
    assert big is not None and big_data is not None
    one_ms, compile_ms = _one_student(big_data, samples=101, seed=args.seed)
    print(
        f"one student × {len(big_data.briefs):,} briefs: median {one_ms:.2f} ms "
        f"(brief block compile, once per block: {compile_ms:.0f} ms)"
    )
    small = synthetic(10_000, 2_000, seed=args.seed)
    per_pair, gap = _reference(small, pairs=2_000, seed=args.seed)
    engine_per_pair = big.batch_1t.cpu / (len(big_data.students) * len(big_data.briefs))
    print(
        f"plain-Python reference: {per_pair * 1e6:.1f} µs CPU per pair over 2,000 sampled "
        f"pairs (largest gap to the engine {gap:.1e}); the batch: "
        f"{engine_per_pair * 1e9:.2f} ns CPU per pair"
    )
    figures = {
        "engine": scoring.ENGINE,
        "load": f"{load:.2f}",
        "load_end": f"{os.getloadavg()[0]:.2f}",
        "warm_up_s": f"{warm_up_s:.2f}",
        "prepare_s": f"{big.prepare_s:.3f}",
        "batch_cpu_s": f"{big.batch_1t.cpu:.3f}",
        "floor_cpu_s": f"{big.floor.cpu:.3f}",
        "threads": str(threads),
        "batch_threads_wall_s": f"{big.batch.wall:.3f}",
        "floor_threads_wall_s": f"{big.floor_threads.wall:.3f}",
        "batch_vs_floor_threads": f"{big.batch.wall / big.floor_threads.wall:.2f}",
    }
    if big.compiled_floor:
        figures["batch_vs_compiled_floor"] = f"{big.batch_1t.cpu / big.compiled_floor.cpu:.2f}"
    figures |= {
        "batch_alloc_mb": f"{big.batch_alloc_mb:.0f}",
        "batch_vs_floor": f"{big.batch_1t.cpu / big.floor.cpu:.2f}",
        "peak_mb": f"{big.peak_mb:.0f}",
        "one_student_ms": f"{one_ms:.2f}",
        "python_speedup": f"{per_pair / engine_per_pair:.0f}",
    }
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
