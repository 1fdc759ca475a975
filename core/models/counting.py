"""Cycle counts: a task per location, one line per counted item/lot (the expected quantity is never shown)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, CreatedAt, IdPk

TASK_STATUSES = ("open", "closed", "cancelled")
LINE_STATUSES = ("posted", "pending", "approved", "recount")


class CountTask(Base):
    __tablename__ = "count_task"
    __table_args__ = (
        CheckConstraint(f"status IN {TASK_STATUSES}", name="status"),
        # one open count per location: counting freezes the location's picks until closed
        Index("uq_count_task_open", "location_id", unique=True, postgresql_where=text("status = 'open'")),
    )
    id: Mapped[IdPk]
    location_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("location.id"))
    source: Mapped[str] = mapped_column(String(16))  # alert | abc | manual | recount
    status: Mapped[str] = mapped_column(String(12), default="open", server_default="open")
    created_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("operator.id"))
    created_at: Mapped[CreatedAt]
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CountLine(Base):
    """One line per item/lot of a task (the task is one location): a recount replaces the line's count.

    `expected_qty` is the book at the moment of the (latest) count, less what this line had already posted, so
    `counted_qty - expected_qty` is the line's whole variance; `adjusted_qty` is what its movements (reference
    `count line <id>`) have posted so far. A posted or approved line has `adjusted_qty = counted - expected`."""

    __tablename__ = "count_line"
    __table_args__ = (
        CheckConstraint(f"status IN {LINE_STATUSES}", name="status"),
        # one line per location/item/lot per task: counting the same lot again replaces its count
        Index("uq_count_line_item_lot", "task_id", "item_id", text("coalesce(lot_id, 0)"), unique=True),
    )
    id: Mapped[IdPk]
    task_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("count_task.id"), index=True)
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lot.id"))
    # a serial found here while the book had it there: the line proposes a move of that one unit from there
    from_location_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("location.id"))
    counted_qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    expected_qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    within_tolerance: Mapped[bool]
    status: Mapped[str] = mapped_column(String(12))
    counted_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("operator.id"))
    # everyone who counted this line: none of them approves its variance (four eyes)
    counters: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), server_default="{}")
    adjusted_qty: Mapped[Decimal] = mapped_column(Numeric(18, 6), server_default="0")
    counted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("operator.id"))
    reason: Mapped[str | None] = mapped_column(Text)
