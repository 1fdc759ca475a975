"""Kitting: for each open work order and component, required / reserved / issued / available / short."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.permissions import Actor, require


@dataclass(frozen=True)
class ComponentKit:
    sku: str
    required: Decimal
    reserved: Decimal
    issued: Decimal
    available: Decimal
    short: Decimal


@dataclass(frozen=True)
class WorkOrderKit:
    wo_number: str
    sku: str
    qty: Decimal
    due_date: date
    line: str
    status: str  # kitted | kittable | short
    components: list[ComponentKit]


# One statement for every open work order: free stock per item is computed once and joined.
_SQL = text(
    """
    WITH wo AS (
      SELECT w.id, w.wo_number, w.item_id, w.qty, w.due_date, w.line, w.priority FROM work_order w
      WHERE w.status IN ('planned', 'released', 'in_progress')
        AND (CAST(:horizon AS integer) IS NULL OR w.due_date <= current_date + CAST(:horizon AS integer))
    ),
    free AS (
      SELECT b.item_id, sum(b.qty - b.reserved) AS qty FROM stock_balance b
      JOIN location l ON l.id = b.location_id AND l.kind IN ('storage', 'line_side')
      LEFT JOIN lot lt ON lt.id = b.lot_id
      WHERE b.status = 'available' AND (lt.expiry IS NULL OR lt.expiry >= current_date)
        -- an array: index look-ups of the components' balances, not a hash over every balance of the plant
        AND b.item_id = ANY(ARRAY(SELECT DISTINCT item_id FROM wo_requirement
                                  WHERE work_order_id IN (SELECT id FROM wo)))
      GROUP BY b.item_id
    ),
    res AS (SELECT work_order_id, item_id, sum(qty) AS qty FROM reservation
            WHERE work_order_id IN (SELECT id FROM wo) GROUP BY 1, 2),
    iss AS (SELECT work_order_id, item_id, sum(qty) AS qty FROM wo_issue
            WHERE work_order_id IN (SELECT id FROM wo) GROUP BY 1, 2)
    SELECT wo.wo_number, p.sku AS parent_sku, wo.qty, wo.due_date, wo.line, c.sku, req.required,
           coalesce(res.qty, 0) AS reserved, coalesce(iss.qty, 0) AS issued, coalesce(free.qty, 0) AS available
    FROM wo JOIN item p ON p.id = wo.item_id
    JOIN wo_requirement req ON req.work_order_id = wo.id JOIN item c ON c.id = req.item_id
    LEFT JOIN res ON res.work_order_id = wo.id AND res.item_id = req.item_id
    LEFT JOIN iss ON iss.work_order_id = wo.id AND iss.item_id = req.item_id
    LEFT JOIN free ON free.item_id = req.item_id
    ORDER BY wo.due_date, wo.priority, wo.wo_number, c.sku
    """
)


# The status alone, per work order, by the same numbers and rule as `kitting` (kitted: everything reserved or issued;
# kittable: nothing short; else short), grouped in the server: the schedule needs no component rows.
_STATUS = text(
    "SELECT k.wo_number, CASE WHEN bool_and(k.reserved + k.issued >= k.required) THEN 'kitted'"
    " WHEN bool_and(k.required - k.reserved - k.issued - k.available <= 0) THEN 'kittable' ELSE 'short' END"
    f" AS status FROM ({_SQL.text.rsplit('ORDER BY', 1)[0]}) k GROUP BY k.wo_number"
)


def kit_statuses(db: Database, actor: Actor, horizon_days: int | None = None) -> dict[str, str]:
    """wo_number -> kitted / kittable / short for every open work order with components (one statement)."""
    require(actor, "stock.view")
    return db.read(lambda uow: dict(uow.execute(_STATUS, {"horizon": horizon_days}).all()))  # replica, if any


def kitting(db: Database, actor: Actor, horizon_days: int | None = None, *,
            session: Session | None = None) -> list[WorkOrderKit]:
    """Which work orders can run: `kitted` (all reserved or issued), `kittable` (enough free), else `short`.

    `session`: read inside the caller's transaction (one snapshot; a console session has one connection); without
    one, on the read replica when there is one (core/db.py Database.read)."""
    require(actor, "stock.view")
    if session is not None:
        rows = session.execute(_SQL, {"horizon": horizon_days}).all()
    else:
        rows = db.read(lambda uow: uow.execute(_SQL, {"horizon": horizon_days}).all())
    orders: dict[str, dict] = {}
    for r in rows:
        o = orders.setdefault(r.wo_number, {"wo_number": r.wo_number, "sku": r.parent_sku, "qty": r.qty,
                                            "due_date": r.due_date, "line": r.line, "components": []})
        held = r.reserved + r.issued
        short = max(r.required - held - r.available, Decimal(0))
        o["components"].append(ComponentKit(r.sku, r.required, r.reserved, r.issued, r.available, short))
    result = []
    for o in orders.values():
        comps = o.pop("components")
        if all(c.reserved + c.issued >= c.required for c in comps):
            status = "kitted"
        elif all(c.short == 0 for c in comps):
            status = "kittable"
        else:
            status = "short"
        result.append(WorkOrderKit(**o, status=status, components=comps))
    return result
