"""Production output: backflush, output lots (`<wo>-<nn>`, one per unit for serial items), genealogy, completion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.config import settings
from core.db import Database
from core.errors import InvalidInput, NotFound, OverOutput, PermissionDenied
from core.i18n import N_
from core.permissions import Actor
from core.reasons import OverOutputReason
from core.results import Result
from core.services import outbox
from core.services.issuing import consume
from core.services.ledger import Leg, apply_legs, run_operation
from core.services.picking import open_work_order
from core.units import pieces_up, require_whole

LOT_RULE = "{wo}-{seq:02d}"  # configurable; the default of the issue


def _backflush(session: Session, actor: Actor, wo, reported: Decimal, key: str) -> None:
    """Consume backflushed components FEFO from the line side of the order's line, once: what the units reported
    so far (good + scrap, this output included) need, in whole pieces for a piece unit, less what was backflushed
    already. They are never issued by hand (issuing refuses them), so nothing is consumed twice."""
    comps = session.execute(
        text("SELECT c.component_item_id AS item_id, i.uom, bom_requirement(:u, c.qty_per, c.scrap_pct) AS qty,"
             " coalesce((SELECT sum(w.qty) FROM wo_issue w WHERE w.work_order_id = :wo"
             "  AND w.item_id = c.component_item_id AND w.backflush), 0) AS done"
             " FROM bom_line c JOIN item i ON i.id = c.component_item_id"
             " WHERE c.parent_item_id = :p AND c.backflush ORDER BY c.component_item_id"),
        {"u": reported, "p": wo.item_id, "wo": wo.id},
    ).all()
    for comp in comps:
        left = pieces_up(Decimal(comp.qty), comp.uom) - Decimal(comp.done)
        if left <= 0:
            continue
        lots = session.execute(
            text("SELECT b.lot_id, sum(b.qty - b.reserved) + coalesce(max(r.qty), 0) AS usable FROM stock_balance b"
                 " JOIN location l ON l.id = b.location_id AND l.kind = 'line_side' AND l.line = :line"
                 " LEFT JOIN lot lt ON lt.id = b.lot_id"
                 " LEFT JOIN reservation r ON r.work_order_id = :wo AND r.location_id = b.location_id"
                 "  AND r.item_id = b.item_id AND coalesce(r.lot_id, 0) = coalesce(b.lot_id, 0)"
                 " WHERE b.item_id = :i AND b.status = 'available'"
                 " GROUP BY b.lot_id, lt.expiry, lt.received_at ORDER BY lt.expiry NULLS LAST, lt.received_at"),
            {"line": wo.line, "wo": wo.id, "i": comp.item_id},
        ).all()
        for n, lot in enumerate(lots):
            part = min(Decimal(lot.usable), left)
            if part > 0:
                consume(session, actor, wo, comp.item_id, lot.lot_id, part, key=f"{key}:bf{comp.item_id}:{n}",
                        backflush=True)
                left -= part
        if left > 0:
            consume(session, actor, wo, comp.item_id, None, left, key=key, backflush=True)  # raises the shortage


def _require_material(session: Session, wo) -> None:
    """Output needs its material: something issued by hand, and some of every lot-tracked component (else the
    output lot's trace would miss it). Backflushed components are consumed by the output itself."""
    hand = session.execute(
        text("SELECT i.sku, i.tracking, EXISTS (SELECT 1 FROM wo_issue x WHERE x.work_order_id = :w"
             " AND x.item_id = r.item_id) AS issued FROM wo_requirement r JOIN item i ON i.id = r.item_id"
             " WHERE r.work_order_id = :w AND NOT r.backflush ORDER BY i.sku"), {"w": wo.id}).all()
    if hand and not any(h.issued for h in hand):
        raise InvalidInput("Nothing was issued to {wo}; issue material first", wo=wo.wo_number)
    missing = [h.sku for h in hand if not h.issued and h.tracking != "none"]
    if missing:
        raise InvalidInput("Nothing of {sku} was issued to {wo}; issue it first", sku=missing[0], wo=wo.wo_number)


def _check_over_output(actor: Actor, wo, good: Decimal, scrap: Decimal, approver: Actor | None,
                       reason: str | None) -> bool:
    """True when this output takes the order beyond its quantity + tolerance, which a supervisor approved."""
    pct = Decimal(str(settings().over_output_pct))
    total = wo.qty_completed + wo.qty_scrapped + good + scrap
    if total <= wo.qty * (1 + pct / 100):
        return False
    if approver is None or not reason:
        raise OverOutput(total=_fmt(total), ordered=_fmt(wo.qty), tolerance=_fmt(pct))
    OverOutputReason.require(reason, N_("Choose a reason for the over-output"))
    if approver.operator_id == actor.operator_id:
        raise PermissionDenied("An approval needs a second person, not {badge}", badge=actor.badge)
    if not approver.may("override.approve"):
        raise PermissionDenied(operation="override.approve")
    return True


def routing_cap(session: Session, wo, good: Decimal) -> None:
    """For an order with operations, output posts no more good than its last operation finished: the operations
    say what was made, the output flow posts it (one source of truth for the lots and the ledger)."""
    last = session.execute(text("SELECT op_no, good FROM wo_operation WHERE work_order_id = :w AND rework_of IS NULL"
                                " ORDER BY op_no DESC LIMIT 1"), {"w": wo.id}).first()
    if last is not None and wo.qty_completed + good > last.good:
        raise InvalidInput(N_("Only {passed} of {wo} passed its last operation ({op_no}); {done} are output"),
                           passed=_fmt(last.good), wo=wo.wo_number, op_no=last.op_no, done=_fmt(wo.qty_completed))


def _held_by_nonconformance(session: Session, wo_id: int) -> bool:
    return session.execute(text("SELECT EXISTS (SELECT 1 FROM nonconformance WHERE work_order_id = :w"
                                " AND status = 'open')"), {"w": wo_id}).scalar()


def _fmt(qty: Decimal) -> str:
    return format(Decimal(qty).normalize(), "f")


def _output_lots(session: Session, wo, item, good: Decimal, now) -> list[tuple[int, str, Decimal]]:
    count = int(good) if item.tracking == "serial" else 1
    if item.tracking == "serial" and good != count:
        raise InvalidInput("Serial items are reported in whole units")
    seq = session.execute(text("UPDATE work_order SET output_seq = output_seq + :n WHERE id = :w RETURNING output_seq"),
                          {"n": count, "w": wo.id}).scalar()
    lots = []
    for i in range(count):
        lot_no = LOT_RULE.format(wo=wo.wo_number, seq=seq - count + 1 + i)
        qty = Decimal(1) if item.tracking == "serial" else good
        lot_id = session.execute(
            text("INSERT INTO lot (item_id, lot_no, work_order_id, produced_at, received_at, qc_status, expiry)"
                 " VALUES (:i, :n, :w, :at, :at, :qc, CAST(:at AS date) + CAST(:life AS integer)) RETURNING id"),
            {"i": item.id, "n": lot_no, "w": wo.id, "at": now, "qc": "pending" if item.qc_required else "none",
             "life": item.shelf_life_days},
        ).scalar()
        lots.append((lot_id, lot_no, qty))
    return lots


def _genealogy(session: Session, wo, units: Decimal, outputs: list[tuple[int, str, Decimal]]) -> None:
    """Link the lots the work order consumed to each new output lot: what was backflushed for it, and of what was
    issued by hand and not yet attributed the share these units (good + scrap) are of what is still to report,
    so a first partial output does not take all the material and the last one none."""
    left = max(wo.qty - wo.qty_completed - wo.qty_scrapped, units)
    session.execute(
        text("""
        WITH consumed AS (
          SELECT lot_id, sum(qty) AS qty, bool_or(backflush) AS backflush FROM wo_issue
          WHERE work_order_id = :wo AND lot_id IS NOT NULL GROUP BY lot_id
        ), linked AS (
          SELECT input_lot_id AS lot_id, sum(qty) AS qty FROM genealogy WHERE work_order_id = :wo GROUP BY 1
        ), outs AS (SELECT unnest(CAST(:outs AS bigint[])) AS output_lot_id)
        INSERT INTO genealogy (input_lot_id, output_lot_id, work_order_id, qty)
        SELECT c.lot_id, o.output_lot_id, :wo,
               greatest(c.qty - coalesce(l.qty, 0), 0) * CASE WHEN c.backflush THEN 1 ELSE :units / :left END
               / (SELECT count(*) FROM outs)
        FROM consumed c LEFT JOIN linked l ON l.lot_id = c.lot_id CROSS JOIN outs o
        """),
        {"wo": wo.id, "outs": [lot_id for lot_id, _, _ in outputs], "units": units, "left": left},
    )


@dataclass(frozen=True)
class Output(Result):
    """A reported output: the new lots (none when only scrap), and the work order's state after it."""

    wo_number: str
    sku: str
    name: str
    good: Decimal
    scrap: Decimal
    lots: tuple[str, ...]
    status: str
    completed: Decimal
    approved_by: str | None = None  # who approved an output beyond the order's quantity


def report_output(db: Database, actor: Actor, *, key: str, wo_number: str, good: Decimal,
                  scrap: Decimal = Decimal(0), approver: Actor | None = None, reason: str | None = None) -> Output:
    """Post good output (new lots at the line side, with genealogy) and scrap, backflushing once; the order is
    complete when good + scrap reach its quantity, and more than that (+ tolerance) needs a supervisor."""
    if good is None or good < 0 or scrap is None or scrap < 0 or good + scrap <= 0:
        raise InvalidInput("Quantity must be greater than zero")

    def body(session: Session) -> dict:
        now = datetime.now(UTC)
        wo = open_work_order(session, wo_number)
        wo = session.execute(text("SELECT id, wo_number, item_id, status, line, qty, qty_completed, qty_scrapped"
                                  " FROM work_order WHERE id = :w FOR UPDATE"), {"w": wo.id}).first()
        item = session.execute(text("SELECT id, sku, name, uom, tracking, qc_required, shelf_life_days FROM item"
                                    " WHERE id = :i"), {"i": wo.item_id}).first()
        require_whole(good, item.uom, item.sku)
        require_whole(scrap, item.uom, item.sku)
        over = _check_over_output(actor, wo, good, scrap, approver, reason)
        routing_cap(session, wo, good)
        _require_material(session, wo)
        _backflush(session, actor, wo, wo.qty_completed + wo.qty_scrapped + good + scrap, key)
        if not session.execute(text("SELECT 1 FROM wo_issue WHERE work_order_id = :w LIMIT 1"), {"w": wo.id}).first():
            raise InvalidInput("Nothing was issued to {wo}; issue material first", wo=wo.wo_number)
        drop = session.execute(text("SELECT id FROM location WHERE kind = 'line_side' AND line = :l"
                                    " ORDER BY pick_sequence LIMIT 1"), {"l": wo.line}).scalar()
        if drop is None:
            raise NotFound(what=f"line side {wo.line}")
        outputs = _output_lots(session, wo, item, good, now) if good > 0 else []
        # on hold for incoming-style QC, or while a nonconformance of the order is open
        status = "qc_hold" if item.qc_required or _held_by_nonconformance(session, wo.id) else "available"
        if outputs:
            apply_legs(session, actor, "output", [Leg(item.id, lot_id, qty, to_location_id=drop, to_status=status)
                                                  for lot_id, _, qty in outputs], key=key, reference=wo.wo_number,
                       reason=reason if over else None)
            _genealogy(session, wo, good + scrap, outputs)
        done = session.execute(
            text("UPDATE work_order SET qty_completed = qty_completed + :g, qty_scrapped = qty_scrapped + :s,"
                 " status = CASE WHEN qty_completed + qty_scrapped + :g + :s >= qty THEN 'completed'"
                 "  ELSE 'in_progress' END,"
                 " completed_at = CASE WHEN qty_completed + qty_scrapped + :g + :s >= qty THEN :at END"
                 " WHERE id = :w RETURNING status, qty_completed, qty"),
            {"g": good, "s": scrap, "at": now, "w": wo.id},
        ).first()
        result = {"wo_number": wo.wo_number, "sku": item.sku, "name": item.name, "good": good, "scrap": scrap,
                  "lots": [n for _, n, _ in outputs], "status": done.status, "completed": done.qty_completed,
                  **({"approved_by": approver.badge} if over else {})}
        if done.status == "completed":
            outbox.emit(session, "workorder.completed", f"workorder:{wo.wo_number}",
                        {"wo_number": wo.wo_number, "sku": item.sku, "qty": done.qty_completed,
                         "lots": result["lots"]})
        return result

    return Output.of(run_operation(db, actor, key=key, kind="output", permission="production.output", payload={
        "wo_number": wo_number, "good": good, "scrap": scrap, "approver": approver.badge if approver else None,
        "reason": reason}, body=body,
                                   audit_entity="work_order", audit_key=wo_number, reason=reason).data)
