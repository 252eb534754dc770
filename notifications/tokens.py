"""Signed one-click unsubscribe tokens: one per (recipient, kind), no login needed.

The token carries who (a user id, or an address without an account) and which kind; the
signature (a salt of its own) means a token can only ever change its own recipient and kind.
Tokens do not expire: an unsubscribe link in a year-old email must still work.
"""

from dataclasses import dataclass

from django.core import signing

SALT = "notifications.unsubscribe"
# A pseudo-kind: "stop the daily summary" (every kind currently in digest mode goes off).
DIGEST = "digest"


@dataclass(frozen=True)
class UnsubscribeTarget:
    kind: str
    user_id: int | None = None
    email: str = ""


def make_unsubscribe_token(*, kind: str, user_id: int | None = None, email: str = "") -> str:
    if (user_id is None) == (not email):
        raise ValueError("An unsubscribe token is for exactly one user or one address.")
    who = f"u:{user_id}" if user_id is not None else f"e:{email.lower()}"
    return signing.dumps({"w": who, "k": kind}, salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> UnsubscribeTarget | None:
    """The target of a genuine token, or None for anything tampered or malformed."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    who, kind = data.get("w"), data.get("k")
    if not isinstance(who, str) or not isinstance(kind, str):
        return None
    prefix, _, value = who.partition(":")
    if prefix == "u" and value.isdigit():
        return UnsubscribeTarget(kind=kind, user_id=int(value))
    if prefix == "e" and value:
        return UnsubscribeTarget(kind=kind, email=value)
    return None
