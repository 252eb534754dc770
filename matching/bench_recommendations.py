"""Benchmark of the recommendations in the product, on a real database (PostgreSQL):

    createdb -h 127.0.0.1 humanitech_bench_reco
    DATABASE_URL=postgres://root@127.0.0.1:5432/humanitech_bench_reco \\
        .venv/bin/python -m matching.bench_recommendations --scale 50 --briefs 10000

On an empty database it migrates and runs ``seed_demo --scale N`` (which ends with a full
recompute). Then, with DEBUG off:

1. **Full recompute** in one process (``recompute_all``, the chord's steps in a row): time,
   students, published briefs, rows written.
2. **One student's page path** over at least ``--briefs`` published briefs (synthetic briefs
   copied from the demo's are added in bulk when there are fewer): the version check, the
   published block built from the database (cold), read back from the cache (another
   process) and from this process's memo, and the scoring alone (``recommend_for_student``
   over every open brief), median over ``--students`` students; then the whole selector of
   "Missions pour vous" on its live path and its table path.

The last line holds the figures as ``key=value`` pairs.
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


def _seed_if_empty(scale: int) -> float | None:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "humanitech.settings.base",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env)  # noqa: S603
    probe = subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", "from accounts.models import User; print(User.objects.count())"],
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


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _timed(function: Any, repeats: int = 1) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def _add_published_briefs(target: int) -> int:
    """Copies of the demo's published briefs (and their skills) until ``target`` are published."""
    from django.db import transaction
    from django.utils import timezone

    from organisations.models import Brief, BriefSkill

    published = list(Brief.objects.published().prefetch_related("brief_skills"))
    missing = target - len(published)
    if missing <= 0 or not published:
        return 0
    now = timezone.now()
    with transaction.atomic():
        copies = []
        for n in range(missing):
            model = published[n % len(published)]
            copies.append(
                Brief(
                    organisation_id=model.organisation_id,
                    title=f"{model.title} ({n})"[:120],
                    need_category=model.need_category,
                    problem=model.problem,
                    team_min=model.team_min,
                    team_max=model.team_max,
                    effort_hours=model.effort_hours,
                    start_date=model.start_date,
                    end_date=model.end_date,
                    work_mode=model.work_mode,
                    city=model.city,
                    postcode=model.postcode,
                    department=model.department,
                    state=model.state,
                    published_at=now,
                )
            )
        created = Brief.objects.bulk_create(copies, batch_size=2000)
        skills = [
            BriefSkill(brief=copy, skill_id=row.skill_id, level=row.level, weight=row.weight)
            for n, copy in enumerate(created)
            for row in published[n % len(published)].brief_skills.all()
        ]
        BriefSkill.objects.bulk_create(skills, batch_size=5000)
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--briefs", type=int, default=10_000)
    parser.add_argument("--students", type=int, default=51, help="students timed on the page path")
    args = parser.parse_args()
    seeded = _seed_if_empty(args.scale)
    if seeded is not None:
        print(f"seed_demo --scale {args.scale}: {seeded:.1f}s (including its full recompute)")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "humanitech.settings.base")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection

    from matching.models import MatchScore, RecomputeRun
    from matching.scoring import recommend_for_student
    from matching.selectors import recommendations as selectors
    from matching.services.recommendations import batch_students, recompute_all, recompute_queue

    print(f"database: {connection.vendor}, cache: {type(cache).__name__}")

    # 1. Full recompute on the demo data.
    run = recompute_queue(trigger=RecomputeRun.Trigger.MANUAL)
    assert run is not None, "a run is under way"
    MatchScore.objects.all().delete()  # the first run of a new site: every row written
    full_s, _ = _timed(lambda: recompute_all(run=run))
    rows = MatchScore.objects.count()
    again = recompute_queue(trigger=RecomputeRun.Trigger.MANUAL)
    assert again is not None
    steady_s, _ = _timed(lambda: recompute_all(run=again))
    print(
        f"full recompute: {full_s:.2f}s into an empty table, {steady_s:.2f}s the next night "
        f"(only differences written), for {run.students_total:,} students × "
        f"{run.briefs_total:,} published briefs, {rows:,} rows"
    )

    # 2. The page path over many published briefs.
    added = _add_published_briefs(args.briefs)
    if added:
        print(f"added {added:,} published briefs (copies) to reach {args.briefs:,}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after bulk inserts
    version_s, version = _timed(selectors.published_briefs_version, repeats=5)
    cold_s, published = _timed(lambda: selectors._build_published(version))
    cache.set(selectors.PUBLISHED_KEY, published, 3600)
    selectors._memo.clear()
    cached_s, _ = _timed(lambda: selectors.published_briefs(), repeats=1)  # from the cache
    memo_s, published = _timed(lambda: selectors.published_briefs(), repeats=5)  # memo
    block = published.block
    print(
        f"published block: {len(block):,} briefs ({int(block.open.sum()):,} open); version check "
        f"{_ms(version_s)} ms; built from the database {_ms(cold_s)} ms; from the cache "
        f"{_ms(cached_s)} ms; from this process's memo {_ms(memo_s)} ms (version check included)"
    )
    users = list(
        batch_students().order_by("user_id").values_list("user_id", flat=True)[: args.students]
    )
    scoring, pages_live, pages_table = [], [], []
    from accounts.models import User
    from matching.engine_data import student_block

    people = User.objects.in_bulk(users)
    filters = selectors.RecommendationFilters(need_category="website")
    scoring_all = []
    for user_id in users:
        students = student_block([user_id], taxonomy=published.taxonomy)
        seconds, _ = _timed(lambda s=students: recommend_for_student(s, 0, block, k=20), 3)
        scoring.append(seconds)
        seconds, _ = _timed(lambda s=students: recommend_for_student(s, 0, block, k=len(block)))
        scoring_all.append(seconds)
        user = people[user_id]
        seconds, _ = _timed(
            lambda u=user: selectors.student_recommendations(user=u, filters=filters)
        )
        pages_live.append(seconds)
        seconds, _ = _timed(
            lambda u=user: selectors.student_recommendations(
                user=u, filters=selectors.RecommendationFilters()
            )
        )
        pages_table.append(seconds)
    one_ms = statistics.median(scoring) * 1000
    all_ms = statistics.median(scoring_all) * 1000
    print(
        f"one student × {len(block):,} briefs: scoring {one_ms:.2f} ms for the top 20, "
        f"{all_ms:.2f} ms ranking every open brief (median of {len(users)}); whole selector "
        f"(filtered by a kind of need): live path "
        f"{statistics.median(pages_live) * 1000:.1f} ms, table path "
        f"{statistics.median(pages_table) * 1000:.1f} ms"
    )
    print(
        f"full_recompute_s={full_s:.2f} steady_recompute_s={steady_s:.2f} "
        f"students={run.students_total} "
        f"briefs={run.briefs_total} rows={rows} page_briefs={len(block)} "
        f"one_student_scoring_ms={one_ms:.2f} one_student_all_ms={all_ms:.2f} "
        f"block_build_ms={cold_s * 1000:.0f} "
        f"block_from_cache_ms={cached_s * 1000:.1f} block_memo_ms={memo_s * 1000:.1f} "
        f"page_live_ms={statistics.median(pages_live) * 1000:.1f} "
        f"page_table_ms={statistics.median(pages_table) * 1000:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
