"""Receiving: a lot lands on the warehouse's dock, in QC hold when its item needs inspection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import Conflict, InvalidInput, NotFound, OverReceipt, PermissionDenied
from core.permissions import Actor
from core.reasons import OverReceiptReason
from core.results import Result
from core.services import outbox
from core.services.ledger import Leg, apply_legs, run_operation
from core.services.lots import lot_number
from core.units import require_whole

OVER_RECEIPT_TOLERANCE = Decimal("0.10")


@dataclass(frozen=True)
class ReceiveCommand:
    key: str
    sku: str
    qty: Decimal
    lot: str | None = None
    expiry: date | None = None
    po_number: str | None = None
    supplier: str | None = None
    warehouse: str | None = None
    over_receipt_reason: str | None = None
    approver: Actor | None = None  # a supervisor who approved an over-receipt (badge + PIN checked by auth.login)


def _payload(cmd: ReceiveCommand) -> dict:
    """What the receipt's key is bound to: every input but the key, the approver by badge."""
    return {"sku": cmd.sku, "qty": cmd.qty, "lot": cmd.lot, "expiry": cmd.expiry, "po_number": cmd.po_number,
            "supplier": cmd.supplier, "warehouse": cmd.warehouse, "over_receipt_reason": cmd.over_receipt_reason,
            "approver": cmd.approver.badge if cmd.approver else None}


def _item(session: Session, sku: str):
    row = session.execute(
        text("SELECT id, sku, name, uom, tracking, shelf_life_days, qc_required, gtin FROM item WHERE sku = :s"),
        {"s": sku},
    ).first()
    if row is None:
        raise NotFound(what=sku)
    return row


def _dock(session: Session, po_warehouse_id: int | None, terminal_warehouse: str | None, item_id: int):
    """The dock a receipt lands on: of the PO's warehouse, else the terminal's, else the item's own (its
    `warehouse`, else its home location's), else one that already holds it, else the first by code."""
    row = session.execute(
        text("SELECT l.id, l.code, w.code AS warehouse FROM location l JOIN warehouse w ON w.id = l.warehouse_id"
             " WHERE l.kind = 'dock'"
             "   AND (CAST(:po_wh AS bigint) IS NULL OR l.warehouse_id = :po_wh)"
             "   AND (CAST(:po_wh AS bigint) IS NOT NULL OR CAST(:w AS text) IS NULL OR w.code = :w)"
             " ORDER BY l.warehouse_id IS NOT DISTINCT FROM (SELECT coalesce(i.warehouse_id, h.warehouse_id)"
             "            FROM item i LEFT JOIN location h ON h.id = i.home_location_id WHERE i.id = :item) DESC,"
             "          EXISTS (SELECT FROM stock_balance b JOIN location s ON s.id = b.location_id"
             "                  WHERE b.item_id = :item AND s.warehouse_id = l.warehouse_id) DESC,"
             "          w.code, l.pick_sequence, l.code LIMIT 1"),
        {"po_wh": po_warehouse_id, "w": terminal_warehouse, "item": item_id},
    ).first()
    if row is None:
        where = session.execute(text("SELECT code FROM warehouse WHERE id = :id"), {"id": po_warehouse_id}).scalar()
        raise NotFound("No dock location in warehouse {what}", what=where or terminal_warehouse or "-")
    return row


def _po_line(session: Session, po_number: str, item_id: int, sku: str):
    """The first open line of the PO for this item, locked so two receipts add up correctly."""
    lines = session.execute(
        text("SELECT id, line_no, supplier_id, item_id, qty, received_qty, status, warehouse_id FROM po_line"
             " WHERE po_number = :po ORDER BY line_no FOR UPDATE"),
        {"po": po_number},
    ).all()
    if not lines:
        raise NotFound(what=po_number)
    mine = [ln for ln in lines if ln.status != "cancelled" and ln.item_id == item_id]
    if not mine:
        raise InvalidInput("Item {sku} is not on {po}", sku=sku, po=po_number)
    open_lines = [ln for ln in mine if ln.received_qty < ln.qty]
    return open_lines[0] if open_lines else mine[-1]


def _check_over_receipt(line, qty: Decimal, cmd: ReceiveCommand, actor_id: int) -> None:
    limit = line.qty * (1 + OVER_RECEIPT_TOLERANCE) - line.received_qty
    if qty <= limit:
        return
    if cmd.approver is None or not cmd.over_receipt_reason:
        raise OverReceipt(qty=_fmt(qty), open=_fmt(max(line.qty - line.received_qty, Decimal(0))),
                          tolerance=_fmt(OVER_RECEIPT_TOLERANCE * 100))
    OverReceiptReason.require(cmd.over_receipt_reason, "Choose a reason for the over-receipt")
    if not cmd.approver.may("override.approve"):
        raise PermissionDenied(operation="override.approve")
    if cmd.approver.operator_id == actor_id:
        raise PermissionDenied("An approval needs a second person, not {badge}", badge=cmd.approver.badge)


def _fmt(q: Decimal) -> str:
    return format(q.normalize(), "f")


def _lot(session: Session, item, cmd: ReceiveCommand, supplier_id, expiry, status_qc: str, now) -> int | None:
    if item.tracking == "none":
        return None
    if not (cmd.lot or "").strip():
        raise InvalidInput("A lot number is required for {sku}", sku=item.sku)
    lot_no = lot_number(cmd.lot)
    other = session.execute(
        text("SELECT i.sku FROM lot l JOIN item i ON i.id = l.item_id WHERE l.lot_no = :n AND l.item_id <> :i LIMIT 1"),
        {"n": lot_no, "i": item.id},
    ).scalar()
    if other:
        raise Conflict("Lot {lot} already belongs to {sku}", lot=lot_no, sku=other)
    if item.tracking == "serial":
        if cmd.qty != 1:
            raise InvalidInput("A serial number is received one unit at a time")
        in_stock = session.execute(
            text("SELECT 1 FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                 " WHERE l.item_id = :i AND l.lot_no = :n AND b.qty > 0 LIMIT 1"),
            {"i": item.id, "n": lot_no},
        ).first()
        if in_stock:
            raise Conflict("Serial {lot} is already in stock", lot=lot_no)
    return session.execute(
        text("INSERT INTO lot (item_id, lot_no, supplier_id, expiry, received_at, qc_status)"
             " VALUES (:i, :n, :s, :e, :at, :qc)"
             " ON CONFLICT (item_id, lot_no) DO UPDATE SET expiry = coalesce(lot.expiry, excluded.expiry),"
             " supplier_id = coalesce(lot.supplier_id, excluded.supplier_id),"
             " qc_status = CASE WHEN excluded.qc_status = 'pending' THEN 'pending' ELSE lot.qc_status END"
             " RETURNING id"),
        {"i": item.id, "n": lot_no, "s": supplier_id, "e": expiry, "at": now, "qc": status_qc},
    ).scalar()


def expiry_for(item, scanned: date | None, today: date) -> date | None:
    """Expiry from the scan (AI 17), else today + shelf life when the item has one, else None (asked)."""
    if scanned is not None:
        return scanned
    if item.shelf_life_days:
        return today + timedelta(days=item.shelf_life_days)
    return None


@dataclass(frozen=True)
class Received(Result):
    """A posted receipt: what landed on which dock, against which PO line."""

    sku: str
    name: str
    qty: Decimal
    location: str
    status: str
    warehouse: str | None = None
    lot: str | None = None
    gtin: str | None = None
    expiry: date | None = None
    po_number: str | None = None
    line_no: int | None = None


def receive(db: Database, actor: Actor, cmd: ReceiveCommand) -> Received:
    """Post one receipt: lot on the dock, PO line updated, `receipt.posted` in the outbox, all in one transaction."""
    if cmd.qty is None or cmd.qty <= 0:
        raise InvalidInput("Quantity must be greater than zero")

    def body(session: Session) -> dict:
        now = datetime.now(UTC)
        item = _item(session, cmd.sku)
        require_whole(cmd.qty, item.uom, item.sku)
        line = None
        if cmd.po_number:
            line = _po_line(session, cmd.po_number, item.id, item.sku)
            _check_over_receipt(line, cmd.qty, cmd, actor.operator_id)
            supplier_id = line.supplier_id
        else:
            if not cmd.supplier:
                raise InvalidInput("A receipt without PO needs a supplier")
            supplier_id = session.execute(text("SELECT id FROM supplier WHERE code = :c"),
                                          {"c": cmd.supplier}).scalar()
            if supplier_id is None:
                raise NotFound(what=cmd.supplier)
        expiry = expiry_for(item, cmd.expiry, now.date())
        if expiry is not None and expiry < now.date():
            raise InvalidInput("Expiry {expiry} is already past", expiry=expiry.isoformat())
        status = "qc_hold" if item.qc_required else "available"
        lot_id = _lot(session, item, cmd, supplier_id, expiry, "pending" if item.qc_required else "none", now)
        dock = _dock(session, line.warehouse_id if line else None, cmd.warehouse, item.id)
        apply_legs(session, actor, "receipt",
                   [Leg(item.id, lot_id, cmd.qty, to_location_id=dock.id, to_status=status)],
                   key=cmd.key, reference=cmd.po_number, reason=cmd.over_receipt_reason)
        if line is not None:
            session.execute(
                text("UPDATE po_line SET received_qty = received_qty + :q, status = CASE"
                     " WHEN received_qty + :q >= qty THEN 'received' ELSE 'partly_received' END WHERE id = :id"),
                {"q": cmd.qty, "id": line.id},
            )
        session.execute(
            text("INSERT INTO receipt (operation_key, po_line_id, supplier_id, item_id, lot_id, qty, location_id,"
                 " status, operator_id, terminal, received_at, over_receipt_reason, approved_by)"
                 " VALUES (:k, :pl, :s, :i, :l, :q, :loc, :st, :op, :t, :at, :r, :ap)"),
            {"k": cmd.key, "pl": line.id if line else None, "s": supplier_id, "i": item.id, "l": lot_id,
             "q": cmd.qty, "loc": dock.id, "st": status, "op": actor.operator_id, "t": actor.terminal, "at": now,
             "r": cmd.over_receipt_reason, "ap": cmd.approver.operator_id if cmd.approver else None},
        )
        result = {"sku": item.sku, "name": item.name, "gtin": item.gtin, "lot": cmd.lot if lot_id else None,
                  "qty": cmd.qty, "expiry": expiry, "status": status, "location": dock.code,
                  "warehouse": dock.warehouse, "po_number": cmd.po_number,
                  "line_no": line.line_no if line else None}
        outbox.emit(session, "receipt.posted", f"lot:{item.sku}:{result['lot']}", result, dock.warehouse)
        return result

    return Received.of(run_operation(db, actor, key=cmd.key, kind="receipt", permission="receiving.post",
                                     payload=_payload(cmd), body=body, audit_entity="lot",
                                     audit_key=f"{cmd.sku}/{cmd.lot}", reason=cmd.over_receipt_reason).data)
