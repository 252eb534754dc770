"""Join codes and signed invitation links (pure: no database)."""

import re
import secrets
from datetime import timedelta

from django.core import signing

# No I/1 or O/0: codes are read aloud in class and copied from a slide.
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8  # 32**8 ≈ 10**12 codes; attempts are rate-limited on top of that.
INVITATION_VALIDITY = timedelta(days=14)

_SALTS = {"school": "students.school-invitation", "cohort": "students.cohort-invitation"}


class InvalidToken(Exception):
    pass


class ExpiredToken(InvalidToken):
    pass


def generate_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(text: str) -> str:
    """What the person typed, as stored: ``abcd-efgh `` → ``ABCDEFGH``."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())[:32]


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


def invitation_token(kind: str, pk: int, nonce: str) -> str:
    return signing.dumps([pk, nonce], salt=_SALTS[kind])


def read_invitation_token(kind: str, token: str) -> tuple[int, str]:
    """``(pk, nonce)`` from a token; :class:`ExpiredToken` after the validity period."""
    try:
        pk, nonce = signing.loads(token, salt=_SALTS[kind], max_age=INVITATION_VALIDITY)
    except signing.SignatureExpired as error:
        raise ExpiredToken from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidToken from error
    if not isinstance(pk, int) or not isinstance(nonce, str):
        raise InvalidToken
    return pk, nonce
