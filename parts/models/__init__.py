from .catalogue import Part, PartCategory, StockLevel, Warehouse
from .ledger import StockMove
from .requisitions import Requisition, RequisitionEvent, RequisitionLine

__all__ = [
    "Part",
    "PartCategory",
    "StockLevel",
    "StockMove",
    "Warehouse",
    "Requisition",
    "RequisitionEvent",
    "RequisitionLine",
]
