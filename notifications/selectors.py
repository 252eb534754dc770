"""Reads of the notifications app."""

from django.db.models import QuerySet

from accounts.models import User

from .kinds import KINDS, Audience, Delivery
from .models import Notification, NotificationPreference


def notifications_for(*, user: User) -> QuerySet[Notification]:
    """A person's notification centre, newest first. Never reads ``about``: constant queries."""
    return Notification.objects.for_user(user).only(
        "pk", "kind", "link", "context", "created_at", "read_at", "recipient_id"
    )


def unread_count(*, user: User) -> int:
    return Notification.objects.for_user(user).unread().count()


def notification_preferences_for(*, user: User) -> dict[str, Delivery]:
    """Every kind with the delivery this person gets (their choice, else the default)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    result = {}
    for name, spec in KINDS.items():
        value = chosen.get(name)
        delivery = Delivery(value) if value else spec.default_delivery
        result[name] = delivery if delivery in spec.allowed_deliveries() else Delivery.IMMEDIATE
    return result


def notification_audiences_of(*, user: User) -> set[Audience]:
    """The preference sections a person has a stake in whatever their roles today: a kind
    they received, or one they already chose a setting for (one query)."""
    kinds = (
        Notification.objects.filter(recipient=user)
        .order_by()
        .values_list("kind")
        .union(NotificationPreference.objects.filter(user=user).order_by().values_list("kind"))
    )
    return {KINDS[kind].audience for (kind,) in kinds if kind in KINDS}


def count_failed_notifications() -> int:
    """Rows that gave up after their retries: the moderators' queue on the dashboard."""
    return Notification.objects.filter(state=Notification.State.FAILED).count()
