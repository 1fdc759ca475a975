"""Shipping: a sales-order line's lot leaves through the shipping location, FEFO proposed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InsufficientStock, InvalidInput, LotOnHold, NotFound
from core.permissions import Actor, require
from core.results import Result
from core.services import outbox
from core.services.ledger import Leg, apply_legs, run_operation
from core.services.lots import find_lot
from core.units import require_whole_item

_LINE = text(
    "SELECT s.id, s.so_number, s.line_no, s.item_id, i.sku, i.tracking, s.qty, s.shipped_qty, s.customer_id,"
    " s.warehouse_id,"
    " c.code AS customer FROM so_line s JOIN item i ON i.id = s.item_id JOIN customer c ON c.id = s.customer_id"
    " WHERE s.so_number = :so AND s.status NOT IN ('shipped', 'cancelled') AND (CAST(:item AS bigint) IS NULL"
    " OR s.item_id = :item) ORDER BY s.line_no"
)

# Shippable stock of an item: available, unexpired, free, in storage or shipping locations of a warehouse that
# has a shipping location (of the sales order's warehouse, when it names one); FEFO order.
SHIPPABLE = text(
    "SELECT b.location_id, l.code AS location, l.warehouse_id, b.lot_id, lt.lot_no, lt.expiry,"
    " b.qty - b.reserved AS free"
    " FROM stock_balance b JOIN location l ON l.id = b.location_id AND l.kind IN ('storage', 'shipping')"
    " LEFT JOIN lot lt ON lt.id = b.lot_id WHERE b.item_id = :item AND b.status = 'available'"
    " AND b.qty > b.reserved AND (lt.expiry IS NULL OR lt.expiry >= current_date)"
    " AND (CAST(:lot AS bigint) IS NULL OR b.lot_id = :lot)"
    " AND (CAST(:wh AS bigint) IS NULL OR l.warehouse_id = :wh)"
    " AND EXISTS (SELECT 1 FROM location d WHERE d.warehouse_id = l.warehouse_id AND d.kind = 'shipping')"
    " ORDER BY lt.expiry NULLS LAST, lt.received_at NULLS LAST, l.kind = 'shipping' DESC, l.pick_sequence"
)


@dataclass(frozen=True)
class Proposal(Result):
    """A sales order's next open line and the lot FEFO proposes for it (None: nothing shippable in stock)."""

    so_number: str
    line_no: int
    sku: str
    customer: str
    open: Decimal
    lot: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class Shipped(Result):
    """A posted shipment: what left against which order line."""

    so_number: str
    line_no: int
    customer: str
    sku: str
    lot: str | None
    qty: Decimal
    shipped_at: datetime | None = None


def open_line(session: Session, so_number: str, item_id: int | None = None):
    """The sales order's first open line (of `item_id`), or why there is none: unknown, not on it, shipped."""
    line = session.execute(_LINE, {"so": (so_number or "").strip(), "item": item_id}).first()
    if line is None:
        exists = session.execute(text("SELECT 1 FROM so_line WHERE so_number = :so"), {"so": so_number}).first()
        if not exists:
            raise NotFound(what=so_number)
        if item_id is not None and session.execute(_LINE, {"so": so_number, "item": None}).first():
            raise InvalidInput("This item is not open on {so}", so=so_number)
        raise InvalidInput("Sales order {so} is fully shipped", so=so_number)
    return line


def _propose(session: Session, line) -> Proposal:
    best = session.execute(SHIPPABLE, {"item": line.item_id, "lot": None, "wh": line.warehouse_id}).first()
    return Proposal(so_number=line.so_number, line_no=line.line_no, sku=line.sku, customer=line.customer,
                    open=line.qty - line.shipped_qty, lot=best.lot_no if best else None,
                    location=best.location if best else None)


def proposal(db: Database, actor: Actor, so_number: str) -> Proposal:
    """The next open line and the lot FEFO proposes for it; refused for an unknown or fully shipped order."""
    require(actor, "shipping.post")
    with db.uow() as uow:
        return _propose(uow.session, open_line(uow.session, so_number))


def next_proposal(db: Database, actor: Actor, so_number: str) -> Proposal | None:
    """After a shipment: the order's next open line and its FEFO lot, or None once the order is fully shipped."""
    require(actor, "shipping.post")
    with db.uow() as uow:
        line = uow.execute(_LINE, {"so": (so_number or "").strip(), "item": None}).first()
        return _propose(uow.session, line) if line is not None else None


def refuse_unshippable(session: Session, lot_id: int, lot_no: str) -> None:
    """Raise why a lot with no shippable stock cannot ship: no stock, expired, or held."""
    held = session.execute(
        text("SELECT b.status, lt.expiry FROM stock_balance b JOIN lot lt ON lt.id = b.lot_id WHERE b.lot_id = :l"
             " AND b.qty > 0 ORDER BY b.status = 'available' DESC LIMIT 1"), {"l": lot_id}).first()
    if held is None:
        raise InvalidInput("Lot {lot} has no stock", lot=lot_no)
    if held.expiry is not None and held.expiry < datetime.now(UTC).date():
        raise InvalidInput("Lot {lot} expired on {expiry}", lot=lot_no, expiry=held.expiry.isoformat())
    if held.status != "available":
        raise LotOnHold(lot=lot_no)
    where = session.execute(
        text("SELECT l.code, w.code AS warehouse, l.kind FROM stock_balance b JOIN location l ON l.id = b.location_id"
             " JOIN warehouse w ON w.id = l.warehouse_id WHERE b.lot_id = :l AND b.qty > 0 LIMIT 1"),
        {"l": lot_id}).first()
    if where is not None and where.kind not in ("storage", "shipping"):
        raise InvalidInput("Lot {lot} is at {location}: put it away first", lot=lot_no, location=where.code)
    if where is not None:
        raise InvalidInput("Lot {lot} is in warehouse {warehouse}, which does not ship this order",
                           lot=lot_no, warehouse=where.warehouse)


def ship(db: Database, actor: Actor, *, key: str, so_number: str, qty: Decimal, lot: str | None = None,
         sku: str | None = None) -> Shipped:
    """Ship `qty` of a lot (or an untracked SKU) against the sales order; over-shipping is refused."""
    if qty is None or qty <= 0:
        raise InvalidInput("Quantity must be greater than zero")

    def body(session: Session) -> dict:
        if lot:
            found = find_lot(session, lot, sku)
            item_id, lot_id = found.item_id, found.id
        else:
            item_id = session.execute(text("SELECT id FROM item WHERE sku = :s"), {"s": sku}).scalar()
            if item_id is None:
                raise NotFound(what=sku or "-")
            lot_id = None
        line = open_line(session, so_number, item_id)
        require_whole_item(session, item_id, qty)
        if line.tracking != "none" and lot_id is None:
            raise InvalidInput("A lot number is required for {sku}", sku=line.sku)
        if qty > line.qty - line.shipped_qty:
            raise InvalidInput("Over-shipment: only {open} open on {so}",
                               open=format((line.qty - line.shipped_qty).normalize(), "f"), so=so_number)
        sources = session.execute(SHIPPABLE, {"item": item_id, "lot": lot_id, "wh": line.warehouse_id}).all()
        if lot_id is not None and not sources:
            refuse_unshippable(session, lot_id, lot)
        legs, left = [], qty
        for src in sources:
            part = min(src.free, left)
            dock = session.execute(text("SELECT id FROM location WHERE warehouse_id = :w AND kind = 'shipping'"
                                        " ORDER BY pick_sequence LIMIT 1"), {"w": src.warehouse_id}).scalar()
            lot_part = src.lot_id
            if dock != src.location_id:  # through the shipping location, then out
                legs.append(Leg(item_id, lot_part, part, src.location_id, "available", dock, "available"))
            legs.append(Leg(item_id, lot_part, part, from_location_id=dock, from_status="available"))
            left -= part
            if left <= 0:
                break
        if left > 0:
            raise InsufficientStock(sku=line.sku, location=lot or "-")
        apply_legs(session, actor, "ship", legs, key=key, reference=so_number)
        now = datetime.now(UTC)
        session.execute(text("UPDATE so_line SET shipped_qty = shipped_qty + :q, status = CASE WHEN shipped_qty + :q"
                             " >= qty THEN 'shipped' ELSE 'partly_shipped' END WHERE id = :id"),
                        {"q": qty, "id": line.id})
        session.execute(text("INSERT INTO shipment (operation_key, so_line_id, customer_id, item_id, lot_id, qty,"
                             " operator_id, shipped_at) VALUES (:k, :s, :c, :i, :l, :q, :op, :at)"),
                        {"k": key, "s": line.id, "c": line.customer_id, "i": item_id, "l": lot_id, "q": qty,
                         "op": actor.operator_id, "at": now})
        result = {"so_number": so_number, "line_no": line.line_no, "customer": line.customer, "sku": line.sku,
                  "lot": lot, "qty": qty, "shipped_at": now}
        outbox.emit(session, "shipment.posted", f"so:{so_number}", result)
        return result

    return Shipped.of(run_operation(db, actor, key=key, kind="ship", permission="shipping.post",
                                    payload={"so_number": so_number, "qty": qty, "lot": lot, "sku": sku}, body=body,
                                    audit_entity="sales_order", audit_key=so_number).data)
