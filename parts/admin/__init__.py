"""The parts admin, one module per area."""

from . import catalogue, counts, purchasing, requisitions  # noqa: F401
