"""The URL-access matrix: every named URL must declare what each role gets.

Each app declares its URLs in ``tests/access/policies_<app>.py`` as a ``POLICIES`` dict
mapping a URL name (``namespace:name``) to a :class:`Policy`. The matrix test walks every
urlpattern: a URL without a policy fails the build.

Expected outcomes per role: an HTTP status (200, 403, 404, 405…), ``LOGIN`` (a redirect to
the login page) or ``REDIRECT`` (any other redirect). ``"*"`` is the default for roles not
listed.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"
REDIRECT = "redirect"

Expected = int | str


@dataclass(frozen=True)
class Policy:
    expected: Mapping[str, object]
    # Builds the URL kwargs (and may create objects) from the cast.
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def outcome_for(self, role: str) -> object:
        return self.expected[role] if role in self.expected else self.expected["*"]


@dataclass(frozen=True)
class Covered:
    """A URL whose access is checked elsewhere (named here so it is not forgotten)."""

    by: str


# Shorthands for the common shapes.
PUBLIC = Policy({"*": 200})
PRIVATE_ANY_USER = Policy({"*": 200, "anonymous": LOGIN})
ANONYMOUS_ONLY = Policy({"*": REDIRECT, "anonymous": 200})
