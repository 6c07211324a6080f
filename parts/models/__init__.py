from .catalogue import Part, PartCategory, StockLevel, Warehouse
from .counts import StockCount, StockCountEvent, StockCountLine
from .ledger import StockMove
from .purchasing import PlanEvent, PurchasePlan, PurchasePlanLine, PurchaseReceipt
from .requisitions import Requisition, RequisitionEvent, RequisitionLine
from .scrap import ScrapEvent, ScrapLine, ScrapRequest
from .suppliers import Supplier, SupplierContact, SupplierDocument, SupplierPart, SupplierRating
from .transfers import Transfer, TransferLine

__all__ = [
    "Part",
    "PartCategory",
    "PlanEvent",
    "PurchasePlan",
    "PurchasePlanLine",
    "PurchaseReceipt",
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
    "Supplier",
    "SupplierContact",
    "SupplierDocument",
    "SupplierPart",
    "SupplierRating",
    "Transfer",
    "TransferLine",
    "Warehouse",
]
