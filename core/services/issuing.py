"""Issue to a work order (consumes line-side stock, reserved for it first) and returns to stock."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InsufficientStock, InvalidInput, LotOnHold, NotFound, OverIssue, PermissionDenied
from core.permissions import Actor
from core.reasons import OverIssueReason, ReturnReason
from core.results import Result
from core.services import reservations
from core.services.ledger import Leg, apply_legs, run_operation
from core.services.lots import find_lot
from core.services.picking import open_work_order
from core.units import require_whole

RETURN_REASONS = tuple(ReturnReason)


def _component(session: Session, wo, lot: str | None, sku: str | None):
    """(item_id, lot_id, sku, required, backflush, uom) of a scanned lot or untracked SKU on the order's BOM."""
    if lot:
        found = find_lot(session, lot, sku)
        item_id, lot_id, sku = found.item_id, found.id, found.sku
    else:
        item_id = session.execute(text("SELECT id FROM item WHERE sku = :s"), {"s": sku}).scalar()
        if item_id is None:
            raise NotFound(what=sku or "-")
        lot_id = None
    req = session.execute(
        text("SELECT r.required, r.backflush, i.uom FROM wo_requirement r JOIN item i ON i.id = r.item_id"
             " WHERE r.work_order_id = :wo AND r.item_id = :i"),
        {"i": item_id, "wo": wo.id},
    ).first()
    if req is None:
        raise InvalidInput("{sku} is not a component of {wo}", sku=sku, wo=wo.wo_number)
    return item_id, lot_id, sku, Decimal(req.required), req.backflush, req.uom


def _by_hand(session: Session, wo, lot: str | None, sku: str | None):
    """_component, refusing a backflushed one: output consumes it, so an issue by hand would consume it twice."""
    comp = _component(session, wo, lot, sku)
    if comp[4]:
        raise InvalidInput("{sku} is backflushed at output: it is not issued by hand", sku=comp[2])
    return comp


def _line_side(session: Session, wo, item_id: int, lot_id: int | None):
    """The line-side balances of this item/lot for the work order's line: reserved-for-it first."""
    return session.execute(
        text("SELECT b.location_id, b.qty, b.reserved, coalesce(r.qty, 0) AS mine FROM stock_balance b"
             " JOIN location l ON l.id = b.location_id AND l.kind = 'line_side' AND l.line = :line"
             " LEFT JOIN reservation r ON r.work_order_id = :wo AND r.location_id = b.location_id"
             "  AND r.item_id = b.item_id AND coalesce(r.lot_id, 0) = coalesce(b.lot_id, 0)"
             " WHERE b.item_id = :i AND coalesce(b.lot_id, 0) = coalesce(CAST(:lot AS bigint), 0)"
             "  AND b.status = 'available' ORDER BY mine DESC, b.location_id"),
        {"line": wo.line, "wo": wo.id, "i": item_id, "lot": lot_id},
    ).all()


def _issued(session: Session, wo_id: int, item_id: int) -> Decimal:
    return Decimal(session.execute(text("SELECT coalesce(sum(qty), 0) FROM wo_issue WHERE work_order_id = :w"
                                        " AND item_id = :i"), {"w": wo_id, "i": item_id}).scalar())


@dataclass(frozen=True)
class Proposal(Result):
    """What Enter accepts on the issue step, and the numbers it comes from."""

    sku: str
    lot: str | None
    at_line: Decimal
    remaining: Decimal
    proposed: Decimal
    uom: str = ""


@dataclass(frozen=True)
class Issued(Result):
    """An issue to a work order: what went in, and the component's issued total against its requirement."""

    wo_number: str
    sku: str
    lot: str | None
    qty: Decimal
    issued: Decimal
    required: Decimal
    approved_by: str | None = None


def proposal(db: Database, actor: Actor, wo_number: str, *, lot: str | None = None,
             sku: str | None = None) -> Proposal:
    """What Enter accepts: the smaller of the lot's usable quantity at the line side and what is still required."""
    with db.uow() as uow:
        wo = open_work_order(uow.session, wo_number)
        item_id, lot_id, sku, required, _bf, uom = _by_hand(uow.session, wo, lot, sku)
        at_line = _line_side(uow.session, wo, item_id, lot_id)
        usable = sum((b.qty - b.reserved + b.mine for b in at_line), Decimal(0))
        if usable <= 0:
            _refuse_off_line(uow.session, wo, item_id, lot_id, lot, sku, reserved=bool(at_line))
        remaining = max(required - _issued(uow.session, wo.id, item_id), Decimal(0))
        return Proposal(sku, lot, usable, remaining, min(usable, remaining), uom)


def _refuse_off_line(session: Session, wo, item_id: int, lot_id: int | None, lot: str | None, sku: str, *,
                     reserved: bool) -> None:
    """Raise why nothing of a lot (or untracked SKU) can be issued from the work order's line side."""
    what = {"lot": lot, "sku": sku, "line": wo.line}
    if reserved and lot:
        raise InvalidInput("Lot {lot} at the line side of {line} is reserved for other work orders", **what)
    if reserved:
        raise InvalidInput("{sku} at the line side of {line} is reserved for other work orders", **what)
    held = session.execute(
        text("SELECT 1 FROM stock_balance b JOIN location l ON l.id = b.location_id AND l.kind = 'line_side'"
             " AND l.line = :line WHERE b.item_id = :i AND coalesce(b.lot_id, 0) = coalesce(CAST(:lot AS bigint), 0)"
             " AND b.qty > 0 AND b.status <> 'available'"),
        {"line": wo.line, "i": item_id, "lot": lot_id}).first()
    if held is not None and lot:
        raise LotOnHold(lot=lot)
    where = session.execute(
        text("SELECT l.code FROM stock_balance b JOIN location l ON l.id = b.location_id WHERE b.item_id = :i"
             " AND coalesce(b.lot_id, 0) = coalesce(CAST(:lot AS bigint), 0) AND b.qty > 0"
             " ORDER BY b.status = 'available' DESC, l.code LIMIT 1"),
        {"i": item_id, "lot": lot_id}).scalar()
    if lot and where is not None:
        raise InvalidInput("Lot {lot} is at {location}, not at the line side of {line}: pick it first",
                           location=where, **what)
    if lot:
        raise InvalidInput("Lot {lot} is not at the line side of {line}", **what)
    raise InvalidInput("No {sku} at the line side of {line}", **what)


def consume(session: Session, actor: Actor, wo, item_id: int, lot_id: int | None, qty: Decimal, *,
            key: str, backflush: bool = False, approver: Actor | None = None, reason: str | None = None) -> None:
    """Consume `qty` from the line side into the work order: its reservation first, then free stock."""
    legs, left = [], qty
    for b in _line_side(session, wo, item_id, lot_id):
        usable = b.qty - b.reserved + b.mine
        part = min(usable, left)
        if part <= 0:
            continue
        from_reserved = min(part, b.mine)
        legs.append(Leg(item_id, lot_id, part, from_location_id=b.location_id, from_status="available",
                        from_reserved=from_reserved))
        reservations.take(session, wo.id, item_id, lot_id, b.location_id, from_reserved)
        left -= part
        if left <= 0:
            break
    if left > 0:
        sku = session.execute(text("SELECT sku FROM item WHERE id = :i"), {"i": item_id}).scalar()
        raise InsufficientStock(sku=sku, location=wo.line)
    apply_legs(session, actor, "issue", legs, key=key, reference=wo.wo_number,
               reason="backflush" if backflush else reason)
    session.execute(text("INSERT INTO wo_issue (work_order_id, item_id, lot_id, qty, operator_id, backflush,"
                         " approved_by, reason) VALUES (:w, :i, :l, :q, :op, :b, :ap, :r)"),
                    {"w": wo.id, "i": item_id, "l": lot_id, "q": qty, "op": actor.operator_id, "b": backflush,
                     "ap": approver.operator_id if approver else None, "r": reason})
    session.execute(text("UPDATE work_order SET status = 'in_progress' WHERE id = :w AND status = 'released'"),
                    {"w": wo.id})


def issue(db: Database, actor: Actor, *, key: str, wo_number: str, qty: Decimal, lot: str | None = None,
          sku: str | None = None, approver: Actor | None = None, reason: str | None = None) -> Issued:
    """Consume material at the line side into the work order; more than required + scrap needs a supervisor."""
    if qty is None or qty <= 0:
        raise InvalidInput("Quantity must be greater than zero")

    def body(session: Session) -> dict:
        wo = open_work_order(session, wo_number)
        item_id, lot_id, sku_, required, _bf, uom = _by_hand(session, wo, lot, sku)
        require_whole(qty, uom, sku_)
        issued = _issued(session, wo.id, item_id)
        over = issued + qty > required
        if over:
            if approver is None or not reason:
                raise OverIssue(qty=format((issued + qty - required).normalize(), "f"))
            OverIssueReason.require(reason, "Choose a reason for the over-issue")
            if not approver.may("override.approve"):
                raise PermissionDenied(operation="override.approve")
        consume(session, actor, wo, item_id, lot_id, qty, key=key, approver=approver if over else None,
                reason=reason if over else None)
        return {"wo_number": wo.wo_number, "sku": sku_, "lot": lot, "qty": qty, "issued": issued + qty,
                "required": required, **({"approved_by": approver.badge} if over else {})}

    return Issued.of(run_operation(db, actor, key=key, kind="issue", permission="issue.post", payload={
        "wo_number": wo_number, "qty": qty, "lot": lot, "sku": sku, "approver": approver.badge if approver else None,
        "reason": reason}, body=body,
                                   audit_entity="work_order", audit_key=wo_number, reason=reason).data)


def return_to_stock(db: Database, actor: Actor, *, key: str, wo_number: str, qty: Decimal, location: str,
                    reason: str, lot: str | None = None, sku: str | None = None) -> dict:
    """Unused line-side material back to a storage location, with a reason; its reservation is released."""
    if reason not in RETURN_REASONS:
        raise InvalidInput("Choose a reason for the return")
    if qty is None or qty <= 0:
        raise InvalidInput("Quantity must be greater than zero")

    def body(session: Session) -> dict:
        wo = session.execute(text("SELECT id, wo_number, line FROM work_order WHERE wo_number = :w"),
                             {"w": wo_number}).first()
        if wo is None:
            raise NotFound(what=wo_number)
        item_id, lot_id, sku_, *_ = _component(session, wo, lot, sku)
        target = session.execute(text("SELECT id FROM location WHERE code = :c AND kind = 'storage'"),
                                 {"c": location}).scalar()
        if target is None:
            raise InvalidInput("{location} is not a storage location", location=location)
        legs, left = [], qty
        for b in _line_side(session, wo, item_id, lot_id):
            part = min(b.qty - b.reserved + b.mine, left)
            if part <= 0:
                continue
            from_reserved = min(part, b.mine)
            reservations.take(session, wo.id, item_id, lot_id, b.location_id, from_reserved)
            legs.append(Leg(item_id, lot_id, part, b.location_id, "available", target, "available",
                            from_reserved=from_reserved))
            left -= part
        if left > 0:
            raise InsufficientStock(sku=sku_, location=wo.line)
        apply_legs(session, actor, "return", legs, key=key, reason=reason, reference=wo.wo_number)
        return {"wo_number": wo.wo_number, "sku": sku_, "lot": lot, "qty": qty, "location": location}

    return run_operation(db, actor, key=key, kind="return", permission="issue.post", payload={
        "wo_number": wo_number, "qty": qty, "location": location, "reason": reason, "lot": lot, "sku": sku},
        body=body,
                         audit_entity="work_order", audit_key=wo_number, reason=reason).data
