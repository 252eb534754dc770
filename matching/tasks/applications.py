"""Reminders about applications and projects (Celery beat, daily): thin wrappers over the
services, which make each reminder happen once (notify's event keys)."""

from celery import shared_task

from ..services import applications as services


@shared_task(ignore_result=True)
def remind_unanswered_applications() -> int:
    return services.applications_unanswered_remind()


@shared_task(ignore_result=True)
def remind_briefs_ending_soon() -> int:
    return services.briefs_ending_soon_remind()
