"""Every write to complaints, one function per action."""

from .complaint import *  # noqa: F403
from .complaint import __all__ as __all__  # noqa: PLC0414
