from .catalogue import Part, PartCategory, StockLevel, Warehouse
from .counts import StockCount, StockCountEvent, StockCountLine
from .ledger import StockMove
from .requisitions import Requisition, RequisitionEvent, RequisitionLine
from .scrap import ScrapEvent, ScrapLine, ScrapRequest
from .transfers import Transfer, TransferLine

__all__ = [
    "Part",
    "PartCategory",
    "Requisition",
    "RequisitionEvent",
    "RequisitionLine",
    "ScrapEvent",
    "ScrapLine",
    "ScrapRequest",
    "StockCount",
    "StockCountEvent",
    "StockCountLine",
    "StockLevel",
    "StockMove",
    "Transfer",
    "TransferLine",
    "Warehouse",
]
