"""SQLAlchemy models, one module per aggregate."""

from core.models.audit import AuditEntry, OutboxEvent
from core.models.base import Base
from core.models.masterdata import Customer, Item, Location, Supplier, Warehouse
from core.models.people import Operator
from core.models.stock import Lot, Movement, Operation, StockBalance

__all__ = [
    "AuditEntry",
    "Base",
    "Customer",
    "Item",
    "Location",
    "Lot",
    "Movement",
    "Operation",
    "Operator",
    "OutboxEvent",
    "StockBalance",
    "Supplier",
    "Warehouse",
]
