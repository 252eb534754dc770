"""Delivery: exactly once, retries with backoff, the sweep, re-sending, a broker outage."""

import smtplib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AuditEvent
from humanitech.celery import app as celery_app
from notifications import services
from notifications.models import Notification
from notifications.services import (
    BACKOFF_SECONDS,
    MAX_ATTEMPTS,
    notification_deliver,
    notification_resend,
    notifications_requeue_stuck,
)
from tests.factories import UserFactory

from .samples import emit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _broker_not_paused() -> Iterator[None]:
    services._broker_paused_until = 0.0
    yield
    services._broker_paused_until = 0.0


def _pending(n: int = 1) -> Notification:
    return emit("brief_published", recipient=UserFactory.create(), n=n)


@contextmanager
def _celery_conf(**changes: object) -> Iterator[None]:
    # Not mock.patch.dict: Celery's settings object does not survive its clear() + update().
    saved = {key: celery_app.conf[key] for key in changes}
    celery_app.conf.update(changes)
    try:
        yield
    finally:
        celery_app.conf.update(saved)


def _refusing_smtp() -> mock._patch:
    error = smtplib.SMTPDataError(451, b"4.3.0 Try again later")
    return mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=error
    )


def test_a_committed_notification_is_sent_once(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        row = _pending()
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Notification.State.SENT, 1)
    assert row.sent_at is not None
    # The task running again (a redelivered message) sends nothing.
    services.enqueue_delivery(row.pk)
    assert len(mail.outbox) == 1


def test_a_row_locked_by_another_worker_is_left_to_it() -> None:
    row = _pending()
    with mock.patch("django.db.models.QuerySet.select_for_update") as locking:
        locking.return_value.select_related.return_value.first.return_value = None
        assert not notification_deliver(notification_id=row.pk).sent
        assert locking.call_args.kwargs == {"skip_locked": True, "of": ("self",)}
    assert mail.outbox == []
    row.refresh_from_db()
    assert row.state == Notification.State.PENDING


def test_failures_back_off_then_fail_with_the_servers_answer() -> None:
    row = _pending()
    with _refusing_smtp():
        for attempt in range(1, MAX_ATTEMPTS + 1):
            before = timezone.now()
            outcome = notification_deliver(notification_id=row.pk)
            row.refresh_from_db()
            assert row.attempts == attempt
            if attempt < MAX_ATTEMPTS:
                assert outcome.retry_in == BACKOFF_SECONDS[attempt - 1]
                assert row.state == Notification.State.PENDING
                assert row.next_attempt_at >= before + timedelta(seconds=outcome.retry_in)
                # Not due yet: a duplicate task does nothing, and does not count an attempt.
                assert notification_deliver(notification_id=row.pk).retry_in is None
                Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert row.state == Notification.State.FAILED
    assert "SMTPDataError" in row.last_error
    assert row.provider_response == "451 4.3.0 Try again later"
    assert mail.outbox == []


def test_the_task_schedules_the_retry_outside_eager_mode() -> None:
    row = _pending()
    with (
        _refusing_smtp(),
        _celery_conf(task_always_eager=False),
        mock.patch.object(services, "enqueue_delivery") as enqueue,
    ):
        from notifications.tasks import deliver_notification

        deliver_notification.run(row.pk)
    enqueue.assert_called_once_with(row.pk, countdown=BACKOFF_SECONDS[0])


def test_the_longest_backoff_stays_under_the_brokers_visibility_timeout(settings) -> None:
    assert max(BACKOFF_SECONDS) < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_the_sweep_requeues_only_rows_that_look_lost(django_capture_on_commit_callbacks) -> None:
    lost, fresh, in_backoff = _pending(1), _pending(2), _pending(3)
    long_ago = timezone.now() - timedelta(minutes=30)
    Notification.objects.filter(pk=lost.pk).update(queued_at=long_ago, next_attempt_at=long_ago)
    Notification.objects.filter(pk=in_backoff.pk).update(
        queued_at=long_ago, next_attempt_at=timezone.now() + timedelta(minutes=10)
    )
    assert notifications_requeue_stuck() == 1
    states = dict(Notification.objects.values_list("pk", "state"))
    assert states == {
        lost.pk: Notification.State.SENT,
        fresh.pk: Notification.State.PENDING,
        in_backoff.pk: Notification.State.PENDING,
    }
    # Just queued again: the next sweep leaves it alone.
    assert notifications_requeue_stuck() == 0


def test_an_admin_resends_a_failed_row_with_an_audit_trail(
    django_capture_on_commit_callbacks,
) -> None:
    row = _pending()
    Notification.objects.filter(pk=row.pk).update(
        state=Notification.State.FAILED, attempts=MAX_ATTEMPTS, last_error="boom"
    )
    admin = UserFactory.create(is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        notification_resend(notification=row, acting_user=admin)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Notification.State.SENT, 1)
    event = AuditEvent.objects.get(action="notification.resend")
    assert (event.actor, event.from_state, event.to_state) == (admin, "failed", "pending")


def test_resend_leaves_a_sent_row_alone() -> None:
    row = _pending()
    notification_deliver(notification_id=row.pk)
    notification_resend(notification=row, acting_user=UserFactory.create())
    row.refresh_from_db()
    assert row.state == Notification.State.SENT
    assert not AuditEvent.objects.filter(action="notification.resend").exists()


def _forget_broker_connections() -> None:
    # Celery caches its connection and producer pools: make it connect to the new URL.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_redis_down_neither_hangs_nor_breaks_the_caller(django_capture_on_commit_callbacks) -> None:
    """A closed port as broker: the row stays pending, the caller goes on, the sweep sends."""
    with _celery_conf(broker_url="redis://127.0.0.1:9/0", task_always_eager=False):
        _forget_broker_connections()
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            rows = [_pending(n) for n in range(10)]
        elapsed = time.monotonic() - started
    _forget_broker_connections()
    assert elapsed < 3, f"ten notifications with Redis down took {elapsed:.1f} s"
    assert {r.state for r in Notification.objects.all()} == {Notification.State.PENDING}
    assert mail.outbox == []

    # Redis is back (eager here) and the sweep finds the rows.
    Notification.objects.update(queued_at=timezone.now() - timedelta(minutes=10))
    Notification.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=10))
    services._broker_paused_until = 0.0
    assert notifications_requeue_stuck() == len(rows)
    assert len(mail.outbox) == len(rows)
