"""Line-side min/max (line_stock) and the replenishment tasks it raises: at most one open task per location and
item (a partial unique index), so concurrent consumptions can never raise two."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, CreatedAt, IdPk

TASK_STATUSES = ("open", "picked", "done", "cancelled")
ACTIVE = "status IN ('open', 'picked')"


class LineStock(Base):
    """Min and max (base units) of one item at one line-side location."""

    __tablename__ = "line_stock"
    __table_args__ = (
        UniqueConstraint("location_id", "item_id", name="uq_line_stock_location_item"),
        CheckConstraint("min_qty >= 0 AND min_qty <= max_qty", name="min_within_max"),
    )
    id: Mapped[IdPk]
    location_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("location.id"))
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    min_qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    max_qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))


class ReplenishmentTask(Base):
    """Bring `qty` of an item from a storage source (FEFO) to a line-side location that fell below its min."""

    __tablename__ = "replenishment_task"
    __table_args__ = (
        CheckConstraint(f"status IN {TASK_STATUSES}", name="status"),
        CheckConstraint("qty > 0", name="qty_positive"),
        Index("uq_replenishment_task_open", "location_id", "item_id", unique=True, postgresql_where=text(ACTIVE)),
        Index("ix_replenishment_task_open_created", "created_at", postgresql_where=text(ACTIVE)),
    )
    id: Mapped[IdPk]
    location_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("location.id"))
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    status: Mapped[str] = mapped_column(String(12), default="open", server_default="open")
    from_location_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("location.id"))
    lot_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lot.id"))
    created_at: Mapped[CreatedAt]
    claimed_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("operator.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("operator.id"))
