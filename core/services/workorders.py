"""Work orders: release (FEFO reservations + pick tasks + shortages), cancel and close.

Release is set-based: a constant number of statements whatever the number of BOM lines, and the
balance rows of the components are locked first so two supervisors releasing at once cannot over-reserve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.permissions import Actor
from core.results import Result
from core.services import outbox
from core.services.ledger import run_operation
from core.vocabulary import OPEN_ORDERS

# Requirement per direct component (the view wo_requirement, core/sql: qty x qty_per x (1 + scrap), whole pieces).
REQUIREMENTS = "SELECT item_id, required, backflush FROM wo_requirement WHERE work_order_id = :wo"

# What is still missing per component: required less what is reserved or issued already. Grouped once, not a
# sub-select per component: those scanned every reservation of the order per line (quadratic in BOM lines).
REMAINING = f"""
  SELECT r.item_id, r.backflush, r.required - coalesce(res.qty, 0) - coalesce(iss.qty, 0) AS qty
  FROM ({REQUIREMENTS}) r
  LEFT JOIN (SELECT item_id, sum(qty) AS qty FROM reservation WHERE work_order_id = :wo GROUP BY item_id) res
    ON res.item_id = r.item_id
  LEFT JOIN (SELECT item_id, sum(qty) AS qty FROM wo_issue WHERE work_order_id = :wo GROUP BY item_id) iss
    ON iss.item_id = r.item_id
"""

_LOCK = text(
    "SELECT b.id FROM stock_balance b WHERE b.status = 'available' AND b.qty > b.reserved"
    " AND b.item_id = ANY(ARRAY(SELECT component_item_id FROM bom_line WHERE parent_item_id = :item))"
    " ORDER BY b.id FOR UPDATE"
)

# FEFO: earliest expiry first, then earliest receipt; never expired; only available stock in storage. A
# backflushed component is first reserved where it already is, at the line side of the order's line (no pick);
# only what is missing there is picked to it. Output consumes it there; it is never issued by hand.
_RESERVE = text(
    f"""
    WITH req AS (SELECT item_id, backflush, qty AS need FROM ({REMAINING}) rem),
    cand AS (
      SELECT b.id, b.item_id, b.lot_id, b.location_id, b.qty - b.reserved AS free,
             sum(b.qty - b.reserved) OVER (PARTITION BY b.item_id
               ORDER BY l.kind = 'line_side' DESC, lt.expiry NULLS LAST, lt.received_at NULLS LAST, b.lot_id,
                        l.pick_sequence, b.id
               ROWS UNBOUNDED PRECEDING) AS cum
      FROM stock_balance b
      JOIN req ON req.item_id = b.item_id AND req.need > 0
      JOIN location l ON l.id = b.location_id AND (l.kind = 'storage' OR (req.backflush AND l.kind = 'line_side'
        AND l.line = (SELECT line FROM work_order WHERE id = :wo)))
      LEFT JOIN lot lt ON lt.id = b.lot_id
      WHERE b.item_id = ANY(ARRAY(SELECT item_id FROM req WHERE need > 0))  -- index look-ups, not a hash of all
        AND b.status = 'available' AND b.qty > b.reserved AND (lt.expiry IS NULL OR lt.expiry >= current_date)
    ),
    take AS (
      SELECT c.id, c.item_id, c.lot_id, c.location_id, least(c.free, req.need - (c.cum - c.free)) AS qty
      FROM cand c JOIN req ON req.item_id = c.item_id WHERE c.cum - c.free < req.need
    ),
    upd AS (
      UPDATE stock_balance b SET reserved = b.reserved + t.qty, updated_at = now() FROM take t WHERE b.id = t.id
      RETURNING b.id
    )
    INSERT INTO reservation (work_order_id, item_id, lot_id, location_id, qty)
    SELECT :wo, item_id, lot_id, location_id, qty FROM take WHERE qty > 0
    ON CONFLICT (work_order_id, location_id, item_id, (coalesce(lot_id, 0)))
    DO UPDATE SET qty = reservation.qty + excluded.qty
    """
)

_TASKS = text(
    """
    INSERT INTO pick_task (work_order_id, item_id, lot_id, from_location_id, qty)
    SELECT r.work_order_id, r.item_id, r.lot_id, r.location_id, sum(r.qty)
    FROM reservation r JOIN location l ON l.id = r.location_id AND l.kind = 'storage'
    WHERE r.work_order_id = :wo
      AND NOT EXISTS (SELECT 1 FROM pick_task t WHERE t.work_order_id = r.work_order_id AND t.status = 'open'
                      AND t.item_id = r.item_id AND t.lot_id IS NOT DISTINCT FROM r.lot_id
                      AND t.from_location_id = r.location_id)
    GROUP BY r.work_order_id, r.item_id, r.lot_id, r.location_id
    """
)

# One shortage.raised event per replenishment request the statement below raises (through the outbox's INSERT).
_SHORTAGE_EVENTS = outbox.insert_from("shortage.raised", """
      SELECT 'workorder:' || :wo_number AS aggregate, now() AS occurred_at, NULL AS warehouse,
             jsonb_build_object('work_order', :wo_number, 'sku', i.sku, 'qty', req.qty,
                                'need_date', req.need_date, 'request_id', req.id) AS data
      FROM req JOIN item i ON i.id = req.item_id""")

_SHORTAGES = text(
    f"""
    WITH short AS (SELECT item_id, qty FROM ({REMAINING}) rem),
    req AS (
      INSERT INTO replenishment_request (item_id, work_order_id, qty, need_date)
      SELECT s.item_id, :wo, s.qty, wo.due_date FROM short s, work_order wo WHERE wo.id = :wo AND s.qty > 0
      RETURNING id, item_id, qty, need_date
    ),
    ev AS ({_SHORTAGE_EVENTS} RETURNING 1)
    SELECT i.sku, req.qty FROM req JOIN item i ON i.id = req.item_id ORDER BY i.sku
    """
)


# The order's operations from its item's routing, as the routing is at release (none: the order works as before).
_OPERATIONS = text(
    "INSERT INTO wo_operation (work_order_id, op_no, work_center_id, minutes_per_unit, setup_minutes, qc_plan)"
    " SELECT :wo, r.op_no, r.work_center_id, r.minutes_per_unit, r.setup_minutes, r.qc_plan FROM routing r"
    " WHERE r.item_id = :item ORDER BY r.op_no ON CONFLICT (work_order_id, op_no) DO NOTHING"
)


@dataclass(frozen=True)
class Shortage(Result):
    """A component still missing for a work order: raised as a replenishment request."""

    sku: str
    qty: Decimal


@dataclass(frozen=True)
class Released(Result):
    """A released work order: its pick list's size and the shortages raised."""

    wo_number: str
    status: str
    pick_tasks: int = 0
    shortages: tuple[Shortage, ...] = ()


@dataclass(frozen=True)
class ToReturn(Result):
    """Material left free at a closed order's line side: what should go back to stock."""

    sku: str
    lot: str | None
    qty: Decimal
    location: str


@dataclass(frozen=True)
class Finished(Result):
    """A cancelled or closed work order."""

    wo_number: str
    status: str


@dataclass(frozen=True)
class Closed(Finished):
    """A closed work order, with what is left at its line side and should go back to stock (`to_return`)."""

    to_return: tuple[ToReturn, ...] = ()


def _wo(session: Session, wo_number: str):
    row = session.execute(
        text("SELECT id, wo_number, item_id, status FROM work_order WHERE wo_number = :w FOR UPDATE"),
        {"w": (wo_number or "").strip()},
    ).first()
    if row is None:
        raise NotFound(what=wo_number)
    return row


def reserve_for(session: Session, wo) -> list[tuple[str, object]]:
    """Reserve what is missing for a work order, FEFO; returns the shortages raised [(sku, qty)]."""
    session.execute(_LOCK, {"item": wo.item_id}).all()
    session.execute(_RESERVE, {"wo": wo.id})
    session.execute(_TASKS, {"wo": wo.id})
    return [(r.sku, r.qty) for r in session.execute(_SHORTAGES, {"wo": wo.id, "wo_number": wo.wo_number})]


def _default_key(action: str, wo_number: str, actor: Actor) -> str:
    """The key of an order's action when the caller names none (the CLI): one per order and operator, so the same
    operator asking again gets the first answer, and another gets the ordinary answer for the order as it is now
    (released already, say) rather than a key used by someone else."""
    return f"{action}:{wo_number}:{actor.operator_id}"


def release(db: Database, actor: Actor, wo_number: str, *, key: str | None = None) -> Released:
    """planned -> released: reserve components FEFO, make the pick list, raise shortages."""

    def body(session: Session) -> dict:
        wo = _wo(session, wo_number)
        if wo.status != "planned":
            raise InvalidInput("Work order {wo} is {status}, not planned", wo=wo_number, status=wo.status)
        shortages = reserve_for(session, wo)
        session.execute(_OPERATIONS, {"wo": wo.id, "item": wo.item_id})
        session.execute(text("UPDATE work_order SET status = 'released', released_at = :at WHERE id = :id"),
                        {"at": datetime.now(UTC), "id": wo.id})
        tasks = session.execute(text("SELECT count(*) FROM pick_task WHERE work_order_id = :w"), {"w": wo.id})
        return {"wo_number": wo.wo_number, "status": "released", "pick_tasks": tasks.scalar(),
                "shortages": [{"sku": s, "qty": q} for s, q in shortages]}

    return Released.of(run_operation(db, actor, key=key or _default_key("release", wo_number, actor),
                                     kind="workorder.release", permission="workorder.manage",
                                     payload={"wo_number": wo_number}, body=body, audit_entity="work_order",
                                     audit_key=wo_number).data)


def unreserve(session: Session, wo_id: int) -> None:
    """Give back every reservation of a work order and cancel its open pick tasks."""
    session.execute(
        text("""
        WITH r AS (
          DELETE FROM reservation WHERE work_order_id = :w RETURNING location_id, item_id, lot_id, qty
        ), g AS (
          SELECT location_id, item_id, coalesce(lot_id, 0) AS lot, sum(qty) AS qty FROM r
          GROUP BY location_id, item_id, coalesce(lot_id, 0)
        )
        UPDATE stock_balance b SET reserved = b.reserved - g.qty, updated_at = now() FROM g
        WHERE b.location_id = g.location_id AND b.item_id = g.item_id AND coalesce(b.lot_id, 0) = g.lot
          AND b.status = 'available'
        """),
        {"w": wo_id},
    )
    session.execute(text("UPDATE pick_task SET status = 'cancelled' WHERE work_order_id = :w AND status = 'open'"),
                    {"w": wo_id})
    session.execute(text("UPDATE replenishment_request SET status = 'cancelled' WHERE work_order_id = :w"
                         " AND status = 'open'"), {"w": wo_id})


def _finish(db: Database, actor: Actor, wo_number: str, target: str, allowed: tuple[str, ...],
            key: str | None) -> Finished:
    def body(session: Session) -> dict:
        wo = _wo(session, wo_number)
        if wo.status not in allowed:
            raise InvalidInput("Work order {wo} is {status}; cannot {action}", wo=wo_number, status=wo.status,
                               action={"cancelled": "cancel", "closed": "close"}[target])
        unreserve(session, wo.id)
        session.execute(text("UPDATE work_order SET status = :s WHERE id = :id"), {"s": target, "id": wo.id})
        done = {"wo_number": wo.wo_number, "status": target}
        return {**done, "to_return": _left_at_line(session, wo.id)} if target == "closed" else done

    answer = Closed if target == "closed" else Finished
    return answer.of(run_operation(db, actor, key=key or _default_key(target, wo_number, actor),
                                   kind=f"workorder.{target}", permission="workorder.manage",
                                   payload={"wo_number": wo_number}, body=body, audit_entity="work_order",
                                   audit_key=wo_number).data)


def _left_at_line(session: Session, wo_id: int) -> list[dict]:
    """The order's components that are free (no other order holds them) at the line-side locations of its line,
    after its own reservations were given back: sku, lot, qty, location, in location and SKU order. An item the
    location keeps by line-stock min/max stays there (replenishment looks after it); other orders' outputs and
    components are not this order's to send back."""
    rows = session.execute(text(
        "SELECT i.sku, t.lot_no AS lot, b.qty - b.reserved AS qty, l.code AS location FROM work_order w"
        " JOIN location l ON l.kind = 'line_side' AND l.line = w.line"
        " JOIN stock_balance b ON b.location_id = l.id AND b.status = 'available' AND b.qty > b.reserved"
        " JOIN item i ON i.id = b.item_id LEFT JOIN lot t ON t.id = b.lot_id"
        " WHERE w.id = :w AND EXISTS (SELECT 1 FROM wo_requirement r WHERE r.work_order_id = w.id"
        " AND r.item_id = b.item_id) AND NOT EXISTS (SELECT 1 FROM line_stock s WHERE s.location_id = l.id"
        " AND s.item_id = b.item_id) ORDER BY l.code, i.sku, t.lot_no NULLS FIRST"), {"w": wo_id}).all()
    return [dict(r._mapping) for r in rows]


def cancel(db: Database, actor: Actor, wo_number: str, *, key: str | None = None) -> Finished:
    """Cancel an open work order; its reservations go back to free stock."""
    return _finish(db, actor, wo_number, "cancelled", OPEN_ORDERS, key)


def close(db: Database, actor: Actor, wo_number: str, *, key: str | None = None) -> Closed:
    """Close a work order (normally completed); what is still reserved is released."""
    return _finish(db, actor, wo_number, "closed", ("completed", "in_progress", "released"), key)


def unreserve_lots(session: Session, lot_ids: list[int]) -> None:
    """Give back every reservation on these lots (a recall blocks them); their pick tasks are cancelled."""
    session.execute(
        text("""
        WITH r AS (
          DELETE FROM reservation WHERE lot_id = ANY(:ids) RETURNING location_id, item_id, lot_id, qty
        ), g AS (SELECT location_id, item_id, lot_id, sum(qty) AS qty FROM r GROUP BY 1, 2, 3)
        UPDATE stock_balance b SET reserved = b.reserved - g.qty, updated_at = now() FROM g
        WHERE b.location_id = g.location_id AND b.item_id = g.item_id AND b.lot_id = g.lot_id
          AND b.status = 'available'
        """),
        {"ids": lot_ids},
    )
    session.execute(text("UPDATE pick_task SET status = 'cancelled' WHERE lot_id = ANY(:ids) AND status = 'open'"),
                    {"ids": lot_ids})


def replan_for_item(session: Session, item_id: int) -> list[str]:
    """Stock of a short item became free: reserve it for the short work orders, earliest due first.

    Their open replenishment requests are closed as `replanned` and raised again only for what is still short.
    """
    orders = session.execute(text(
        "SELECT w.id, w.wo_number, w.item_id, w.due_date, w.priority FROM work_order w"
        " WHERE w.status IN ('released', 'in_progress') AND EXISTS (SELECT 1 FROM replenishment_request r"
        " WHERE r.work_order_id = w.id AND r.item_id = :i AND r.status = 'open')"
        " ORDER BY w.due_date, w.priority, w.wo_number FOR UPDATE"),
        {"i": item_id}).all()
    for wo in orders:
        session.execute(text("UPDATE replenishment_request SET status = 'replanned' WHERE work_order_id = :w"
                             " AND status = 'open'"), {"w": wo.id})
        reserve_for(session, wo)
    return [wo.wo_number for wo in orders]
