"""BOMs, work orders, reservations, pick tasks, issues to work orders, genealogy and replenishment requests."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, CreatedAt, IdPk
from core.vocabulary import WorkOrderState, values

WO_STATUSES = values(WorkOrderState)
TASK_STATUSES = ("open", "picked", "short", "cancelled")


class BomLine(Base):
    __tablename__ = "bom_line"
    __table_args__ = (
        UniqueConstraint("parent_item_id", "component_item_id", name="uq_bom_line_parent_component"),
        CheckConstraint("qty_per > 0", name="qty_per_positive"),
        CheckConstraint("scrap_pct >= 0 AND scrap_pct < 100", name="scrap_pct"),
        CheckConstraint("parent_item_id <> component_item_id", name="not_self"),
    )
    id: Mapped[IdPk]
    parent_item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"), index=True)
    component_item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    qty_per: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    scrap_pct: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=0, server_default="0")
    backflush: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")


class WorkOrder(Base):
    __tablename__ = "work_order"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint(f"status IN {WO_STATUSES}", name="status"),
        CheckConstraint("schedule_position IS NULL OR schedule_position > 0", name="schedule_position_positive"),
        Index("ix_work_order_open_due", "due_date", postgresql_where="status IN ('planned','released','in_progress')"),
    )
    id: Mapped[IdPk]
    wo_number: Mapped[str] = mapped_column(String(64), unique=True)
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    due_date: Mapped[date] = mapped_column(Date)
    line: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(12), default="planned", server_default="planned")
    qty_completed: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    qty_scrapped: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    output_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]
    schedule_position: Mapped[int | None] = mapped_column(Integer)  # pinned by a supervisor (core/services/schedule)


class Reservation(Base):
    """Stock held for a work order at one balance key; stock_balance.reserved is the sum of these."""

    __tablename__ = "reservation"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        Index("ix_reservation_balance", "location_id", "item_id", "lot_id"),
        Index("uq_reservation_key", "work_order_id", "location_id", "item_id", text("coalesce(lot_id, 0)"),
              unique=True),
    )
    id: Mapped[IdPk]
    work_order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_order.id"), index=True)
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lot.id"))
    location_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("location.id"))
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    created_at: Mapped[CreatedAt]


class PickTask(Base):
    __tablename__ = "pick_task"
    __table_args__ = (CheckConstraint(f"status IN {TASK_STATUSES}", name="status"),)
    id: Mapped[IdPk]
    work_order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_order.id"), index=True)
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lot.id"))
    from_location_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("location.id"))
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    picked_qty: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(12), default="open", server_default="open")
    claimed_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("operator.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    picked_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("operator.id"))
    picked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WorkOrderIssue(Base):
    """Material consumed by a work order (ledger kind `issue` or backflush): the source of genealogy."""

    __tablename__ = "wo_issue"
    id: Mapped[IdPk]
    work_order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_order.id"), index=True)
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lot.id"), index=True)
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    operator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("operator.id"))
    backflush: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    approved_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("operator.id"))  # over-issue only
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[CreatedAt]


class Genealogy(Base):
    """input lot -> output lot, with the quantity of the input that went into that output."""

    __tablename__ = "genealogy"
    __table_args__ = (
        UniqueConstraint("input_lot_id", "output_lot_id", "work_order_id", name="uq_genealogy_link"),
        CheckConstraint("input_lot_id <> output_lot_id", name="not_self"),
        Index("ix_genealogy_output", "output_lot_id"),
    )
    id: Mapped[IdPk]
    input_lot_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("lot.id"))
    output_lot_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("lot.id"))
    work_order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_order.id"))
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    created_at: Mapped[CreatedAt]


class ReplenishmentRequest(Base):
    __tablename__ = "replenishment_request"
    id: Mapped[IdPk]
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    work_order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_order.id"), index=True)
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    need_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open", server_default="open")
    created_at: Mapped[CreatedAt]
