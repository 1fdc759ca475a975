"""Lots, stock balances, the movement ledger and idempotent operations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, CreatedAt, IdPk
from core.vocabulary import QcStatus, StockStatus, values

STOCK_STATUSES = values(StockStatus)
QC_STATUSES = values(QcStatus)


class Lot(Base):
    __tablename__ = "lot"
    __table_args__ = (
        UniqueConstraint("item_id", "lot_no", name="uq_lot_item_lot_no"),
        CheckConstraint(f"qc_status IN {QC_STATUSES}", name="qc_status"),
    )
    id: Mapped[IdPk]
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    lot_no: Mapped[str] = mapped_column(String(64), index=True)
    supplier_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("supplier.id"))
    expiry: Mapped[date | None] = mapped_column(Date)
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    qc_status: Mapped[str] = mapped_column(String(8), default="none", server_default="none")
    inspected_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("operator.id"))
    inspected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    work_order_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("work_order.id", use_alter=True))
    produced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]


class StockBalance(Base):
    """On-hand per (location, item, lot, status); untracked items have lot_id NULL."""

    __tablename__ = "stock_balance"
    __table_args__ = (
        CheckConstraint("qty >= 0", name="qty_nonneg"),
        CheckConstraint("reserved >= 0 AND reserved <= qty", name="reserved_within_qty"),
        CheckConstraint(f"status IN {STOCK_STATUSES}", name="status"),
        Index(
            "uq_stock_balance_key",
            "location_id",
            "item_id",
            text("coalesce(lot_id, 0)"),
            "status",
            unique=True,
        ),
        Index("ix_stock_balance_item", "item_id", "status"),
        Index("ix_stock_balance_lot", "lot_id"),
    )
    id: Mapped[IdPk]
    location_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("location.id"))
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lot.id"))
    status: Mapped[str] = mapped_column(String(12))
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    reserved: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Movement(Base):
    """Append-only ledger: one row per leg of stock that moved, appeared or was consumed."""

    __tablename__ = "movement"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("from_location_id IS NOT NULL OR to_location_id IS NOT NULL", name="has_side"),
        Index("ix_movement_item_lot", "item_id", "lot_id"),
        Index("ix_movement_created_at", "created_at"),
    )
    id: Mapped[IdPk]
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lot.id"))
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    from_location_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("location.id"))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_location_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("location.id"))
    to_status: Mapped[str | None] = mapped_column(String(12))
    operator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("operator.id"))
    terminal: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(128))
    operation_key: Mapped[str | None] = mapped_column(String(128), index=True)
    created_at: Mapped[CreatedAt]
    # The transaction's batch (movement_batch(), migration 0017): the audit row that transaction appends holds
    # the batch's digest in its hash, so an edited movement breaks the chain.
    batch: Mapped[int] = mapped_column(BigInteger, server_default=text("movement_batch()"), index=True)


class Operation(Base):
    """One confirmed operator action, keyed by the terminal's idempotency key, bound to its operator, kind and
    payload."""

    __tablename__ = "operation"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("operator.id"))
    terminal: Mapped[str] = mapped_column(String(128))
    # sha256 of the confirmation's inputs (ledger.payload_digest): a replay must bring the same. NULL: an
    # operation from before migration 0016, replayed for its operator and kind alone.
    payload_digest: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSONB)
    created_at: Mapped[CreatedAt]
