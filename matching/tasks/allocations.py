"""Celery tasks of the cohort allocation: thin, they load by id and call a service."""

from celery import shared_task

from ..services import allocations as services


@shared_task(ignore_result=True, acks_late=True)
def compute_allocation(run_id: int) -> None:
    services.allocation_run_compute(run_id=run_id)


@shared_task(ignore_result=True)
def fail_stuck_allocations() -> None:
    services.allocation_runs_fail_stuck()
