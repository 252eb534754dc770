"""Benchmark of the public catalogue on PostgreSQL: server time of filtered search pages.

    createdb -h 127.0.0.1 humanitech_bench_orgs
    DATABASE_URL=postgres://root@127.0.0.1:5432/humanitech_bench_orgs \\
        .venv/bin/python -m organisations.bench --scale 50

On an empty database it migrates and runs ``seed_demo --scale N`` first (timed), then
renders each scenario through Django's test client — the whole middleware stack, templates
and queries, without a network — ``--iterations`` times after a warm-up, with DEBUG off.
It prints a table of median / p95 / max per scenario and ends with one ``key=value`` line.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 150.0


def _seed_if_empty(scale: int) -> float | None:
    """Migrate, and seed the demo data if the database has none. Returns the seed time."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "humanitech.settings.base",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env)  # noqa: S603
    probe = subprocess.run(  # noqa: S603
        [
            *manage,
            "shell",
            "-c",
            "from organisations.models import Brief; print(Brief.objects.count())",
        ],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    if int(probe.stdout.strip().splitlines()[-1]) > 0:
        return None
    started = time.perf_counter()
    subprocess.run([*manage, "seed_demo", "--scale", str(scale)], check=True, env=env)  # noqa: S603
    return time.perf_counter() - started


def _scenarios() -> dict[str, dict[str, Any]]:
    from matching.models import Cause, Skill

    django = Skill.objects.get(slug="django").pk
    food = Cause.objects.get(slug="food").pk
    return {
        "search": {"q": "site internet adhérents"},
        "search+facets": {
            "q": "site internet",
            "category": "website",
            "work_mode": ["remote", "hybrid"],
            "sort": "relevance",
        },
        "search relaxed": {"q": "bénévoles tableaux escalade"},
        "facets": {"category": ["crm", "database"], "place": "59", "effort": "medium"},
        "skill+cause": {"skill": django, "cause": food, "sort": "start"},
        "no filter p5": {"page": 5},
    }


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50, help="seed_demo scale (empty DB)")
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("Set DATABASE_URL to a PostgreSQL database of your own (see the docstring).")
        return 2
    seed_seconds = _seed_if_empty(args.scale)

    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "humanitech.settings.base")
    import django

    django.setup()
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client

    from organisations.models import Brief
    from organisations.selectors import brief_catalogue

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after a bulk seed
    published = Brief.objects.published().count()
    total = Brief.objects.count()
    if seed_seconds is not None:
        print(f"seed_demo --scale {args.scale}: {seed_seconds:.1f} s")
    print(f"{total} briefs, {published} published; {args.iterations} iterations per scenario")
    client = Client(SERVER_NAME="127.0.0.1")
    rows = []
    for name, params in _scenarios().items():
        for _ in range(args.warmup):
            client.get("/briefs/", params)
        executed: list[str] = []

        def count(run: Any, sql: str, *rest: Any, log: list[str] = executed) -> Any:
            log.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count):
            response = client.get("/briefs/", params)
        assert response.status_code == 200, (name, response.status_code)
        query = QueryDict(mutable=True)
        for key, value in params.items():
            query.setlist(key, value if isinstance(value, list) else [str(value)])
        results = brief_catalogue(params=query).count
        timings = []
        for _ in range(args.iterations):
            started = time.perf_counter()
            response = client.get("/briefs/", params)
            timings.append((time.perf_counter() - started) * 1000)
        rows.append(
            (
                name,
                results,
                len(executed),
                statistics.median(timings),
                _percentile(timings, 0.95),
                max(timings),
            )
        )
    print(f"{'scenario':<16} {'results':>7} {'queries':>7} {'median':>8} {'p95':>8} {'max':>8}")
    for name, results, queries_count, median, p95, worst in rows:
        print(
            f"{name:<16} {results:>7} {queries_count:>7} {median:>6.1f}ms {p95:>6.1f}ms "
            f"{worst:>6.1f}ms"
        )
    worst_row = max(rows, key=lambda row: row[4])
    medians = [row[3] for row in rows]
    within = worst_row[4] <= BUDGET_MS
    print(
        f"bench=organisations_catalogue briefs={total} published={published} "
        f"iterations={args.iterations} median_ms={statistics.median(medians):.1f} "
        f"max_p95_ms={worst_row[4]:.1f} worst_scenario={worst_row[0].replace(' ', '_')} "
        f"budget_ms={BUDGET_MS:.0f} within_budget={'yes' if within else 'no'} "
        f"load_avg={os.getloadavg()[0]:.1f} cpus={os.cpu_count()}"
        + (f" seed_s={seed_seconds:.1f}" if seed_seconds is not None else "")
    )
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
