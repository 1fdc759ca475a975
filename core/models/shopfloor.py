"""The shop floor: work centres, routings, QC plans, a work order's operations, their events and measurements,
nonconformances and downtime."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, CreatedAt, IdPk

OPERATION_STATUSES = ("planned", "running", "done")
EVENT_KINDS = ("start", "finish")
NC_STATUSES = ("open", "closed")
DISPOSITIONS = ("scrap", "rework", "use_as_is")


class WorkCenter(Base):
    __tablename__ = "work_center"
    id: Mapped[IdPk]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    line: Mapped[str] = mapped_column(String(32))


class DowntimeReason(Base):
    __tablename__ = "downtime_reason"
    id: Mapped[IdPk]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    planned: Mapped[bool] = mapped_column(Boolean)


class QcCharacteristic(Base):
    """One characteristic of a QC plan, with its limits (either may be open)."""

    __tablename__ = "qc_characteristic"
    __table_args__ = (
        UniqueConstraint("plan", "characteristic", name="uq_qc_characteristic_plan_characteristic"),
        CheckConstraint("min_value IS NULL OR max_value IS NULL OR min_value <= max_value", name="limits"),
    )
    id: Mapped[IdPk]
    plan: Mapped[str] = mapped_column(String(64))
    characteristic: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(16))
    min_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    max_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))


class Routing(Base):
    """An item's operations in op_no order: where, the ideal minutes per unit, setup, the in-process checks."""

    __tablename__ = "routing"
    __table_args__ = (
        UniqueConstraint("item_id", "op_no", name="uq_routing_item_op_no"),
        CheckConstraint("minutes_per_unit > 0", name="minutes_positive"),
        CheckConstraint("setup_minutes >= 0", name="setup_not_negative"),
    )
    id: Mapped[IdPk]
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    op_no: Mapped[int] = mapped_column(Integer)
    work_center_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_center.id"))
    minutes_per_unit: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    setup_minutes: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    qc_plan: Mapped[str | None] = mapped_column(String(64))


class WorkOrderOperation(Base):
    """One step of a work order, made from its item's routing at release (or a rework step added later)."""

    __tablename__ = "wo_operation"
    __table_args__ = (
        UniqueConstraint("work_order_id", "op_no", name="uq_wo_operation_work_order_op_no"),
        CheckConstraint(f"status IN {OPERATION_STATUSES}", name="status"),
        CheckConstraint("good >= 0 AND scrap >= 0", name="quantities"),
        Index("ix_wo_operation_center_finished", "work_center_id", "finished_at"),
    )
    id: Mapped[IdPk]
    work_order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_order.id"))
    op_no: Mapped[int] = mapped_column(Integer)
    work_center_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_center.id"))
    status: Mapped[str] = mapped_column(String(12), default="planned", server_default="planned")
    good: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    scrap: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    scrap_reason: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    minutes_per_unit: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    setup_minutes: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    qc_plan: Mapped[str | None] = mapped_column(String(64))
    rework_of: Mapped[int | None] = mapped_column(BigInteger)  # the nonconformance a rework step answers


class OperationEvent(Base):
    """Who started or finished an operation, where and when (several operators may work one)."""

    __tablename__ = "operation_event"
    __table_args__ = (CheckConstraint(f"kind IN {EVENT_KINDS}", name="kind"),)
    id: Mapped[IdPk]
    wo_operation_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wo_operation.id"), index=True)
    operator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("operator.id"))
    terminal: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(8))


class Measurement(Base):
    __tablename__ = "measurement"
    id: Mapped[IdPk]
    wo_operation_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("wo_operation.id"), index=True)
    characteristic: Mapped[str] = mapped_column(String(64))
    value: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    ok: Mapped[bool] = mapped_column(Boolean)
    operator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("operator.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Nonconformance(Base):
    """A failed check, or a lot quality raised: open until disposed (scrap, rework that passed, use as is)."""

    __tablename__ = "nonconformance"
    __table_args__ = (
        CheckConstraint(f"status IN {NC_STATUSES}", name="status"),
        CheckConstraint(f"disposition IS NULL OR disposition IN {DISPOSITIONS}", name="disposition"),
        Index("ix_nonconformance_open", "work_order_id", postgresql_where="status = 'open'"),
    )
    id: Mapped[IdPk]
    wo_operation_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("wo_operation.id"))
    work_order_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("work_order.id"))
    lot_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lot.id"))
    characteristic: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    reason: Mapped[str | None] = mapped_column(Text)
    qty: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    status: Mapped[str] = mapped_column(String(8), default="open", server_default="open")
    disposition: Mapped[str | None] = mapped_column(String(12))
    disposition_reason: Mapped[str | None] = mapped_column(Text)
    raised_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("operator.id"))
    raised_at: Mapped[CreatedAt]
    signed_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("operator.id"))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    meaning: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Downtime(Base):
    """A work centre standing still, and why; at most one open (ended_at NULL) per work centre."""

    __tablename__ = "downtime"
    __table_args__ = (
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        Index("uq_downtime_open", "work_center_id", unique=True, postgresql_where="ended_at IS NULL"),
        Index("ix_downtime_center_started", "work_center_id", "started_at"),
    )
    id: Mapped[IdPk]
    work_center_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("work_center.id"))
    reason_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("downtime_reason.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    operator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("operator.id"))
    terminal: Mapped[str] = mapped_column(String(64))
    ended_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("operator.id"))
