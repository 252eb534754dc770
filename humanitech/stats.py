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
    from organisations import selectors as organisations
    from students import selectors as students

    return PlatformCounts(
        organisations=organisations.count_verified_organisations(),
        published_briefs=organisations.count_published_briefs(),
        students=students.count_enrolled_students(),
        delivered_projects=organisations.count_delivered_briefs(),
    )
