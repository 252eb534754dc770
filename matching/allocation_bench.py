"""Benchmark of the allocation engine, and the bridge to the PyPI ``matching`` library.

``python -m matching.allocation --bench`` times both modes on random cohorts of 1,000, 10,000
and 50,000 students, the whole command line at 10,000 against the library's StudentAllocation
(create + solve, checking both give the same matching), and ends with one ``key=value`` line.

Our package is also called ``matching``, so the library runs in a child interpreter started
in isolated mode (``-I``: no current directory on sys.path) from a temporary directory; it
reads instances as JSON on stdin and writes its matchings as JSON on stdout.
"""

from __future__ import annotations

import compileall
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matching.allocation import allocate, parse_instance

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_TEAM_TIME_LIMIT_S = 20.0

# Runs in the child. Pairs that can never be matched (a brief or organisation of capacity 0)
# are dropped first: they change nothing in SPA, and the library fails on empty lists.
# Without arguments it reads a JSON list of instances and writes a list of results; with
# --lines it answers one instance per line, for as long as its stdin stays open.
_LIBRARY_SCRIPT = r"""
import json, sys, time
from matching.games import StudentAllocation

sys.setrecursionlimit(1_000_000)  # the library deep-copies its linked players

def solve(inst):
    org_cap = {o["id"]: o["capacity"] for o in inst["organisations"]}
    usable = {
        b["id"]: b for b in inst["briefs"] if b["capacity"] > 0 and org_cap[b["organisation"]] > 0
    }
    student_prefs = {}
    for s in inst["students"]:
        prefs = [b for b in s["preferences"] if b in usable]
        if prefs:
            student_prefs[s["id"]] = prefs
    applied = {}
    for sid, prefs in student_prefs.items():
        for b in prefs:
            applied.setdefault(usable[b]["organisation"], set()).add(sid)
    supervisor_prefs = {
        o["id"]: [s for s in o["ranking"] if s in applied.get(o["id"], ())]
        for o in inst["organisations"] if o["capacity"] > 0
    }
    start = time.perf_counter()
    game = StudentAllocation.create_from_dictionaries(
        student_prefs,
        supervisor_prefs,
        {b: usable[b]["organisation"] for b in usable},
        {b: usable[b]["capacity"] for b in usable},
        {o: org_cap[o] for o in supervisor_prefs},
    )
    result = game.solve(optimal="student")
    elapsed_ms = (time.perf_counter() - start) * 1000
    assignment = {s["id"]: None for s in inst["students"]}
    for project, students in result.items():
        for student in students:
            assignment[student.name] = project.name
    return {"assignment": assignment, "create_solve_ms": elapsed_ms}

if "--lines" in sys.argv:
    for line in sys.stdin:
        try:
            answer = solve(json.loads(line))
        except Exception as error:
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)
else:
    json.dump([solve(inst) for inst in json.load(sys.stdin)], sys.stdout)
"""


def _library_command(*args: str) -> list[str]:
    return [sys.executable, "-I", "-W", "ignore", "-c", _LIBRARY_SCRIPT, *args]


def run_matching_library(
    instances: Sequence[Mapping[str, Any]], *, timeout: float | None = None
) -> list[dict[str, Any]]:
    """Solve instances (command-line JSON format) with the library's StudentAllocation,
    student-optimal, in one child process. Each result holds ``assignment`` ({student id:
    brief id or None}) and ``create_solve_ms`` (the library's create + solve only)."""
    with tempfile.TemporaryDirectory() as outside:
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            _library_command(),
            input=json.dumps(list(instances)),
            capture_output=True,
            text=True,
            cwd=outside,
            timeout=timeout,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"the matching library failed: {done.stderr.strip()[-2000:]}")
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


class MatchingLibrary:
    """The library in a child process that stays open, solving one instance at a time, as
    :func:`run_matching_library` does: for tests that check many small instances one by one
    (hypothesis examples), where starting a process for each would cost ~50 ms.

        with MatchingLibrary() as library:
            library.solve(instance)["assignment"]
    """

    def __enter__(self) -> MatchingLibrary:
        self._outside = tempfile.TemporaryDirectory()
        self._child = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            _library_command("--lines"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=self._outside.name,
        )
        return self

    def solve(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        child = self._child
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(json.dumps(instance) + "\n")
        child.stdin.flush()
        line = child.stdout.readline()
        if not line:
            raise RuntimeError(f"the matching library exited (status {child.wait()})")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the matching library failed: {answer['error']}")
        return answer

    def __exit__(self, *exc_info: object) -> None:
        assert self._child.stdin is not None and self._child.stdout is not None
        self._child.stdin.close()
        try:
            self._child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait()
        self._child.stdout.close()
        self._outside.cleanup()


def random_instance(n_students: int, *, seed: int, min_team: bool = False) -> dict[str, Any]:
    """A cohort shaped like ours: students list ~5 briefs (popular briefs drawn more often),
    briefs take 3–6 students, organisations offer 1–4 briefs with a capacity a bit below
    their sum and rank their applicants by score. Seats exceed students by about 10 %."""
    rng = np.random.default_rng(seed)
    n_briefs = max(2, round(n_students * 1.1 / 4.5))
    capacity = rng.integers(3, 7, n_briefs)
    min_teams = rng.integers(2, 4, n_briefs) if min_team else np.zeros(n_briefs, dtype=int)
    popularity = rng.lognormal(0.0, 1.0, n_briefs)
    popularity /= popularity.sum()

    org_of = np.empty(n_briefs, dtype=np.int64)
    org_caps: list[int] = []
    start = 0
    while start < n_briefs:
        size = int(rng.integers(1, 5))
        org_of[start : start + size] = len(org_caps)
        total = int(capacity[start : start + size].sum())
        org_caps.append(max(1, round(total * rng.uniform(0.7, 0.95))))
        start += size

    draws = rng.choice(n_briefs, size=(n_students, 12), p=popularity)
    lengths = rng.integers(3, 8, n_students)  # 3 to 7, about 5
    lengths[rng.random(n_students) < 0.005] = 0  # a few students never answer
    ability = rng.normal(60, 12, n_students)
    students: list[dict[str, Any]] = []
    scores: dict[str, dict[str, int]] = {}
    applicants: list[dict[int, int]] = [{} for _ in org_caps]  # org -> student -> best score
    for s in range(n_students):
        prefs = list(dict.fromkeys(draws[s].tolist()))[: lengths[s]]
        fit = np.clip(np.rint(ability[s] + rng.normal(0, 15, len(prefs))), 0, 100).tolist()
        sid = f"s{s}"
        students.append({"id": sid, "preferences": [f"b{b}" for b in prefs]})
        scores[sid] = {f"b{b}": int(v) for b, v in zip(prefs, fit, strict=True)}
        for b, v in zip(prefs, fit, strict=True):
            seen = applicants[org_of[b]]
            seen[s] = max(seen.get(s, 0), int(v))
    return {
        "students": students,
        "briefs": [
            {
                "id": f"b{b}",
                "organisation": f"o{org_of[b]}",
                "capacity": int(capacity[b]),
                "min_team": int(min_teams[b]),
            }
            for b in range(n_briefs)
        ],
        "organisations": [
            {
                "id": f"o{o}",
                "capacity": cap,
                "ranking": [f"s{s}" for s in sorted(seen, key=lambda s: (-seen[s], s))],
            }
            for o, (cap, seen) in enumerate(zip(org_caps, applicants, strict=True))
        ],
        "scores": scores,
    }


def _run_cli(path: Path, mode: str, repeat: int = 1) -> float:
    """Best wall time (ms) of the whole command: start-up, JSON in, solve, JSON out."""
    # From fresh bytecode, as installed: with PYTHONDONTWRITEBYTECODE, a cache left stale by
    # an edit would add ~7 ms of compiling to every run.
    for module in ("__init__", "allocation", "allocation_stable", "allocation_welfare"):
        compileall.compile_file(PROJECT_ROOT / "matching" / f"{module}.py", quiet=1)
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "matching.allocation", str(path), "--mode", mode]
        command += ["--out", str(Path(tmp) / "out.json")]
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(command, cwd=PROJECT_ROOT, check=True)  # noqa: S603 - our command
            best = min(best, (time.perf_counter() - start) * 1000)
    return best


# The command's peak memory, read by the child itself: a child's ru_maxrss counts the
# parent's memory it was forked from. VmHWM is the high-water mark of the new image.
_PEAK_SCRIPT = """
import atexit, runpy, sys
def report():
    with open("/proc/self/status") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    print(kb, file=sys.stderr)
atexit.register(report)
sys.argv = ["matching.allocation", *sys.argv[1:]]
runpy.run_module("matching.allocation", run_name="__main__", alter_sys=True)
"""


def _cli_peak_mb(path: Path, mode: str) -> float | None:
    if not Path("/proc/self/status").exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", _PEAK_SCRIPT, str(path), "--mode", mode, "--out", f"{tmp}/o"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    return int(done.stderr.split()[-1]) / 1024


def _solve_times(figures: dict[str, float]) -> dict[int, dict[str, Any]]:
    """Both modes in-process at each size; returns the instances by size."""
    import matching.allocation_welfare  # noqa: F401 - scipy's import is not solve time

    print("students  build_ms  stable_ms  welfare_ms  welfare with min team sizes")
    instances: dict[int, dict[str, Any]] = {}
    for n in (1_000, 10_000, 50_000):
        data = instances[n] = random_instance(n, seed=n)
        start = time.perf_counter()
        instance = parse_instance(data)
        build_ms = (time.perf_counter() - start) * 1000
        stable = allocate(instance, "stable")
        welfare = allocate(instance, "welfare")
        line = f"{n:>8}  {build_ms:8.1f}  {stable.solve_ms:9.1f}  {welfare.solve_ms:10.1f}"
        tag = f"{n // 1000}k"
        figures[f"stable_{tag}_ms"] = stable.solve_ms
        figures[f"welfare_{tag}_ms"] = welfare.solve_ms
        if n <= 10_000:
            gated = parse_instance(random_instance(n, seed=n, min_team=True))
            with_min = allocate(gated, "welfare", time_limit=MIN_TEAM_TIME_LIMIT_S)
            gap = with_min.optimality_gap or 0.0
            outcome = "proven optimal" if gap == 0 else f"gap {gap:.3g} at the time limit"
            line += f"  {with_min.solve_ms:.0f} ms, {outcome}"
            figures[f"welfare_min_{tag}_ms"] = with_min.solve_ms
            figures[f"welfare_min_{tag}_gap"] = gap
        print(line, flush=True)
    return instances


def run_benchmark() -> int:
    figures: dict[str, float] = {}
    instances = _solve_times(figures)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {n: Path(tmp) / f"{n}.json" for n in (10_000, 50_000)}
        for n, path in paths.items():
            path.write_text(json.dumps(instances[n]), encoding="utf-8")
        figures["cli_10k_ms"] = _run_cli(paths[10_000], "stable", repeat=5)
        figures["cli_welfare_10k_ms"] = _run_cli(paths[10_000], "welfare")
        figures["cli_50k_ms"] = _run_cli(paths[50_000], "stable", repeat=2)
        peak = _cli_peak_mb(paths[50_000], "stable")
        if peak is not None:
            figures["cli_50k_peak_mb"] = peak
    print(
        "whole command (start-up, JSON in, solve, JSON out): "
        f"10,000 stable {figures['cli_10k_ms']:.0f} ms, welfare "
        f"{figures['cli_welfare_10k_ms']:.0f} ms; 50,000 stable {figures['cli_50k_ms']:.0f} ms"
        + (f" in {peak:.0f} MB" if peak is not None else ""),
        flush=True,
    )

    library = run_matching_library([instances[10_000]])[0]
    ours = allocate(parse_instance(instances[10_000]), "stable").assignment_by_id
    same = library["assignment"] == ours
    figures["library_10k_ms"] = library["create_solve_ms"]
    figures["speedup_vs_library"] = figures["library_10k_ms"] / figures["cli_10k_ms"]
    print(
        f"matching library at 10,000, create + solve only: {library['create_solve_ms']:.0f} ms "
        f"(same matching: {'yes' if same else 'NO'})"
    )
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["same_as_library"] = float(same)
    print(" ".join(f"{key}={_fmt(value)}" for key, value in figures.items()))
    return 0 if same else 1


def _fmt(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if value >= 1 or value == 0 else f"{value:.3g}"
