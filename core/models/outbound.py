"""Sales-order lines and shipments (the forward end of every trace)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, IdPk

SO_LINE_STATUSES = ("open", "partly_shipped", "shipped", "cancelled")


class SalesOrderLine(Base):
    __tablename__ = "so_line"
    __table_args__ = (
        UniqueConstraint("so_number", "line_no", name="uq_so_line_so_number_line_no"),
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("shipped_qty >= 0 AND shipped_qty <= qty", name="shipped_within_qty"),
        CheckConstraint(f"status IN {SO_LINE_STATUSES}", name="status"),
    )
    id: Mapped[IdPk]
    so_number: Mapped[str] = mapped_column(String(64), index=True)
    line_no: Mapped[int]
    customer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer.id"))
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    shipped_qty: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    warehouse_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("warehouse.id"))  # ships it


class Shipment(Base):
    __tablename__ = "shipment"
    id: Mapped[IdPk]
    operation_key: Mapped[str] = mapped_column(String(128))
    so_line_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("so_line.id"), index=True)
    customer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer.id"))
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lot.id"), index=True)
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    operator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("operator.id"))
    shipped_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
