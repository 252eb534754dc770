"""Shared state passed from one app's demo seeder to the next (see ``seed_demo``)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accounts.models import User


@dataclass
class DemoContext:
    scale: int
    log: Callable[[str], object]
    # Demo accounts by the local part of their email: "association", "etudiant2", …
    users: dict[str, User] = field(default_factory=dict)
    # What earlier seeders created that later ones need (organisations, cohorts, …).
    objects: dict[str, Any] = field(default_factory=dict)
