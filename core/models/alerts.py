"""Alerts raised by rules while their condition holds, and the rules' thresholds an admin can change."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, IdPk


class AlertRule(Base):
    __tablename__ = "alert_rule"
    rule: Mapped[str] = mapped_column(String(32), primary_key=True)
    severity: Mapped[str] = mapped_column(String(8))
    threshold: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class Alert(Base):
    __tablename__ = "alert"
    __table_args__ = (
        # raised once while its condition holds: one open alert per rule and subject
        Index("uq_alert_open", "rule", "subject", unique=True, postgresql_where=text("resolved_at IS NULL")),
        Index("ix_alert_open", "raised_at", postgresql_where=text("resolved_at IS NULL")),
    )
    id: Mapped[IdPk]
    rule: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(200))
    item_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("item.id"))
    lot_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lot.id"))
    location_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("location.id"))
    work_order_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("work_order.id"))
    params: Mapped[dict] = mapped_column(JSONB)
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("operator.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ack_comment: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
