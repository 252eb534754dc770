"""Writes of the notifications app.

``notify`` is the only door other apps use. It writes one outbox row inside the caller's
transaction and queues delivery after commit; a rolled-back transaction sends nothing.

Delivery guarantees (docs/notifications.md has the long version):

- the delivery task locks its row (``SELECT … FOR UPDATE SKIP LOCKED``) and sends only a
  ``pending`` row, then marks it ``sent`` in the same transaction: two tasks for one row
  cannot both send;
- the SMTP connection is opened *before* the send and closed *after* the commit, so the only
  window in which a crash can cause a duplicate is between the server's "250 OK" to our
  DATA and our COMMIT; every email carries a Message-ID derived from the idempotency key so
  the receiving side can drop such a duplicate;
- a lost Celery message (Redis down or restarted, worker killed) only delays a row: the
  sweep re-queues pending rows that should have been sent by now.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from accounts.audit import audit_record
from accounts.models import User

from .kinds import KINDS, Delivery, Kind, kind_for
from .models import AddressOptOut, Notification, NotificationPreference
from .tokens import UnsubscribeTarget

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Seconds before attempt n+1 after n failures: 1 min, 4 min, 16 min, 64 min, then failed.
# The longest must stay well under the broker's visibility_timeout (settings).
BACKOFF_SECONDS = (60, 240, 960, 3840)
# A pending row this late is presumed lost by the broker and queued again by the sweep.
STUCK_AFTER = timedelta(minutes=5)
# A Celery countdown may fire a little early; a row this close to due counts as due.
DUE_TOLERANCE = timedelta(seconds=5)


def notify(
    *,
    kind: str,
    recipient: User | None = None,
    email: str = "",
    about: models.Model | None = None,
    link: str = "",
    context: dict | None = None,
    event_key: str,
    language: str | None = None,
) -> Notification:
    """Record one notification for one person and send it once the transaction commits.

    Call it inside the ``transaction.atomic()`` of the change that causes it. Calling it
    again with the same (kind, event_key, recipient or email) returns the existing row.
    """
    spec = kind_for(kind)
    email = email.strip().lower()
    context = dict(context or {})
    _check_arguments(spec, recipient=recipient, email=email, link=link, context=context)
    if not event_key:
        raise ValueError("notify() needs an event_key.")

    key = Notification.make_idempotency_key(
        kind=kind,
        event_key=event_key,
        recipient_id=recipient.pk if recipient is not None else None,
        email=email,
    )
    existing = Notification.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing

    delivery = _delivery_for(spec, recipient=recipient, email=email)
    row = Notification(
        kind=kind,
        event_key=event_key[:255],
        idempotency_key=key,
        recipient=recipient,
        email="" if recipient is not None else email,
        link=link,
        context=context,
        language=_language_for(recipient, language),
        delivery=delivery,
        state=Notification.State.SKIPPED
        if delivery == Delivery.OFF or (recipient is not None and not recipient.is_active)
        else Notification.State.PENDING,
    )
    if about is not None:
        row.about_type = ContentType.objects.get_for_model(about)
        row.about_id = str(about.pk)
    try:
        # A savepoint: a concurrent notify() of the same event must not break the caller's
        # transaction, it just returns the row the other one wrote.
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return Notification.objects.get(idempotency_key=key)

    if row.state == Notification.State.PENDING and delivery == Delivery.IMMEDIATE:
        transaction.on_commit(partial(enqueue_delivery, row.pk))
    return row


def _check_arguments(
    spec: Kind, *, recipient: User | None, email: str, link: str, context: dict
) -> None:
    if (recipient is None) == (not email):
        raise ValueError("notify() needs exactly one of recipient= or email=.")
    if link and not link.startswith("/"):
        raise ValueError(f"notify(link=…) must be a site-absolute path, got {link!r}.")
    missing = [key for key in spec.context_keys if key not in context]
    if missing:
        raise ValueError(f"notify(kind={spec.name!r}) is missing context keys: {missing}.")


def _language_for(recipient: User | None, language: str | None) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    for candidate in (language, recipient.language if recipient is not None else None):
        if candidate in known:
            return candidate
    return "fr"


def _delivery_for(spec: Kind, *, recipient: User | None, email: str) -> Delivery:
    if not spec.can_turn_off:
        return Delivery.IMMEDIATE
    if recipient is None:
        opted_out = AddressOptOut.objects.filter(email=email, kind=spec.name).exists()
        return Delivery.OFF if opted_out else Delivery.IMMEDIATE
    chosen = (
        NotificationPreference.objects.filter(user=recipient, kind=spec.name)
        .values_list("delivery", flat=True)
        .first()
    )
    delivery = Delivery(chosen) if chosen else spec.default_delivery
    if delivery not in spec.allowed_deliveries():
        return Delivery.IMMEDIATE
    return delivery


# --- Queuing --------------------------------------------------------------------------------


# When the broker just failed, this process stops trying for a short while: a request that
# emits ten notifications must not wait ten connect timeouts. Purely an optimisation (each
# process has its own); the rows stay pending and the sweep queues them.
BROKER_PAUSE_SECONDS = 10.0
# One immediate retry: a pooled connection that Redis closed when it restarted gets replaced
# at once, while a broker that is really down still fails within one connect timeout.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
_broker_paused_until = 0.0


def enqueue_delivery(notification_id: int, *, countdown: int | None = None) -> bool:
    """Put the delivery task on the queue; never raises.

    Runs after commit in web requests: a broker outage must not hang or break the request.
    The broker timeouts are short (settings) and a failure is logged; the row stays pending
    and the sweep queues it again later.
    """
    global _broker_paused_until
    from .tasks import deliver_notification

    if time.monotonic() < _broker_paused_until:
        logger.info("Broker paused: notification %s waits for the sweep.", notification_id)
        return False
    try:
        deliver_notification.apply_async(
            args=[notification_id], countdown=countdown, retry=True, retry_policy=PUBLISH_RETRY
        )
    except (KombuOperationalError, RedisError, OSError):
        _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "Could not queue notification %s; the sweep will retry.",
            notification_id,
            exc_info=True,
        )
        return False
    except Exception:
        # Eager mode runs the task right here: a bug in it must not break the caller either.
        logger.exception("Queuing notification %s failed.", notification_id)
        return False
    return True


def notifications_requeue_stuck(*, older_than: timedelta = STUCK_AFTER, limit: int = 1000) -> int:
    """Queue again the pending rows whose Celery message seems lost. Returns how many."""
    now = timezone.now()
    cutoff = now - older_than
    ids = list(
        Notification.objects.filter(
            state=Notification.State.PENDING,
            delivery=Delivery.IMMEDIATE,
            next_attempt_at__lte=cutoff,
            queued_at__lte=cutoff,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    queued = []
    for notification_id in ids:
        if not enqueue_delivery(notification_id):
            break  # The broker is down: the next sweep tries again.
        queued.append(notification_id)
    if queued:
        Notification.objects.filter(pk__in=queued).update(queued_at=now)
        logger.info("Re-queued %d stuck notification(s).", len(queued))
    return len(queued)


# --- Delivery -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryOutcome:
    sent: bool = False
    # Seconds before the next attempt, when one is due.
    retry_in: int | None = None


def notification_deliver(*, notification_id: int) -> DeliveryOutcome:
    """Send one pending row by email, exactly once. Called by the Celery task."""
    from .emails import build_message

    due = Notification.objects.filter(
        pk=notification_id,
        state=Notification.State.PENDING,
        delivery=Delivery.IMMEDIATE,
        next_attempt_at__lte=timezone.now() + DUE_TOLERANCE,
    )
    if not due.exists():
        # Sent, skipped, failed, in backoff, or a duplicate task: nothing to do.
        return DeliveryOutcome()

    connection = get_connection()
    try:
        with transaction.atomic():
            row = (
                due.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .first()
            )
            if row is None:
                # Another worker holds the row: it sends, or records the failure.
                return DeliveryOutcome()
            try:
                message = build_message(row, connection=connection)
                # Opened before the send so that closing it (QUIT) happens after COMMIT.
                connection.open()
                message.send()
            except Exception as error:
                return _record_failure(row, error)
            row.state = Notification.State.SENT
            row.sent_at = timezone.now()
            row.attempts += 1
            row.last_error = ""
            row.provider_response = f"accepted by {type(connection).__module__}"
            row.save(
                update_fields=[
                    "state",
                    "sent_at",
                    "attempts",
                    "last_error",
                    "provider_response",
                ]
            )
        return DeliveryOutcome(sent=True)
    finally:
        try:
            connection.close()
        except Exception:
            logger.debug("Closing the email connection failed.", exc_info=True)


def _record_failure(row: Notification, error: Exception) -> DeliveryOutcome:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    row.provider_response = _provider_answer(error)
    now = timezone.now()
    retry_in = None
    if row.attempts >= MAX_ATTEMPTS:
        row.state = Notification.State.FAILED
        logger.error("Notification %s failed for good: %s", row.pk, row.last_error)
    else:
        retry_in = BACKOFF_SECONDS[min(row.attempts, len(BACKOFF_SECONDS)) - 1]
        row.next_attempt_at = now + timedelta(seconds=retry_in)
        row.queued_at = now
        logger.warning(
            "Notification %s attempt %d failed, retry in %ss: %s",
            row.pk,
            row.attempts,
            retry_in,
            row.last_error,
        )
    row.save(
        update_fields=[
            "attempts",
            "last_error",
            "provider_response",
            "state",
            "next_attempt_at",
            "queued_at",
        ]
    )
    return DeliveryOutcome(retry_in=retry_in)


def _provider_answer(error: Exception) -> str:
    code = getattr(error, "smtp_code", None)
    text = getattr(error, "smtp_error", b"")
    if code is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}"[:2000]


def notification_resend(*, notification: Notification, acting_user: User) -> Notification:
    """Give a failed row a fresh set of attempts (admin action)."""
    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=notification.pk)
        if row.state != Notification.State.FAILED:
            return row
        now = timezone.now()
        row.state = Notification.State.PENDING
        row.delivery = Delivery.IMMEDIATE
        row.attempts = 0
        row.next_attempt_at = now
        row.queued_at = now
        row.save(update_fields=["state", "delivery", "attempts", "next_attempt_at", "queued_at"])
        audit_record(
            actor=acting_user,
            action="notification.resend",
            target=row,
            from_state=Notification.State.FAILED,
            to_state=Notification.State.PENDING,
            data={"last_error": row.last_error},
        )
        transaction.on_commit(partial(enqueue_delivery, row.pk))
    return row


# --- Daily digest ---------------------------------------------------------------------------


def digests_queue() -> int:
    """Queue one digest per person with pending digest rows (the daily beat job)."""
    from .tasks import deliver_digest

    user_ids = list(
        Notification.objects.filter(
            state=Notification.State.PENDING,
            delivery=Delivery.DIGEST,
            recipient__isnull=False,
        )
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for user_id in user_ids:
        try:
            deliver_digest.apply_async(args=[user_id])
        except Exception:
            # Tomorrow's run picks these rows up again.
            logger.warning("Could not queue the digest of user %s.", user_id, exc_info=True)
    return len(user_ids)


def digest_deliver(*, user_id: int) -> DeliveryOutcome:
    """One email grouping a person's pending digest rows, sent exactly once like the rest."""
    from .emails import build_digest_message

    pending = Notification.objects.filter(
        recipient_id=user_id, state=Notification.State.PENDING, delivery=Delivery.DIGEST
    )
    if not pending.exists():
        return DeliveryOutcome()
    connection = get_connection()
    try:
        with transaction.atomic():
            rows = list(
                pending.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .order_by("created_at", "pk")
            )
            if not rows:
                return DeliveryOutcome()
            ids = [row.pk for row in rows]
            try:
                message = build_digest_message(rows, connection=connection)
                connection.open()
                message.send()
            except Exception as error:
                _record_digest_failure(ids, error)
                return DeliveryOutcome()
            Notification.objects.filter(pk__in=ids).update(
                state=Notification.State.SENT,
                sent_at=timezone.now(),
                attempts=models.F("attempts") + 1,
                last_error="",
                provider_response=f"in the digest {message.extra_headers['Message-ID']}",
            )
        return DeliveryOutcome(sent=True)
    finally:
        try:
            connection.close()
        except Exception:
            logger.debug("Closing the email connection failed.", exc_info=True)


def _record_digest_failure(ids: list[int], error: Exception) -> None:
    # The rows stay pending for tomorrow's digest, until they have used up their attempts.
    text = f"{type(error).__name__}: {error}"[:2000]
    logger.warning("Digest for notifications %s failed: %s", ids, text)
    rows = Notification.objects.filter(pk__in=ids)
    rows.update(
        attempts=models.F("attempts") + 1,
        last_error=text,
        provider_response=_provider_answer(error),
    )
    rows.filter(attempts__gte=MAX_ATTEMPTS).update(state=Notification.State.FAILED)


# --- The in-app centre ----------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, acting_user: User) -> Notification:
    if notification.recipient_id != acting_user.pk:
        raise ValueError("A person can only mark their own notifications as read.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, acting_user: User) -> int:
    return Notification.objects.for_user(acting_user).unread().update(read_at=timezone.now())


# --- Preferences and unsubscribing ----------------------------------------------------------


def notification_preferences_set(
    *, user: User, deliveries: dict[str, str], acting_user: User
) -> None:
    """Save a person's choice per kind; a choice equal to the kind's default stores no row."""
    if user.pk != acting_user.pk:
        raise ValueError("A person can only change their own notification settings.")
    with transaction.atomic():
        for name, value in deliveries.items():
            spec = kind_for(name)
            delivery = Delivery(value)
            if delivery not in spec.allowed_deliveries():
                raise ValueError(f"{delivery} is not allowed for {name}.")
            if delivery == spec.default_delivery:
                NotificationPreference.objects.filter(user=user, kind=name).delete()
            else:
                NotificationPreference.objects.update_or_create(
                    user=user, kind=name, defaults={"delivery": delivery}
                )
            if delivery == Delivery.OFF:
                _skip_waiting_digest_rows(user, [name])


def _skip_waiting_digest_rows(user: User, kinds: list[str]) -> None:
    # Rows waiting for tomorrow's digest follow the new choice: "off" means no email.
    Notification.objects.filter(
        recipient=user,
        kind__in=kinds,
        state=Notification.State.PENDING,
        delivery=Delivery.DIGEST,
    ).update(state=Notification.State.SKIPPED, delivery=Delivery.OFF)


def notifications_unsubscribe(*, target: UnsubscribeTarget) -> bool:
    """Apply a one-click unsubscribe. Touches only the token's own recipient and kind."""
    from .tokens import DIGEST

    with transaction.atomic():
        if target.user_id is not None:
            user = User.objects.filter(pk=target.user_id).first()
            if user is None:
                return False
            if target.kind == DIGEST:
                kinds = list(
                    NotificationPreference.objects.filter(
                        user=user, delivery=Delivery.DIGEST
                    ).values_list("kind", flat=True)
                )
                NotificationPreference.objects.filter(user=user, kind__in=kinds).update(
                    delivery=Delivery.OFF
                )
                _skip_waiting_digest_rows(user, kinds)
                return True
            spec = KINDS.get(target.kind)
            if spec is None or not spec.can_turn_off:
                return False
            NotificationPreference.objects.update_or_create(
                user=user, kind=spec.name, defaults={"delivery": Delivery.OFF}
            )
            _skip_waiting_digest_rows(user, [spec.name])
            return True
        spec = KINDS.get(target.kind)
        if spec is None or not spec.can_turn_off:
            return False
        AddressOptOut.objects.get_or_create(email=target.email.lower(), kind=spec.name)
        return True
