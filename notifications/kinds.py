"""The registry of notification kinds: the contract between this app and the apps that emit.

Each kind names who receives it, what it is about and which ``context`` keys its templates
read (see docs/notifications.md). A kind has templates in
``notifications/templates/notifications/email/<kind>/{subject.txt,body.txt,body.html}``.

``subject.txt`` doubles as the one-line title in the in-app centre and in the daily digest,
so it must only read ``context`` (never ``about``): that keeps the centre at a constant
number of queries.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class Delivery(models.TextChoices):
    """How a person wants to receive a kind of notification by email."""

    IMMEDIATE = "immediate", _("Right away")
    DIGEST = "digest", _("In a daily summary")
    OFF = "off", _("Never by email")


class Audience(models.TextChoices):
    """Groups the preferences page by who typically receives a kind."""

    ORGANISATION = "organisation", _("Your organisation and its projects")
    STUDENT = "student", _("Your applications and projects")
    SCHOOL = "school", _("Your school and cohorts")
    INVITATIONS = "invitations", _("Invitations and teams")


def _dates(*keys: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The emitter sends ISO dates (JSON has none); templates want dates to format."""

    def prepare(context: dict[str, Any]) -> dict[str, Any]:
        prepared = dict(context)
        for key in keys:
            value = prepared.get(key)
            if isinstance(value, str) and value:
                prepared[key] = datetime.date.fromisoformat(value[:10])
        return prepared

    return prepare


@dataclass(frozen=True)
class Kind:
    name: str
    label: "StrPromise"
    # Keys the emitter must put in ``context`` (more are allowed).
    context_keys: tuple[str, ...]
    audience: Audience
    # Kinds that cannot be turned off say why; the preferences page shows it.
    mandatory_reason: "StrPromise | None" = None
    default_delivery: Delivery = Delivery.IMMEDIATE
    can_digest: bool = True
    # Turns the stored JSON context into what the templates want (dates…).
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = field(default=None)

    @property
    def can_turn_off(self) -> bool:
        return self.mandatory_reason is None

    def allowed_deliveries(self) -> list[Delivery]:
        allowed = [Delivery.IMMEDIATE]
        if self.can_digest:
            allowed.append(Delivery.DIGEST)
        if self.can_turn_off:
            allowed.append(Delivery.OFF)
        return allowed

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return self.prepare(context) if self.prepare else dict(context)


_MODERATION = _("This is a moderation decision about something you manage.")
_DECISION = _("This is a decision about your application or your project.")

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        # Organisations (#3).
        Kind(
            "organisation_verified",
            _("Your organisation is verified"),
            ("organisation_name",),
            audience=Audience.ORGANISATION,
            mandatory_reason=_MODERATION,
            can_digest=False,
        ),
        Kind(
            "organisation_rejected",
            _("Your organisation was not verified"),
            ("organisation_name", "reason"),
            audience=Audience.ORGANISATION,
            mandatory_reason=_MODERATION,
            can_digest=False,
        ),
        Kind(
            "organisation_invitation",
            _("Invitations to join an organisation"),
            ("organisation_name", "inviter_name"),
            audience=Audience.INVITATIONS,
            can_digest=False,
            # Optional: when the link stops working.
            prepare=_dates("expires_at"),
        ),
        Kind(
            "brief_published",
            _("Your project is published"),
            ("brief_title",),
            audience=Audience.ORGANISATION,
        ),
        Kind(
            "brief_rejected",
            _("Your project was not published"),
            ("brief_title", "reason"),
            audience=Audience.ORGANISATION,
            mandatory_reason=_MODERATION,
            can_digest=False,
        ),
        # Schools and cohorts (#4).
        Kind(
            "school_invitation",
            _("Invitations to join a school"),
            ("school_name", "inviter_name"),
            audience=Audience.INVITATIONS,
            can_digest=False,
            # Optional: when the link stops working.
            prepare=_dates("expires_at"),
        ),
        Kind(
            "cohort_invitation",
            _("Invitations to join a cohort"),
            ("cohort_name", "school_name", "inviter_name"),
            audience=Audience.INVITATIONS,
            can_digest=False,
            # Optional: when the link stops working.
            prepare=_dates("expires_at"),
        ),
        # Applications (#5).
        Kind(
            "application_received",
            _("A student applies to your project"),
            ("brief_title", "student_name"),
            audience=Audience.ORGANISATION,
        ),
        Kind(
            "application_withdrawn",
            _("A student withdraws an application"),
            ("brief_title", "student_name"),
            audience=Audience.ORGANISATION,
        ),
        Kind(
            "application_shortlisted",
            _("Your application is shortlisted"),
            ("brief_title", "organisation_name", "note"),
            audience=Audience.STUDENT,
        ),
        Kind(
            "application_accepted",
            _("Your application is accepted"),
            ("brief_title", "organisation_name", "note"),
            audience=Audience.STUDENT,
            mandatory_reason=_DECISION,
            can_digest=False,
        ),
        Kind(
            "application_declined",
            _("Your application is declined"),
            ("brief_title", "organisation_name", "note", "similar_briefs"),
            audience=Audience.STUDENT,
            mandatory_reason=_DECISION,
            can_digest=False,
        ),
        Kind(
            "approval_requested",
            _("A student of your cohort asks for approval"),
            ("student_name", "brief_title", "cohort_name"),
            audience=Audience.SCHOOL,
        ),
        Kind(
            "approval_given",
            _("Your school approves your application"),
            ("brief_title",),
            audience=Audience.STUDENT,
        ),
        Kind(
            "approval_refused",
            _("Your school does not approve your application"),
            ("brief_title", "cohort_name", "reason"),
            audience=Audience.STUDENT,
            mandatory_reason=_DECISION,
            can_digest=False,
        ),
        Kind(
            "placement_published",
            _("A team is formed for a project"),
            ("brief_title", "cohort_name", "organisation_name"),
            audience=Audience.INVITATIONS,
            mandatory_reason=_DECISION,
            can_digest=False,
        ),
        # Reminders and recommendations.
        Kind(
            "brief_ending_soon",
            _("Reminder: your project ends soon"),
            ("brief_title", "end_date"),
            audience=Audience.ORGANISATION,
            prepare=_dates("end_date"),
        ),
        Kind(
            "application_unanswered",
            _("Reminder: an application is waiting for your answer"),
            ("brief_title", "student_name", "days"),
            audience=Audience.ORGANISATION,
        ),
        Kind(
            "new_briefs_weekly",
            _("New projects for you, every week"),
            ("briefs",),
            audience=Audience.STUDENT,
            # It already is a weekly summary: a daily digest of it makes no sense.
            can_digest=False,
        ),
    )
}


def kind_for(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"Unknown notification kind: {name!r}") from None
