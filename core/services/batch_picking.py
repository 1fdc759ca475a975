"""Batch picking: several released orders of one line in one walk.

The orders' open tasks are claimed as for one order, then merged: tasks at the same location, of the same item
and lot, become one walk line whose quantity is their sum, in pick-path order. At the drop each picked quantity
is split back to the orders' own tasks in due order (due date, then work order), and every order is posted as if
picked alone (picking.post_order), all in one transaction under one key. A short merged line leaves the missing
quantity to the orders last in due order: only the orders that got less are short and re-planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.permissions import Actor, require
from core.results import Result
from core.services import picking
from core.services.ledger import run_operation
from core.services.picking import Picked, PickLine

ZERO = Decimal(0)


@dataclass(frozen=True)
class WalkPart:
    """One order's task inside a walk line: what it still needs."""

    wo_number: str
    task_id: int
    qty: Decimal


@dataclass(frozen=True)
class WalkLine:
    """One stop of the walk: a location, an item and a lot; `qty` is what the orders' tasks there still need.

    Shaped like a PickTaskView (id = its first task, picked_qty = 0) so the pick panels draw it alike.
    """

    id: int
    sku: str
    tracking: str
    lot: str | None
    expiry: object
    location: str
    qty: Decimal
    picked_qty: Decimal
    uom: str
    parts: tuple[WalkPart, ...]

    @property
    def task_ids(self) -> tuple[int, ...]:
        return tuple(p.task_id for p in self.parts)


@dataclass(frozen=True)
class Batch:
    """The orders of one line claimed for one walk (in due order), and the walk."""

    line: str
    orders: tuple[str, ...]
    walk: tuple[WalkLine, ...]


@dataclass(frozen=True)
class BatchLine:
    """What was picked at one walk line: its tasks, the quantity found, the lot scanned, short with a reason."""

    tasks: tuple[int, ...]
    qty: Decimal
    lot: str | None = None
    short: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class BatchPicked(Result):
    """A posted batch: the drop and each order's posting."""

    drop: str
    orders: tuple[Picked, ...] = ()


_WALK = """
  SELECT t.id, w.wo_number, i.sku, i.tracking, lt.lot_no AS lot, lt.expiry, l.code AS location,
         t.qty - t.picked_qty AS qty, i.uom, t.item_id, t.lot_id, t.from_location_id
  FROM pick_task t JOIN work_order w ON w.id = t.work_order_id JOIN item i ON i.id = t.item_id
  JOIN location l ON l.id = t.from_location_id LEFT JOIN lot lt ON lt.id = t.lot_id
  WHERE w.wo_number = ANY(:wos) AND t.status = 'open' AND t.claimed_by = :op
  ORDER BY l.pick_sequence, l.code, lt.expiry NULLS LAST, i.sku, lt.lot_no, w.due_date, w.wo_number, t.id
"""


def batch_orders(session: Session, wo_numbers: list[str]) -> tuple[str, list[str]]:
    """The batch's line and its orders in due order; each released, all on the line of the first."""
    orders = []
    for number in dict.fromkeys(w.strip() for w in wo_numbers if w and w.strip()):
        orders.append(picking.open_work_order(session, number))
    if not orders:
        raise InvalidInput("No work order in the batch")
    line = orders[0].line
    for wo in orders[1:]:
        if wo.line != line:
            raise InvalidInput(N_("{wo} is for line {other}, not {line}: a batch is one line"), wo=wo.wo_number,
                               other=wo.line or "—", line=line or "—")
    due = dict(session.execute(text("SELECT wo_number, due_date FROM work_order WHERE wo_number = ANY(:w)"),
                               {"w": [o.wo_number for o in orders]}).all())
    return line, sorted((o.wo_number for o in orders), key=lambda w: (due[w] is None, due[w], w))


def merge(rows) -> tuple[WalkLine, ...]:
    """Tasks in pick-path order -> walk lines: the same location, item and lot become one line."""
    merged: dict[tuple, list] = {}
    for r in rows:
        merged.setdefault((r.from_location_id, r.item_id, r.lot_id), []).append(r)
    walk = []
    for tasks in merged.values():
        first = tasks[0]
        walk.append(WalkLine(first.id, first.sku, first.tracking, first.lot, first.expiry, first.location,
                             sum((t.qty for t in tasks), ZERO), ZERO, first.uom,
                             tuple(WalkPart(t.wo_number, t.id, t.qty) for t in tasks)))
    return tuple(walk)


def claim_batch(db: Database, actor: Actor, wo_numbers: list[str], *, strict: bool = True) -> Batch:
    """Claim the open tasks of several released orders of one line (each as picking.claim), merged in one walk.

    `strict`: an order with no open task is refused (when it joins); else it is left out (after a posting)."""
    require(actor, "picking.post")
    with db.uow() as uow:
        line, orders = batch_orders(uow.session, wo_numbers)
    for wo in orders:
        if not picking.claim(db, actor, wo) and strict:
            raise InvalidInput("No open pick tasks for {wo}", wo=wo)
    with db.uow() as uow:
        rows = uow.execute(text(_WALK), {"wos": orders, "op": actor.operator_id}).all()
    if not strict:
        orders = [wo for wo in orders if any(r.wo_number == wo for r in rows)]
    return Batch(line, tuple(orders), merge(rows))


def split(session: Session, line: BatchLine) -> list[tuple[str, PickLine]]:
    """A walk line's pick split back to its tasks in due order: each takes what it needs while there is some;
    on a short line the orders that got less than they need are short (with the reason), the others are not."""
    if not line.tasks:
        raise InvalidInput("Nothing was picked")
    tasks = session.execute(
        text("SELECT t.id, w.wo_number, t.qty - t.picked_qty AS left, t.item_id, t.lot_id, t.from_location_id"
             " FROM pick_task t JOIN work_order w ON w.id = t.work_order_id"
             " WHERE t.id = ANY(:ids) AND t.status = 'open'"
             " ORDER BY w.due_date NULLS LAST, w.wo_number, t.id FOR UPDATE OF t"),
        {"ids": list(line.tasks)}).all()
    if len(tasks) != len(set(line.tasks)):
        gone = ", ".join(str(t) for t in sorted(set(line.tasks) - {t.id for t in tasks}))
        raise NotFound(what=f"task {gone}")
    if len({(t.item_id, t.lot_id, t.from_location_id) for t in tasks}) > 1:
        raise InvalidInput("Tasks {tasks} are not one walk line", tasks=", ".join(str(t) for t in line.tasks))
    needed = sum((t.left for t in tasks), ZERO)
    if line.qty < 0 or line.qty > needed:
        raise InvalidInput("Pick at most {qty}", qty=format(needed.normalize(), "f"))
    parts, left = [], line.qty
    for t in tasks:
        qty = min(left, t.left)
        left -= qty
        short = line.short and qty < t.left
        if qty > 0 or short:
            parts.append((t.wo_number, PickLine(t.id, qty, line.lot, short=short,
                                                reason=line.reason if short else None)))
    return parts


def post_batch(db: Database, actor: Actor, *, key: str, drop_location: str, lines: list[BatchLine]) -> BatchPicked:
    """Post a batch at the drop in one transaction and one key: each order's share as if picked alone."""
    if not lines:
        raise InvalidInput("Nothing was picked")

    def body(session: Session) -> dict:
        per_order: dict[str, list[PickLine]] = {}
        for line in lines:
            for wo, pick in split(session, line):
                per_order.setdefault(wo, []).append(pick)
        _line, orders = batch_orders(session, list(per_order))
        done = [picking.post_order(session, actor, key=key, wo_number=wo, lines=per_order[wo],
                                   drop_location=drop_location) for wo in orders]
        return {"drop": drop_location, "orders": done}

    with db.uow() as uow:  # the audit row names the orders (the body checks them again, locked)
        named = uow.execute(text("SELECT DISTINCT w.wo_number FROM pick_task t JOIN work_order w"
                                 " ON w.id = t.work_order_id WHERE t.id = ANY(:ids) ORDER BY 1"),
                            {"ids": [t for ln in lines for t in ln.tasks]}).scalars().all()
    return BatchPicked.of(run_operation(db, actor, key=key, kind="pick", permission="picking.post", payload={
        "batch": True, "lines": lines, "drop_location": drop_location}, body=body, audit_entity="work_order",
        audit_key="+".join(named)).data)
