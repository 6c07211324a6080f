from .catalogue import Part, PartCategory, StockLevel, Warehouse
from .ledger import StockMove

__all__ = ["Part", "PartCategory", "StockLevel", "StockMove", "Warehouse"]
