"""Celery tasks of the recommendations: thin wrappers around ``services.recommendations``.

- ``recompute_nightly`` (beat, every night): queue a full run.
- ``recompute_if_changed`` (beat, every few minutes): the debounced refresh — nothing when
  nothing changed, an incremental run in this task when a little did, a full run otherwise.
- ``recompute_run``: a full run as a chord, one ``recompute_chunk`` per block of students
  and ``recompute_merge`` to merge the per-brief lists (DESIGN §5). A chord needs a result
  backend every worker shares (Redis: ``CELERY_RESULT_BACKEND``); without one, the chunks
  run one after the other in this task.
- ``notify_new_briefs_weekly`` (beat, Monday morning).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import chord, shared_task
from django.db import transaction

from ..models import RecomputeRun

if TYPE_CHECKING:
    from accounts.models import User
from ..services import recommendations as services

# Result backends through which a chord's callback receives its chunks' results.
_SHARED_BACKENDS = ("redis://", "rediss://", "db+", "django-db")


def _chords_work() -> bool:
    conf = recompute_run.app.conf
    backend = str(conf.result_backend or "")
    return bool(conf.task_always_eager) or backend.startswith(_SHARED_BACKENDS)


def start_full_run(*, trigger: str, acting_user: User | None = None) -> RecomputeRun | None:
    """Queue a full run and, once its row is committed, its task; None when a run is
    already under way."""
    run = services.recompute_queue(trigger=trigger, acting_user=acting_user)
    if run is not None:
        run_id = run.pk
        transaction.on_commit(lambda: recompute_run.delay(run_id))
    return run


@shared_task(ignore_result=True)
def recompute_nightly() -> None:
    start_full_run(trigger=RecomputeRun.Trigger.NIGHTLY)


@shared_task(ignore_result=True)
def recompute_if_changed() -> None:
    changes = services.recompute_changes()
    if not changes:
        return
    if services.recompute_needs_full(changes):
        start_full_run(trigger=RecomputeRun.Trigger.CHANGE)
        return
    run = services.recompute_queue(trigger=RecomputeRun.Trigger.CHANGE)
    if run is not None:
        services.recompute_incremental(run=run, changes=changes)


@shared_task(ignore_result=True)
def recompute_run(run_id: int) -> None:
    run = RecomputeRun.objects.filter(pk=run_id, state=RecomputeRun.State.QUEUED).first()
    if run is None:
        return
    if not _chords_work():
        services.recompute_all(run=run)
        return
    try:
        ranges = services.recompute_plan(run=run)
    except Exception as error:
        services.recompute_fail(run=run, error=repr(error))
        raise
    chord(recompute_chunk.s(run_id, first, last) for first, last in ranges)(
        recompute_merge.s(run_id)
    )


# The chunk's result feeds the chord: it must be stored (the project ignores results by default).
@shared_task(ignore_result=False)
def recompute_chunk(run_id: int, first_id: int, last_id: int) -> str:
    run = RecomputeRun.objects.get(pk=run_id)
    try:
        return services.recompute_chunk(run=run, first_id=first_id, last_id=last_id).encode()
    except Exception as error:
        services.recompute_fail(run=run, error=repr(error))
        raise


@shared_task(ignore_result=True)
def recompute_merge(parts: list[str], run_id: int) -> None:
    run = RecomputeRun.objects.get(pk=run_id)
    if run.state != RecomputeRun.State.RUNNING:
        return  # a chunk failed: the run is already marked
    try:
        services.recompute_merge(
            run=run, partials=[services.BriefPartial.decode(part) for part in parts]
        )
    except Exception as error:
        services.recompute_fail(run=run, error=repr(error))
        raise


@shared_task(ignore_result=True)
def notify_new_briefs_weekly() -> None:
    services.new_briefs_weekly_notify()
