"""Every write to service work, one function per action."""

from .commissioning import *  # noqa: F403
from .commissioning import __all__ as _commissioning_all
from .plans import *  # noqa: F403
from .plans import __all__ as _plans_all
from .property import *  # noqa: F403
from .property import __all__ as _property_all
from .quotes import *  # noqa: F403
from .quotes import __all__ as _quotes_all
from .records import *  # noqa: F403
from .records import __all__ as _records_all

__all__ = [*_records_all, *_plans_all, *_property_all, *_commissioning_all, *_quotes_all]
