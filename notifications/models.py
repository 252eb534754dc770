"""The outbox: one ``Notification`` row per message per recipient.

A row is written by ``notifications.services.notify`` in the same transaction as the change
that causes it; Celery sends it after commit. The row is the truth: a lost Celery message
only delays a row (the sweep re-queues it), it never loses it.
"""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import Delivery


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: object) -> "NotificationQuerySet":
        """What a person sees in their notification centre: their own rows, nothing else."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        # The person turned this kind off, or unsubscribed: the in-app entry stays.
        SKIPPED = "skipped", _("not emailed")

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    event_key = models.CharField(_("event"), max_length=255)
    # sha256 of (kind, event_key, recipient or address): one row per event and recipient.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Only for people without an account (invitations); a user's address is read at send time.
    email = models.EmailField(_("email address"), blank=True)
    about_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    about_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    link = models.CharField(_("link"), max_length=500, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    language = models.CharField(_("language"), max_length=8, default="fr")
    delivery = models.CharField(
        _("delivery"), max_length=16, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_response = models.TextField(_("provider's answer"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    # When the delivery task was last put on the queue, and when it should next run: the
    # sweep re-queues a pending row whose message seems lost (see services.py).
    queued_at = models.DateTimeField(_("last queued"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient__isnull=False) & Q(email=""))
                | (Q(recipient__isnull=True) & ~Q(email="")),
                name="notifications_one_recipient_or_email",
            ),
        ]
        indexes = [
            # The notification centre, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            # The bell: one count per page.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notif_unread",
            ),
            # The sweep and the digest only ever look at pending rows.
            models.Index(
                fields=["delivery", "next_attempt_at"],
                condition=Q(state="pending"),
                name="notif_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.address}"

    @property
    def address(self) -> str:
        return self.recipient.email if self.recipient_id else self.email  # type: ignore[union-attr]

    @property
    def message_id(self) -> str:
        # Stable across retries and workers: a receiving side can drop a duplicate.
        # 128 bits of the key keep the header on one line (RFC 5322 folds past 78 chars).
        return f"<notification.{self.idempotency_key[:32]}@{message_id_domain()}>"

    @staticmethod
    def make_idempotency_key(
        *, kind: str, event_key: str, recipient_id: int | None, email: str
    ) -> str:
        who = f"user:{recipient_id}" if recipient_id is not None else f"email:{email.lower()}"
        return hashlib.sha256(f"{kind}\x1f{event_key}\x1f{who}".encode()).hexdigest()


def message_id_domain() -> str:
    return getattr(settings, "NOTIFICATIONS_MESSAGE_ID_DOMAIN", "humanitech.fr")


class NotificationPreference(models.Model):
    """How one person wants one kind; no row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=64)
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_user_kind_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class AddressOptOut(models.Model):
    """An address without an account that asked for no more emails of one kind.

    Invitations go to addresses that may have no account: this is their only preference, so
    nobody can use the platform to keep mailing a person who said no.
    """

    email = models.EmailField(_("email address"))
    kind = models.CharField(_("kind"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscribed address")
        verbose_name_plural = _("unsubscribed addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "kind"], name="notif_optout_email_kind_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} {self.kind}"
