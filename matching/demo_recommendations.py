"""Demo data of the matching app: recommendations."""

from humanitech.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    """Filled in with the recommendations work."""
