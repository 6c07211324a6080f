"""Every write to service work, one function per action."""

from .commissioning import *  # noqa: F403
from .commissioning import __all__ as _commissioning_all
from .plans import *  # noqa: F403
from .plans import __all__ as _plans_all
from .property import *  # noqa: F403
from .property import __all__ as _property_all
from .records import *  # noqa: F403
from .records import __all__ as _records_all

__all__ = list(_records_all) + list(_plans_all) + list(_property_all) + list(_commissioning_all)
