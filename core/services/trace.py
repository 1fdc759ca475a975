"""Trace: backward from a lot to its supplier lots, forward to every lot, customer and bin it reached.

Reads only the genealogy written at issue and output time; one recursive query gathers the edges,
one more the facts about every lot in the tree, so a trace costs a few statements whatever its size.
The movement look-ups name the item as well as the lot: ix_movement_item_lot leads with item_id, and
without it each lot cost a scan of the whole index (8 ms a lot on a 1M-lot history).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.permissions import Actor, require
from core.results import Result
from core.services.lots import find_lot
from core.services.shopfloor_views import OPERATORS

MAX_EDGES = 20_000


@dataclass(frozen=True)
class TraceOperation(Result):
    """One operation of the work order that made a lot: where, by whom, when."""

    op_no: int
    work_center: str
    status: str
    operators: tuple[str, ...]
    started_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True)
class Backward(Result):
    """A lot and what it was made of (`qty`: for an input, the quantity consumed), down to supplier lots."""

    lot: str
    sku: str
    qty: Decimal | None
    supplier: str | None
    received_at: datetime | None
    inspected_by: str | None
    work_order: str | None
    line: str | None
    produced_at: datetime | None
    operators: tuple[str, ...]
    inputs: tuple[Backward, ...]
    operations: tuple[TraceOperation, ...] = ()  # of the work order that made it (none for a bought lot)


@dataclass(frozen=True)
class TraceShipment(Result):
    """A shipment of a lot: to which customer, on which sales order."""

    so_number: str
    customer: str
    qty: Decimal
    shipped_at: datetime | None


@dataclass(frozen=True)
class TraceStock(Result):
    """What of a lot is still on hand where, in which status."""

    location: str
    status: str
    qty: Decimal


@dataclass(frozen=True)
class ForwardUse(Result):
    """A lot this lot went into (`qty` consumed), and onwards."""

    lot: str
    sku: str
    qty: Decimal
    work_order: str | None
    used_in: tuple[ForwardUse, ...]
    shipments: tuple[TraceShipment, ...]
    on_hand: tuple[TraceStock, ...]


@dataclass(frozen=True)
class Forward(Result):
    """A lot, every lot it went into, its shipments and what is still on hand (contract shape)."""

    lot: str
    sku: str
    used_in: tuple[ForwardUse, ...]
    shipments: tuple[TraceShipment, ...]
    on_hand: tuple[TraceStock, ...]

_BACK_EDGES = text(
    """
    WITH RECURSIVE e(output_lot_id, input_lot_id, qty, path) AS (
      SELECT g.output_lot_id, g.input_lot_id, g.qty, ARRAY[g.output_lot_id, g.input_lot_id]
      FROM genealogy g WHERE g.output_lot_id = :root
      UNION ALL
      SELECT g.output_lot_id, g.input_lot_id, g.qty, e.path || g.input_lot_id
      FROM genealogy g JOIN e ON g.output_lot_id = e.input_lot_id
      WHERE NOT g.input_lot_id = ANY(e.path)
    )
    SELECT DISTINCT output_lot_id, input_lot_id, qty FROM e LIMIT :max
    """
)

_FWD_EDGES = text(
    """
    WITH RECURSIVE e(input_lot_id, output_lot_id, work_order_id, qty, path) AS (
      SELECT g.input_lot_id, g.output_lot_id, g.work_order_id, g.qty, ARRAY[g.input_lot_id, g.output_lot_id]
      FROM genealogy g WHERE g.input_lot_id = :root
      UNION ALL
      SELECT g.input_lot_id, g.output_lot_id, g.work_order_id, g.qty, e.path || g.output_lot_id
      FROM genealogy g JOIN e ON g.input_lot_id = e.output_lot_id
      WHERE NOT g.output_lot_id = ANY(e.path)
    )
    SELECT DISTINCT input_lot_id, output_lot_id, work_order_id, qty FROM e LIMIT :max
    """
)

_FACTS = text(
    """
    SELECT l.id, l.lot_no, i.sku, s.code AS supplier, l.received_at, insp.badge AS inspected_by,
           w.wo_number AS work_order, w.line, l.produced_at,
           (SELECT coalesce(sum(m.qty), 0) FROM movement m WHERE m.item_id = l.item_id AND m.lot_id = l.id
              AND m.kind IN ('receipt', 'opening', 'output')) AS qty,
           ARRAY(SELECT DISTINCT o.badge FROM operator o WHERE o.id IN (
              SELECT m.operator_id FROM movement m WHERE m.item_id = l.item_id AND m.lot_id = l.id
                AND m.kind IN ('receipt', 'output')
              UNION SELECT wi.operator_id FROM wo_issue wi WHERE wi.work_order_id = l.work_order_id)
              ORDER BY o.badge) AS operators
    FROM lot l JOIN item i ON i.id = l.item_id LEFT JOIN supplier s ON s.id = l.supplier_id
    LEFT JOIN operator insp ON insp.id = l.inspected_by LEFT JOIN work_order w ON w.id = l.work_order_id
    WHERE l.id = ANY(:ids)
    """
)


_OPERATIONS = text(f"""
    SELECT l.id AS lot_id, o.op_no, w.code AS work_center, o.status, {OPERATORS} AS operators, o.started_at,
           o.finished_at
    FROM lot l JOIN wo_operation o ON o.work_order_id = l.work_order_id JOIN work_center w ON w.id = o.work_center_id
    WHERE l.id = ANY(:ids) ORDER BY l.id, o.op_no
""")


def _operations(session: Session, ids: set[int]) -> dict[int, list[TraceOperation]]:
    out: dict[int, list[TraceOperation]] = defaultdict(list)
    for r in session.execute(_OPERATIONS, {"ids": list(ids)}):
        out[r.lot_id].append(TraceOperation(r.op_no, r.work_center, r.status, tuple(r.operators), r.started_at,
                                            r.finished_at))
    return out


def _facts(session: Session, ids: set[int]) -> dict[int, dict]:
    return {r.id: dict(r._mapping) for r in session.execute(_FACTS, {"ids": list(ids)})}


def backward(db: Database, actor: Actor, lot: str, sku: str | None = None) -> Backward:
    """What the lot was made of, recursively, down to supplier lots (contract shape)."""
    require(actor, "trace.view")

    def load(uow):  # on the read replica when there is one (core/db.py Database.read)
        root = find_lot(uow.session, lot, sku)
        edges = uow.execute(_BACK_EDGES, {"root": root.id, "max": MAX_EDGES}).all()
        facts = _facts(uow.session, {root.id} | {e.input_lot_id for e in edges})
        return root, edges, facts, _operations(uow.session, set(facts))

    root, edges, facts, ops = db.read(load)
    children: dict[int, list] = defaultdict(list)
    for e in edges:
        children[e.output_lot_id].append(e)

    def node(lot_id: int, qty, seen: frozenset) -> Backward:
        f = facts[lot_id]
        return Backward(lot=f["lot_no"], sku=f["sku"], qty=qty if qty is not None else f["qty"],
                        supplier=f["supplier"], received_at=f["received_at"], inspected_by=f["inspected_by"],
                        work_order=f["work_order"], line=f["line"], produced_at=f["produced_at"],
                        operators=tuple(f["operators"] or ()), operations=tuple(ops[lot_id]),
                        inputs=tuple(node(c.input_lot_id, c.qty, seen | {lot_id})
                                     for c in sorted(children[lot_id], key=lambda c: facts[c.input_lot_id]["lot_no"])
                                     if c.input_lot_id not in seen))

    return node(root.id, None, frozenset())


def _shipments(session: Session, ids: set[int]) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for r in session.execute(
        text("SELECT sh.lot_id, so.so_number, c.code AS customer, sh.qty, sh.shipped_at FROM shipment sh"
             " JOIN so_line so ON so.id = sh.so_line_id JOIN customer c ON c.id = sh.customer_id"
             " WHERE sh.lot_id = ANY(:ids) ORDER BY sh.shipped_at"), {"ids": list(ids)}):
        out[r.lot_id].append(TraceShipment(r.so_number, r.customer, r.qty, r.shipped_at))
    return out


def _on_hand(session: Session, ids: set[int]) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for r in session.execute(
        text("SELECT b.lot_id, l.code AS location, b.status, b.qty FROM stock_balance b JOIN location l"
             " ON l.id = b.location_id WHERE b.lot_id = ANY(:ids) AND b.qty > 0 ORDER BY l.code, b.status"),
        {"ids": list(ids)},
    ):
        out[r.lot_id].append(TraceStock(r.location, r.status, r.qty))
    return out


def forward(db: Database, actor: Actor, lot: str, sku: str | None = None) -> Forward:
    """Every lot this lot went into, recursively, with shipments and what is still on hand where."""
    require(actor, "trace.view")

    def load(uow):  # on the read replica when there is one
        root = find_lot(uow.session, lot, sku)
        edges = uow.execute(_FWD_EDGES, {"root": root.id, "max": MAX_EDGES}).all()
        ids = {root.id} | {e.output_lot_id for e in edges}
        return root, edges, _facts(uow.session, ids), _shipments(uow.session, ids), _on_hand(uow.session, ids)

    root, edges, facts, ships, stock = db.read(load)
    parents: dict[int, list] = defaultdict(list)
    for e in edges:
        parents[e.input_lot_id].append(e)

    def used_in(lot_id: int, seen: frozenset) -> tuple[ForwardUse, ...]:
        return tuple(ForwardUse(lot=facts[e.output_lot_id]["lot_no"], sku=facts[e.output_lot_id]["sku"], qty=e.qty,
                                work_order=facts[e.output_lot_id]["work_order"],
                                used_in=used_in(e.output_lot_id, seen | {lot_id}),
                                shipments=tuple(ships[e.output_lot_id]), on_hand=tuple(stock[e.output_lot_id]))
                     for e in sorted(parents[lot_id], key=lambda e: facts[e.output_lot_id]["lot_no"])
                     if e.output_lot_id not in seen)

    f = facts[root.id]
    return Forward(lot=f["lot_no"], sku=f["sku"], used_in=used_in(root.id, frozenset()),
                   shipments=tuple(ships[root.id]), on_hand=tuple(stock[root.id]))


def downstream_lot_ids(session: Session, lot_id: int) -> list[int]:
    """The lot and every lot it went into (for recall)."""
    rows = session.execute(text("""
        WITH RECURSIVE d(lot_id) AS (SELECT CAST(:root AS bigint)
          UNION SELECT g.output_lot_id FROM genealogy g JOIN d ON g.input_lot_id = d.lot_id)
        SELECT lot_id FROM d"""), {"root": lot_id}).all()
    return [r.lot_id for r in rows]
