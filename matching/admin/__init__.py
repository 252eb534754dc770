# The admin of each concern registers itself on import.
from . import (
    allocations,  # noqa: F401
    applications,  # noqa: F401
    recommendations,  # noqa: F401
    taxonomy,  # noqa: F401
)
