"""The invitations waiting for the signed-in person, whatever they invite to: the dashboard
lists them so that nobody depends on keeping the email's link (confirming one's address in
another browser, for instance, loses it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
        PendingInvitation(
            place=invitation.organisation.name,
            what=_("member of the organisation"),
            inviter=_inviter(invitation.invited_by),
            expires_at=invitation.expires_at,
            accept_url=reverse("organisations:invitation_join", args=[invitation.pk]),
        )
        for invitation in invitations_waiting_for(user, addresses)
    ]
    found += [
        PendingInvitation(
            place=invitation.school.name,
            what=_("school staff (%(role)s)") % {"role": invitation.get_role_display()},
            inviter=_inviter(invitation.invited_by),
            expires_at=invitation.expires_at,
            accept_url=reverse("students:school_invitation_join", args=[invitation.pk]),
        )
        for invitation in school_invitations_waiting_for(user, addresses)
    ]
    found += [
        PendingInvitation(
            place=f"{invitation.cohort.name} — {invitation.cohort.school.name}",
            what=_("student of the cohort"),
            inviter=_inviter(invitation.invited_by),
            expires_at=invitation.expires_at,
            accept_url=reverse("students:cohort_invitation_join", args=[invitation.pk]),
        )
        for invitation in cohort_invitations_waiting_for(user, addresses)
    ]
    return sorted(found, key=lambda invitation: invitation.expires_at)


def _inviter(user: User | None) -> str:
    return user.display_name if user is not None else "HumanITech"
