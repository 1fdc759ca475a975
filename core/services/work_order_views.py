"""Reads the production screens need: one work order with its components, the board, and output labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from core.config import settings
from core.db import Database
from core.errors import InvalidInput, NotFound
from core.permissions import Actor, require
from core.services import labels
from core.services.kitting import ComponentKit, WorkOrderKit, kitting
from core.vocabulary import RUNNING_ORDERS


@dataclass(frozen=True)
class ComponentView(ComponentKit):
    tracking: str = "lot"
    backflush: bool = False  # consumed by output, never issued by hand


@dataclass(frozen=True)
class WorkOrderView:
    wo_number: str
    sku: str
    name: str
    qty: Decimal
    completed: Decimal
    due_date: date
    line: str
    state: str  # planned | released | in_progress | completed | closed | cancelled
    kit_status: str  # kitted | kittable | short (as the kitting service decides)
    components: list[ComponentView]
    uom: str = ""  # the product's unit: a piece unit is reported in whole numbers


# The kitting service's numbers for one work order, whatever its state; available = free usable stock.
_ONE = text(
    """
    SELECT wo.wo_number, p.sku AS parent_sku, p.name, p.uom AS parent_uom, wo.qty, wo.qty_completed, wo.due_date,
           wo.line, wo.status, c.sku, c.tracking, req.required, req.backflush,
           coalesce((SELECT sum(qty) FROM reservation r WHERE r.work_order_id = wo.id
                     AND r.item_id = req.item_id), 0) AS reserved,
           coalesce((SELECT sum(qty) FROM wo_issue i WHERE i.work_order_id = wo.id
                     AND i.item_id = req.item_id), 0) AS issued,
           coalesce((SELECT sum(s.qty - s.reserved) FROM stock_balance s
                     JOIN location l ON l.id = s.location_id AND l.kind IN ('storage', 'line_side')
                     LEFT JOIN lot lt ON lt.id = s.lot_id
                     WHERE s.item_id = req.item_id AND s.status = 'available'
                       AND (lt.expiry IS NULL OR lt.expiry >= current_date)), 0) AS available
    FROM work_order wo JOIN item p ON p.id = wo.item_id
    LEFT JOIN wo_requirement req ON req.work_order_id = wo.id LEFT JOIN item c ON c.id = req.item_id
    WHERE wo.wo_number = :w ORDER BY c.sku
    """
)


def kit_status(components: list[ComponentKit]) -> str:
    """`kitted` (all reserved or issued), `kittable` (nothing short), else `short` — the kitting service's rule."""
    if all(c.reserved + c.issued >= c.required for c in components):
        return "kitted"
    return "kittable" if all(c.short == 0 for c in components) else "short"


def work_order_view(db: Database, actor: Actor, wo_number: str, *, primary: bool = False) -> WorkOrderView:
    """One work order, any state, with required / reserved / issued / available / short per component.

    On the read replica when there is one, unless `primary` (the check before a posting: running_order)."""
    require(actor, "stock.view")
    params = {"w": (wo_number or "").strip()}
    if primary:
        with db.uow() as uow:
            rows = uow.execute(_ONE, params).all()
    else:
        rows = db.read(lambda uow: uow.execute(_ONE, params).all())
    if not rows:
        raise NotFound(what=wo_number)
    comps = [ComponentView(r.sku, r.required, r.reserved, r.issued, r.available,
                           max(r.required - r.reserved - r.issued - r.available, Decimal(0)), r.tracking,
                           bool(r.backflush))
             for r in rows if r.sku is not None]
    r = rows[0]
    return WorkOrderView(r.wo_number, r.parent_sku, r.name, r.qty, r.qty_completed, r.due_date, r.line, r.status,
                         kit_status(comps), comps, r.parent_uom)


def running_order(db: Database, actor: Actor, wo_number: str) -> WorkOrderView:
    """A work order material can be issued to or output reported for: released or in progress."""
    order = work_order_view(db, actor, wo_number, primary=True)  # what is posted next checks this: current
    if order.state not in RUNNING_ORDERS:
        raise InvalidInput("Work order {wo} is {status}, not released", wo=order.wo_number, status=order.state)
    return order


@dataclass(frozen=True)
class BoardRow:
    kit: WorkOrderKit
    state: str


def board(db: Database, actor: Actor, horizon_days: int | None = None) -> list[BoardRow]:
    """Open work orders by due date with their kitting status and state (planned / released / in progress)."""

    def load(uow):  # one snapshot for kits and states, on the read replica when there is one
        kits = kitting(db, actor, horizon_days, session=uow.session)
        states = dict(uow.execute(text("SELECT wo_number, status FROM work_order WHERE wo_number = ANY(:w)"),
                                  {"w": [k.wo_number for k in kits]}).all())
        return kits, states

    kits, states = db.read(load)
    return [BoardRow(k, states.get(k.wo_number, "")) for k in kits]


def label_folder() -> Path:
    """Where labels go when no printer is configured: LINESIDE_HOME/labels."""
    return settings().home / "labels"


def print_output_labels(db: Database, actor: Actor, lots: list[str], sku: str) -> list[str]:
    """Print a label for each output lot (to the configured printer, else ZPL files); returns where they went."""
    cfg = settings()
    return [labels.print_lot_label(db, actor, lot, sku=sku, printer=cfg.printer, folder=label_folder())
            for lot in lots]
