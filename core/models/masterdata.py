"""Warehouses, locations, items, suppliers and customers."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, IdPk
from core.vocabulary import LocationKind, Tracking, values

LOCATION_KINDS = values(LocationKind)
TRACKING = values(Tracking)


class Warehouse(Base):
    __tablename__ = "warehouse"
    id: Mapped[IdPk]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Location(Base):
    __tablename__ = "location"
    __table_args__ = (
        UniqueConstraint("warehouse_id", "code", name="uq_location_warehouse_code"),
        CheckConstraint(f"kind IN {LOCATION_KINDS}", name="kind"),
    )
    id: Mapped[IdPk]
    warehouse_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("warehouse.id"))
    code: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    zone: Mapped[str | None] = mapped_column(String(32))
    capacity_lots: Mapped[int | None] = mapped_column(Integer)
    pick_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    line: Mapped[str | None] = mapped_column(String(32))


class Item(Base):
    __tablename__ = "item"
    __table_args__ = (
        CheckConstraint(f"tracking IN {TRACKING}", name="tracking"),
        CheckConstraint("abc IS NULL OR abc IN ('A','B','C')", name="abc"),
    )
    id: Mapped[IdPk]
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    uom: Mapped[str] = mapped_column(String(16))
    tracking: Mapped[str] = mapped_column(String(8), default="lot", server_default="lot")
    shelf_life_days: Mapped[int | None] = mapped_column(Integer)
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    safety_stock: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    reorder_qty: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    abc: Mapped[str | None] = mapped_column(String(1))
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=0, server_default="0")
    qc_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    home_location_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("location.id"))
    warehouse_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("warehouse.id"))  # where it is stocked


class Supplier(Base):
    __tablename__ = "supplier"
    id: Mapped[IdPk]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Customer(Base):
    __tablename__ = "customer"
    id: Mapped[IdPk]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
