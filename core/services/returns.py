"""Return to stock (`r`): a lot (or an untracked SKU) at the line side back to the location putaway's rules
suggest, with a reason; whatever work order holds it reserved there gives up that much of its reservation.

A damaged return goes to quarantine, blocked. Only the suggested location is taken (no change of location).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InvalidInput, WrongLocation
from core.permissions import Actor, require
from core.reasons import ReturnReason
from core.results import Result
from core.services import reservations
from core.services.ledger import Leg, apply_legs, run_operation
from core.services.putaway import Material, _material, _suggest
from core.units import require_whole
from core.vocabulary import StockStatus

PERMISSION = "issue.post"

_AT_LINE = text(
    "SELECT b.location_id, l.code, l.warehouse_id, b.qty, b.reserved FROM stock_balance b"
    " JOIN location l ON l.id = b.location_id AND l.kind = 'line_side'"
    " WHERE b.item_id = :item AND b.lot_id IS NOT DISTINCT FROM CAST(:lot AS bigint)"
    " AND b.status = 'available' AND b.qty > 0 ORDER BY l.code FOR UPDATE OF b"
)


@dataclass(frozen=True)
class AtLine(Result):
    """What of a lot (or untracked SKU) is at the line side: the quantity Enter accepts on the quantity step."""

    lot: str | None
    sku: str
    qty: Decimal
    uom: str = ""


@dataclass(frozen=True)
class Suggestion(Result):
    location: str
    status: str
    rule: str  # putaway's: quarantine | home | consolidate | empty | room


@dataclass(frozen=True)
class Returned(Result):
    """A posted return: what went where, in which status, and the reservations it released."""

    lot: str | None
    sku: str
    qty: Decimal
    location: str
    reason: str
    status: str = StockStatus.AVAILABLE
    released: Decimal = Decimal(0)
    work_orders: tuple[str, ...] = ()


def _status(reason: ReturnReason) -> str:
    return StockStatus.BLOCKED if reason is ReturnReason.DAMAGED else StockStatus.AVAILABLE


def _at_line(session: Session, found: Material):
    rows = session.execute(_AT_LINE, {"item": found.item_id, "lot": found.lot_id}).all()
    if not rows:
        raise InvalidInput("{what} is not at the line side", what=found.lot_no or found.sku)
    return rows


def _target(session: Session, found: Material, rows, reason: ReturnReason) -> tuple[int, str, str, str]:
    status = _status(reason)
    _id, code, rule = _suggest(session, found, SimpleNamespace(status=status, warehouse_id=rows[0].warehouse_id))
    return _id, code, rule, status


def _uom(session: Session, item_id: int) -> str:
    return session.execute(text("SELECT uom FROM item WHERE id = :i"), {"i": item_id}).scalar() or ""


def at_line(db: Database, actor: Actor, *, lot: str | None = None, sku: str | None = None) -> AtLine:
    """How much of a lot (or untracked SKU) is at the line side, available (reserved or not)."""
    require(actor, PERMISSION)
    with db.uow() as uow:
        found = _material(uow.session, lot, sku)
        rows = _at_line(uow.session, found)
        return AtLine(found.lot_no, found.sku, sum((r.qty for r in rows), Decimal(0)),
                      _uom(uow.session, found.item_id))


def suggest(db: Database, actor: Actor, *, reason: str, lot: str | None = None,
            sku: str | None = None) -> Suggestion:
    """Where this return goes by putaway's rules: quarantine for a damaged one, else home, consolidation, …"""
    require(actor, PERMISSION)
    why = ReturnReason.require(reason, "Choose a reason for the return")
    with db.uow() as uow:
        found = _material(uow.session, lot, sku)
        _id, code, rule, status = _target(uow.session, found, _at_line(uow.session, found), why)
        return Suggestion(code, status, rule)


def return_to_stock(db: Database, actor: Actor, *, key: str, lot: str | None = None, sku: str | None = None,
                    qty: Decimal, reason: str, location: str) -> Returned:
    """Move `qty` of a lot (or untracked SKU) from the line side to the suggested location (scanned to confirm);
    its free stock goes first, then what work orders hold reserved there (their reservations shrink)."""
    why = ReturnReason.require(reason, "Choose a reason for the return")
    if qty is None or qty <= 0:
        raise InvalidInput("Quantity must be greater than zero")

    def body(session: Session) -> dict:
        found = _material(session, lot, sku)
        require_whole(qty, _uom(session, found.item_id), found.sku)
        rows = _at_line(session, found)
        there = sum((r.qty for r in rows), Decimal(0))
        if qty > there:
            raise InvalidInput("Only {qty} of {what} at the line side", qty=format(there.normalize(), "f"),
                               what=found.lot_no or found.sku)
        target_id, code, _rule, status = _target(session, found, rows, why)
        if (location or "").strip().upper() != code.upper():
            raise WrongLocation("Wrong location {location}: return it to {suggested}",
                                location=(location or "").strip(), suggested=code)
        legs, left, released, orders = [], qty, Decimal(0), []
        for b in rows:
            part = min(b.qty, left)
            if part <= 0:
                break
            from_reserved = max(part - (b.qty - b.reserved), Decimal(0))  # free stock first
            legs.append(Leg(found.item_id, found.lot_id, part, b.location_id, StockStatus.AVAILABLE, target_id,
                            status, from_reserved=from_reserved))
            released += from_reserved
            orders += _release(session, found, b.location_id, from_reserved)
            left -= part
        apply_legs(session, actor, "return", legs, key=key, reason=why.value,
                   reference=f"return {found.lot_no or found.sku}")
        return {"lot": found.lot_no, "sku": found.sku, "qty": qty, "location": code, "reason": why.value,
                "status": status, "released": released, "work_orders": sorted(set(orders))}

    return Returned.of(run_operation(db, actor, key=key, kind="return", permission=PERMISSION, payload={
        "lot": lot, "sku": sku, "qty": qty, "reason": reason, "location": location}, body=body,
        audit_entity="lot", audit_key=lot or sku, reason=reason).data)


def _release(session: Session, found: Material, location_id: int, qty: Decimal) -> list[str]:
    """Take `qty` off the reservations held at this line-side balance, latest work order first; their numbers."""
    orders: list[str] = []
    if qty <= 0:
        return orders
    held = session.execute(
        text("SELECT r.work_order_id, r.qty, w.wo_number FROM reservation r JOIN work_order w"
             " ON w.id = r.work_order_id WHERE r.location_id = :loc AND r.item_id = :i"
             " AND r.lot_id IS NOT DISTINCT FROM CAST(:l AS bigint) ORDER BY r.id DESC FOR UPDATE OF r"),
        {"loc": location_id, "i": found.item_id, "l": found.lot_id}).all()
    for r in held:
        part = min(Decimal(r.qty), qty)
        reservations.take(session, r.work_order_id, found.item_id, found.lot_id, location_id, part)
        orders.append(r.wo_number)
        qty -= part
        if qty <= 0:
            break
    return orders
