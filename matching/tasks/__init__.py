# Celery autodiscovery imports this package: each concern's tasks module registers here.
from . import (
    allocations,  # noqa: F401
    applications,  # noqa: F401
    recommendations,  # noqa: F401
)
