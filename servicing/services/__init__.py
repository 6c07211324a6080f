"""Every write to service work, one function per action."""

from .records import *  # noqa: F403
from .records import __all__ as _records_all

__all__ = list(_records_all)
