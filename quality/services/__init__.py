"""Every write to the quality chain, one function per action."""

from .capa import *  # noqa: F403
from .capa import __all__ as _capa_all
from .sheet import *  # noqa: F403
from .sheet import __all__ as _sheet_all

__all__ = list(_sheet_all) + list(_capa_all)
