"""What the Receiving screen reads before a posting: a PO's open lines, a supplier, an item's receiving traits."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from core.config import settings
from core.db import Database
from core.errors import InvalidInput, NotFound
from core.permissions import Actor, require
from core.services import labels


@dataclass(frozen=True)
class PoLineView:
    line_no: int
    sku: str
    qty: Decimal
    received: Decimal

    @property
    def open(self) -> Decimal:
        return max(self.qty - self.received, Decimal(0))


@dataclass(frozen=True)
class PoView:
    po_number: str
    supplier: str
    lines: tuple[PoLineView, ...]

    def open_for(self, sku: str) -> Decimal:
        """What is still open on this PO for an item (over all its lines)."""
        return sum((ln.open for ln in self.lines if ln.sku == sku), Decimal(0))


@dataclass(frozen=True)
class ItemView:
    sku: str
    name: str
    uom: str
    tracking: str  # none | lot | serial
    shelf_life_days: int | None
    qc_required: bool


def purchase_order(db: Database, actor: Actor, po_number: str) -> PoView:
    """A PO's lines that are not cancelled, with what each still expects; NotFound when there is no such PO."""
    require(actor, "receiving.post")
    with db.uow() as uow:
        rows = uow.execute(
            text("SELECT p.line_no, i.sku, p.qty, p.received_qty, s.code AS supplier FROM po_line p"
                 " JOIN item i ON i.id = p.item_id JOIN supplier s ON s.id = p.supplier_id"
                 " WHERE p.po_number = :po AND p.status <> 'cancelled' ORDER BY p.line_no"),
            {"po": po_number.strip()},
        ).all()
    if not rows:
        raise NotFound(what=po_number)
    return PoView(po_number.strip(), rows[0].supplier,
                  tuple(PoLineView(r.line_no, r.sku, r.qty, r.received_qty) for r in rows))


def supplier(db: Database, actor: Actor, code: str) -> str:
    """The supplier code as stored, for a receipt without PO; NotFound when unknown."""
    require(actor, "receiving.post")
    with db.uow() as uow:
        found = uow.execute(text("SELECT code FROM supplier WHERE code = :c"), {"c": code.strip()}).scalar()
    if found is None:
        raise NotFound(what=code)
    return found


def item(db: Database, actor: Actor, sku: str, po: PoView | None = None) -> ItemView:
    """An item's receiving traits; refused when a PO is given and the item is not on it."""
    require(actor, "receiving.post")
    with db.uow() as uow:
        row = uow.execute(
            text("SELECT sku, name, uom, tracking, shelf_life_days, qc_required FROM item WHERE sku = :s"),
            {"s": sku},
        ).first()
    if row is None:
        raise NotFound(what=sku)
    if po is not None and all(ln.sku != row.sku for ln in po.lines):
        raise InvalidInput("Item {sku} is not on {po}", sku=row.sku, po=po.po_number)
    return ItemView(row.sku, row.name, row.uom, row.tracking, row.shelf_life_days, bool(row.qc_required))


def label_folder() -> Path:
    """Where lot labels go when no printer is configured: LINESIDE_HOME/labels."""
    return settings().home / "labels"


def print_label(db: Database, actor: Actor, lot: str, sku: str) -> str:
    """Print a received lot's label on the configured printer, else as a ZPL file; returns where it went."""
    return labels.print_lot_label(db, actor, lot, sku=sku, printer=settings().printer, folder=label_folder())
