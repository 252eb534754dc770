"""Demo data of the matching app: allocations."""

from humanitech.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    """Filled in with the allocations work."""
