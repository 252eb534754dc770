"""Celery tasks: thin wrappers that load by id and call a service."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def deliver_notification(notification_id: int) -> None:
    outcome = services.notification_deliver(notification_id=notification_id)
    if outcome.retry_in is not None and not deliver_notification.app.conf.task_always_eager:
        # Eager mode (embedded default) would retry at once, in the web request: there the
        # row waits for the sweep instead.
        services.enqueue_delivery(notification_id, countdown=outcome.retry_in)


@shared_task(ignore_result=True)
def requeue_stuck_notifications() -> None:
    services.notifications_requeue_stuck()


@shared_task(ignore_result=True)
def deliver_digest(user_id: int) -> None:
    services.digest_deliver(user_id=user_id)


@shared_task(ignore_result=True)
def queue_daily_digests() -> None:
    services.digests_queue()
