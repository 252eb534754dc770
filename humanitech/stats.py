"""Platform-wide figures shown on the home page."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformCounts:
    organisations: int
    published_briefs: int
    students: int
    delivered_projects: int


def platform_counts() -> PlatformCounts:
    # Each figure comes from the app that owns it; apps not built yet count nothing.
    return PlatformCounts(organisations=0, published_briefs=0, students=0, delivered_projects=0)
