"""Packs and pallets: an item's packagings (a case of 24, a drum of 200 KG), a supplier's advance shipping notice
by SSCC, and the pallets on hand with what is on them.

A pallet's contents are (lot, qty) rows: moving the pallet moves those quantities of those lots from the
pallet's location, so two pallets of one lot on one dock stay two pallets. Breaking a pallet down deletes its
contents (status `broken`): the lots then move alone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, CreatedAt, IdPk

PALLET_STATUSES = ("on_hand", "broken")


class Packaging(Base):
    """One packaging of an item: `qty` base units in one `uom` (CASE, DRUM, PALLET), its own GTIN if it has one."""

    __tablename__ = "packaging"
    __table_args__ = (
        UniqueConstraint("item_id", "uom", name="uq_packaging_item_id_uom"),
        CheckConstraint("qty > 0", name="qty_positive"),
    )
    id: Mapped[IdPk]
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("item.id"))
    uom: Mapped[str] = mapped_column(String(16))
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)


class AsnLine(Base):
    """One lot on a supplier's pallet (SSCC) against a PO line: the natural key is sscc + PO line + lot."""

    __tablename__ = "asn_line"
    __table_args__ = (
        UniqueConstraint("sscc", "po_line_id", "lot_no", name="uq_asn_line_sscc_po_line_id_lot_no"),
        CheckConstraint("qty > 0", name="qty_positive"),
    )
    id: Mapped[IdPk]
    sscc: Mapped[str] = mapped_column(String(18), index=True)
    po_line_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("po_line.id"))
    lot_no: Mapped[str] = mapped_column(String(64))
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    expiry: Mapped[date | None] = mapped_column(Date)
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    receipt_key: Mapped[str | None] = mapped_column(String(128))


class Pallet(Base):
    """A pallet on hand, by its SSCC: received from an ASN or built here."""

    __tablename__ = "pallet"
    __table_args__ = (CheckConstraint(f"status IN {PALLET_STATUSES}", name="status"),)
    id: Mapped[IdPk]
    sscc: Mapped[str] = mapped_column(String(18), unique=True)
    location_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("location.id"))
    status: Mapped[str] = mapped_column(String(12), default="on_hand", server_default="on_hand")
    created_at: Mapped[CreatedAt]


class PalletContent(Base):
    """What is on a pallet: a quantity of a lot (at the pallet's location)."""

    __tablename__ = "pallet_content"
    __table_args__ = (
        UniqueConstraint("pallet_id", "lot_id", name="uq_pallet_content_pallet_id_lot_id"),
        CheckConstraint("qty > 0", name="qty_positive"),
    )
    id: Mapped[IdPk]
    pallet_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("pallet.id"))
    lot_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("lot.id"), index=True)
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 6))
