"""Every write to complaints, one function per action."""

from .around import *  # noqa: F403
from .around import __all__ as _around_all
from .complaint import *  # noqa: F403
from .complaint import __all__ as _complaint_all

__all__ = list(_complaint_all) + list(_around_all)
