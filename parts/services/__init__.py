"""Services of the parts app: every change of a document or of stock goes through one of these.

Each step locks its record, checks the stage and the role, records who/when/why and writes
its notifications to the outbox in the same transaction.
"""

from .counts import *  # noqa: F403
from .counts import __all__ as _counts
from .purchasing import *  # noqa: F403
from .purchasing import __all__ as _purchasing
from .reorder import *  # noqa: F403
from .reorder import __all__ as _reorder
from .requisitions import *  # noqa: F403
from .requisitions import __all__ as _requisitions
from .scrap import *  # noqa: F403
from .scrap import __all__ as _scrap
from .suppliers import *  # noqa: F403
from .suppliers import __all__ as _suppliers
from .transfers import *  # noqa: F403
from .transfers import __all__ as _transfers

__all__ = [*_counts, *_purchasing, *_reorder, *_requisitions, *_scrap, *_suppliers, *_transfers]
