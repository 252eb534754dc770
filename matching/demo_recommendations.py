"""Demo data of the matching app: recommendations.

Runs last: scores every student of the demo against every published brief (a full
recompute, in this process) so the demo site shows "Missions pour vous" and "Profils
recommandés" from the table at once.
"""

import time

from humanitech.demo import DemoContext

from .models import MatchScore, RecomputeRun
from .services.recommendations import recompute_all, recompute_queue


def seed(ctx: DemoContext) -> None:
    started = time.perf_counter()
    run = recompute_queue(trigger=RecomputeRun.Trigger.MANUAL)
    if run is None:  # a run is under way (not on a fresh database)
        ctx.log("recommendations: a recompute is already under way, skipped")
        return
    recompute_all(run=run)
    ctx.log(
        f"recommendations: {MatchScore.objects.count():,} top matches for "
        f"{run.students_total:,} students and {run.briefs_total:,} published briefs "
        f"in {time.perf_counter() - started:.1f}s"
    )
