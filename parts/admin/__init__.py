"""The parts admin, one module per area."""

from . import catalogue, counts, requisitions  # noqa: F401
