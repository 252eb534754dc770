"""Demo data of the matching app, one module per concern, in dependency order."""

from humanitech.demo import DemoContext

from . import demo_allocations, demo_applications, demo_recommendations


def seed(ctx: DemoContext) -> None:
    demo_applications.seed(ctx)
    demo_allocations.seed(ctx)
    # Last: scores every student against every published brief, including the above.
    demo_recommendations.seed(ctx)
