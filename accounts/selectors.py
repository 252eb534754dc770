"""Read-only questions about accounts that other apps ask."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from .models import User


def verified_addresses(user: User) -> set[str]:
    """The person's addresses an invitation may be addressed to: their login address and
    every address they verified, lower-cased. One query."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {user.email.lower()} | {address.lower() for address in verified}
