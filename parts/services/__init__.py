"""Services of the parts app: every change of a document or of stock goes through one of these.

Each step locks its record, checks the stage and the role, records who/when/why and writes
its notifications to the outbox in the same transaction.
"""

from .counts import *  # noqa: F403
from .counts import __all__ as _counts
from .requisitions import *  # noqa: F403
from .requisitions import __all__ as _requisitions
from .scrap import *  # noqa: F403
from .scrap import __all__ as _scrap
from .transfers import *  # noqa: F403
from .transfers import __all__ as _transfers

__all__ = [*_counts, *_requisitions, *_scrap, *_transfers]
