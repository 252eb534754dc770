"""Benchmark of the scoring engine: ``python -m matching.bench`` from the project root.

For 10,000 × 2,000 and 50,000 × 10,000 synthetic (students × briefs) blocks it prints the batch
time with the top-k kept both ways (20 briefs per student, 50 students per brief), the peak
memory, the floor and the ratio; then the one-student page path over 10,000 briefs and the
plain-Python reference. The last line holds the figures as key=value pairs so runs compare.

The floor is the skill term alone, as the engine itself computes it: for every chunk of
students and every tile of briefs, the scipy CSR product (skill columns of the tile's brief
matrix: tile × 4K credit columns) @ (dense credit block of the chunk: 4K × students), timed
call by call (the credit blocks are densified outside the timer), over the same chunks and
tiles, so the full N × M matrix never exists there either.

Timings are the best of --repeats runs, wall clock and, for single-threaded runs, the CPU time
of the thread (time.thread_time): the machine is shared, and other processes stretch wall
clocks but not the CPU a run uses. batch_vs_floor is the like-with-like ratio: one thread,
CPU time; batch_vs_floor_wall is the threaded batch over the one-thread floor, wall clock.
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
    """Best of the repeats: wall-clock seconds, and CPU seconds of the calling thread (for a
    single-threaded run, its cost whatever else the machine runs)."""

    wall: float
    cpu: float


def _best(repeats: int, run: Callable[[], Any]) -> Timing:
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.thread_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.thread_time() - cpu)
    return Timing(min(walls), min(cpus))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _floor(data: Synthetic, chunk: int, threads: int, repeats: int) -> Timing:
    """The bare skill product over the batch's chunks and tiles (see module doc)."""
    plan = data.briefs.plan(np.float32)
    n_credit = scoring.LEVEL_EXPERT * data.taxonomy.n_skills
    tiles = [scoring.sp.csr_array(matrix[: hi - lo][:, :n_credit]) for lo, hi, matrix in plan.tiles]
    credit = data.students.credit_blocks(chunk, np.float32)  # the batch's own skill rows

    def one_thread() -> Timing:
        wall = cpu = 0.0
        for block in credit:
            dense = block.toarray()  # C order: 4K × the chunk's students, outside the timer
            wall_start, cpu_start = time.perf_counter(), time.thread_time()
            for tile in tiles:
                tile @ dense
            wall += time.perf_counter() - wall_start
            cpu += time.thread_time() - cpu_start
        return Timing(wall, cpu)

    if threads == 1:
        runs = [one_thread() for _ in range(repeats)]
        return Timing(min(r.wall for r in runs), min(r.cpu for r in runs))
    blocks = [block.toarray() for block in credit]

    def run() -> None:
        queue = list(blocks)
        lock = threading.Lock()

        def worker() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    block = queue.pop()
                for tile in tiles:
                    tile @ block

        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()

    return _best(repeats, run)


@dataclass(frozen=True)
class BatchFigures:
    batch: Timing  # with the --threads workers (wall only is meaningful)
    batch_1t: Timing  # one thread
    floor: Timing  # one thread
    floor_threads: Timing  # --threads workers (wall)
    peak_mb: float  # ru_maxrss of the whole process: interpreter, synthetic data, engine
    batch_alloc_mb: float  # tracemalloc: peak of what one top_k call allocates
    prepare_s: float  # credit blocks, dense causes and brief plan: once per block, not timed above


def _batch(data: Synthetic, threads: int, repeats: int) -> BatchFigures:
    students, briefs = data.students, data.briefs
    start = time.perf_counter()
    students.credit_blocks(scoring.CHUNK_STUDENTS, np.float32)
    students.cause_columns(np.float32)
    briefs.plan(np.float32)
    prepare = time.perf_counter() - start

    def run(n_threads: int) -> Callable[[], Any]:
        return lambda: scoring.top_k(
            students, briefs, per_student=20, per_brief=50, threads=n_threads
        )

    batch = _best(repeats, run(threads))
    batch_1t = batch if threads == 1 else _best(repeats, run(1))
    peak = _peak_mb()  # before the floor's own buffers
    tracemalloc.start()
    run(threads)()
    batch_alloc = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    floor = _floor(data, scoring.CHUNK_STUDENTS, 1, repeats)
    floor_threads = (
        floor if threads == 1 else _floor(data, scoring.CHUNK_STUDENTS, threads, repeats)
    )
    return BatchFigures(batch, batch_1t, floor, floor_threads, peak, batch_alloc, prepare)


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
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.2f} on {os.cpu_count()} cores (the machine is shared)")
    big: BatchFigures | None = None
    big_data: Synthetic | None = None
    for n, m in ((10_000, 2_000), (50_000, 10_000)):
        start = time.perf_counter()
        data = synthetic(n, m, seed=args.seed)
        made = time.perf_counter() - start
        eligible = scoring.score_pairs(data.students.subset(np.arange(200)), data.briefs)
        result = _batch(data, args.threads, args.repeats)
        b1, fl = result.batch_1t, result.floor
        print(
            f"{n:,} × {m:,}: data {made:.2f}s, {np.mean(~np.isnan(eligible)):.0%} of pairs "
            f"eligible, blocks prepared once in {result.prepare_s:.2f}s\n"
            f"  batch, top 20 per student + top 50 per brief: {result.batch.wall:.3f}s wall "
            f"with {args.threads} threads; {b1.wall:.3f}s wall, {b1.cpu:.3f}s CPU with 1 "
            f"({b1.cpu / (n * m) * 1e9:.2f} ns/pair)\n"
            f"  floor, bare skill product: {fl.wall:.3f}s wall, {fl.cpu:.3f}s CPU with 1 "
            f"thread; {result.floor_threads.wall:.3f}s wall with {args.threads}\n"
            f"  ratio {b1.cpu / fl.cpu:.2f} (1 thread, CPU time), "
            f"{result.batch.wall / fl.wall:.2f} ({args.threads}-thread batch / 1-thread floor, "
            f"wall), {result.batch.wall / result.floor_threads.wall:.2f} "
            f"({args.threads} threads both, wall)\n"
            f"  peak RSS {result.peak_mb:.0f} MB (whole process), "
            f"{result.batch_alloc_mb:.0f} MB allocated at most by one batch (tracemalloc)"
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
        "load": f"{load:.2f}",
        "prepare_s": f"{big.prepare_s:.3f}",
        "batch_wall_s": f"{big.batch.wall:.3f}",
        "threads": str(args.threads),
        "batch_1thread_wall_s": f"{big.batch_1t.wall:.3f}",
        "batch_cpu_s": f"{big.batch_1t.cpu:.3f}",
        "floor_wall_s": f"{big.floor.wall:.3f}",
        "floor_cpu_s": f"{big.floor.cpu:.3f}",
        "floor_threads_wall_s": f"{big.floor_threads.wall:.3f}",
        "batch_vs_floor_wall": f"{big.batch.wall / big.floor.wall:.2f}",
        "batch_alloc_mb": f"{big.batch_alloc_mb:.0f}",
        "batch_vs_floor": f"{big.batch_1t.cpu / big.floor.cpu:.2f}",
        "peak_mb": f"{big.peak_mb:.0f}",
        "one_student_ms": f"{one_ms:.2f}",
        "python_speedup": f"{per_pair / engine_per_pair:.0f}",
    }
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
