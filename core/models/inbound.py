"""Purchase-order lines and receipts (the inbound side: dock-to-stock is measured from here)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, CreatedAt, IdPk

PO_LINE_STATUSES = ("open", "partly_received", "received", "cancelled")


class PurchaseOrderLine(Base):
    __tablename__ = "po_line"
    __table_args__ = (
        UniqueConstraint("po_number", "line_no", name="uq_po_line_po_number_line_no"),
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("received_qty >= 0", name="received_nonneg"),
        CheckConstraint(f"status IN {PO_LINE_STATUSES}", name="status"),
    )
    id: Mapped[IdPk]
    po_number: Mapped[str] = mapped_column(String(64), index=True)
    line_no: Mapped[int]
    supplier_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("supplier.id"))
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    received_qty: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    warehouse_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("warehouse.id"))  # receives it
    created_at: Mapped[CreatedAt]  # the order date: the safety-stock plan's lead time runs from here to receipt


class Receipt(Base):
    """One posted receipt of one lot; putaway_at closes its dock-to-stock time."""

    __tablename__ = "receipt"
    id: Mapped[IdPk]
    operation_key: Mapped[str] = mapped_column(String(128), unique=True)
    po_line_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("po_line.id"), index=True)
    supplier_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("supplier.id"))
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lot.id"), index=True)
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    location_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("location.id"))
    status: Mapped[str] = mapped_column(String(12))
    operator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("operator.id"))
    terminal: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    over_receipt_reason: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("operator.id"))
    putaway_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    putaway_location_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("location.id"))
