"""The parts admin, one module per area."""

from . import (
    catalogue,  # noqa: F401
    requisitions,  # noqa: F401
)
