# The admin of each concern registers itself on import.
from . import taxonomy  # noqa: F401
from . import applications  # noqa: F401
from . import recommendations  # noqa: F401
