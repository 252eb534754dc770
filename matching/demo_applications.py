"""Demo data of the matching app: applications."""

from humanitech.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    """Filled in with the applications work."""
