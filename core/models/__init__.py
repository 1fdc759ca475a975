"""SQLAlchemy models, one module per aggregate."""

from core.models.alerts import Alert, AlertRule
from core.models.audit import AuditEntry, AuditHead, OutboxEvent
from core.models.base import Base
from core.models.counting import CountLine, CountTask
from core.models.inbound import PurchaseOrderLine, Receipt
from core.models.integration import InboundMessage
from core.models.masterdata import Customer, Item, Location, Supplier, Warehouse
from core.models.outbound import SalesOrderLine, Shipment
from core.models.packaging import AsnLine, Packaging, Pallet, PalletContent
from core.models.people import LoginThrottle, Operator
from core.models.production import (
    BomLine,
    Genealogy,
    PickTask,
    ReplenishmentRequest,
    Reservation,
    WorkOrder,
    WorkOrderIssue,
)
from core.models.replenishment import LineStock, ReplenishmentTask
from core.models.shopfloor import (
    Downtime,
    DowntimeReason,
    Measurement,
    Nonconformance,
    OperationEvent,
    QcCharacteristic,
    Routing,
    WorkCenter,
    WorkOrderOperation,
)
from core.models.stock import Lot, Movement, Operation, StockBalance

__all__ = [
    "Alert",
    "LineStock",
    "ReplenishmentTask",
    "AlertRule",
    "BomLine",
    "CountLine",
    "CountTask",
    "Genealogy",
    "InboundMessage",
    "PickTask",
    "ReplenishmentRequest",
    "Reservation",
    "WorkOrder",
    "WorkOrderIssue",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Customer",
    "Item",
    "Location",
    "LoginThrottle",
    "Lot",
    "Movement",
    "Operation",
    "Operator",
    "OutboxEvent",
    "PurchaseOrderLine",
    "Receipt",
    "SalesOrderLine",
    "Shipment",
    "StockBalance",
    "Supplier",
    "Warehouse",
    "Downtime",
    "DowntimeReason",
    "Measurement",
    "Nonconformance",
    "OperationEvent",
    "QcCharacteristic",
    "Routing",
    "WorkCenter",
    "WorkOrderOperation",
    "AsnLine",
    "Packaging",
    "Pallet",
    "PalletContent",
]
