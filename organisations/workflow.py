"""The brief and organisation state machines as data (no database).

Services look transitions up here, so who may move a brief from which state to which is
written once. Views read the same table to offer only the actions a person may take.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class BriefState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Changes requested")
    CANCELLED = "cancelled", _("Cancelled")


class VerificationState(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Actor(StrEnum):
    """What a person is with respect to one organisation's brief."""

    OWNER = "owner"
    MEMBER = "member"
    MODERATOR = "moderator"
    # Another workflow acting for the platform (e.g. a published cohort allocation starts a
    # brief); it has checked its own permissions before calling.
    PLATFORM = "platform"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    actors: frozenset[Actor]
    needs_reason: bool = False


def _t(action: str, sources: set[str], target: str, actors: set[Actor], **kw: bool) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(actors), **kw)


S = BriefState
BRIEF_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("submit", {S.DRAFT, S.REJECTED}, S.SUBMITTED, {Actor.OWNER}),
        _t("publish", {S.SUBMITTED}, S.PUBLISHED, {Actor.MODERATOR}),
        _t("reject", {S.SUBMITTED}, S.REJECTED, {Actor.MODERATOR}, needs_reason=True),
        _t(
            "start",
            {S.PUBLISHED},
            S.IN_PROGRESS,
            {Actor.OWNER, Actor.MEMBER, Actor.MODERATOR, Actor.PLATFORM},
        ),
        _t("deliver", {S.IN_PROGRESS}, S.DELIVERED, {Actor.OWNER}),
        _t("close", {S.DELIVERED}, S.CLOSED, {Actor.OWNER, Actor.MODERATOR}),
        _t(
            "cancel",
            {S.DRAFT, S.SUBMITTED, S.REJECTED, S.PUBLISHED, S.IN_PROGRESS},
            S.CANCELLED,
            {Actor.OWNER},
        ),
    )
}

# Content can change only before moderation or after a moderator asked for changes.
EDITABLE_STATES = frozenset({S.DRAFT, S.REJECTED})
# States a visitor may see (detail page); the catalogue lists PUBLISHED only.
PUBLIC_STATES = frozenset({S.PUBLISHED, S.IN_PROGRESS, S.DELIVERED, S.CLOSED})
FINISHED_STATES = frozenset({S.DELIVERED, S.CLOSED})

V = VerificationState
ORGANISATION_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("verify", {V.PENDING, V.REJECTED}, V.VERIFIED, {Actor.MODERATOR}),
        _t("reject", {V.PENDING, V.VERIFIED}, V.REJECTED, {Actor.MODERATOR}, needs_reason=True),
        # An owner changing the organisation's identity, or correcting a rejected one, asks
        # for a new verification.
        _t("resubmit", {V.VERIFIED, V.REJECTED}, V.PENDING, {Actor.OWNER}),
    )
}


class TransitionError(Exception):
    """The object is not in a state the action starts from."""


def transition_for(table: dict[str, Transition], action: str, state: str) -> Transition:
    transition = table[action]
    if state not in transition.sources:
        raise TransitionError(f"{action} is not possible from {state}")
    return transition


def may(transition: Transition, actors: set[Actor]) -> bool:
    return bool(transition.actors & actors)


def available_actions(table: dict[str, Transition], state: str, actors: set[Actor]) -> list[str]:
    """The actions these actors may take from ``state``, in the table's order."""
    return [
        action
        for action, transition in table.items()
        if state in transition.sources and may(transition, actors)
    ]
