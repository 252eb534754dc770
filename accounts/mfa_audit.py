"""Second-factor changes go to the audit trail (moderators read it in the admin): with staff
required to hold one, adding or removing it is a security event like any other."""

from typing import Any

from allauth.mfa import signals
from allauth.mfa.models import Authenticator

from .audit import audit_record
from .models import User


def _record(action: str) -> Any:
    def receiver(*, user: User, authenticator: Authenticator, **kwargs: Any) -> None:
        audit_record(actor=user, action=action, target=user, data={"type": authenticator.type})

    return receiver


ADDED = _record("mfa.added")
REMOVED = _record("mfa.removed")
RESET = _record("mfa.reset")


def connect() -> None:
    signals.authenticator_added.connect(ADDED, dispatch_uid="audit-mfa-added")
    signals.authenticator_removed.connect(REMOVED, dispatch_uid="audit-mfa-removed")
    signals.authenticator_reset.connect(RESET, dispatch_uid="audit-mfa-reset")
