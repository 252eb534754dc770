"""The invitations waiting for the signed-in person, whatever they invite to: the dashboard
lists them so that nobody depends on keeping the email's link (confirming one's address in
another browser, for instance, loses it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import verified_addresses
from organisations.selectors import invitations_waiting_for
from students.selectors import cohort_invitations_waiting_for, school_invitations_waiting_for


@dataclass(frozen=True)
class PendingInvitation:
    place: str  # what the person would join
    what: str  # in which capacity
    inviter: str
    expires_at: datetime
    accept_url: str


def pending_invitations(user: User) -> list[PendingInvitation]:
    """Pending, unexpired invitations sent to one of the person's verified addresses, to
    places they have not joined yet, soonest to expire first. Four queries."""
    addresses = verified_addresses(user)
    found = [
        _entry(
            i, i.organisation.name, _("member of the organisation"), "organisations:invitation_join"
        )
        for i in invitations_waiting_for(user, addresses)
    ]
    found += [
        _entry(
            i,
            i.school.name,
            _("school staff (%(role)s)") % {"role": i.get_role_display()},
            "students:school_invitation_join",
        )
        for i in school_invitations_waiting_for(user, addresses)
    ]
    found += [
        _entry(
            i,
            f"{i.cohort.name} — {i.cohort.school.name}",
            _("student of the cohort"),
            "students:cohort_invitation_join",
        )
        for i in cohort_invitations_waiting_for(user, addresses)
    ]
    return sorted(found, key=lambda invitation: invitation.expires_at)


def _entry(invitation: Any, place: str, what: str, accept_url_name: str) -> PendingInvitation:
    """One line of the list, accepted at ``accept_url_name``."""
    inviter = invitation.invited_by
    return PendingInvitation(
        place=place,
        what=what,
        inviter=inviter.display_name if inviter is not None else "HumanITech",
        expires_at=invitation.expires_at,
        accept_url=reverse(accept_url_name, args=[invitation.pk]),
    )
