"""Line-side min/max replenishment: tasks raised where consumption (or a new min) left a line side below its min,
taken one at a time at Picking's work-order step, closed by the drop at the line.

Raising is in the server (core/sql/replenishment_evaluate.sql), run by a statement trigger on the ledger inside
every consuming transaction; `evaluate` is the same for callers that change a min or close a task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InvalidInput, NotFound, WrongLocation
from core.i18n import N_
from core.permissions import Actor, require
from core.results import Result
from core.services.ledger import Leg, apply_legs, run_operation
from core.services.picking import refuse_unpickable
from core.units import require_whole

PERMISSION = "picking.post"
CLAIM_MINUTES = 15
NONE_OPEN = N_("No replenishment task is open")


def evaluate(session: Session, location_ids: list[int], item_ids: list[int]) -> int:
    """Raise the missing tasks for these (location, item) pairs, in the caller's transaction; returns how many."""
    if not location_ids:
        return 0
    return session.execute(text("SELECT replenishment_evaluate(CAST(:l AS bigint[]), CAST(:i AS bigint[]))"),
                           {"l": list(location_ids), "i": list(item_ids)}).scalar_one()


@dataclass(frozen=True)
class ReplenishmentTaskView(Result):
    """One task as the picker sees it: from `from_location` (lot) to the line-side `location`."""

    id: int
    location: str
    line: str | None
    sku: str
    tracking: str
    uom: str
    qty: Decimal
    from_location: str | None
    lot: str | None
    expiry: date | None
    status: str
    created_at: datetime
    picked_qty: Decimal = Decimal(0)  # the picking flow's task shape: nothing is picked until the drop


_VIEW = """
  SELECT r.id, l.code AS location, l.line, i.sku, i.tracking, i.uom, r.qty, f.code AS from_location,
         t.lot_no AS lot, t.expiry, r.status, r.created_at
  FROM replenishment_task r JOIN location l ON l.id = r.location_id JOIN item i ON i.id = r.item_id
  LEFT JOIN location f ON f.id = r.from_location_id LEFT JOIN lot t ON t.id = r.lot_id
"""


def tasks(db: Database, actor: Actor, *, include_closed: bool = False) -> list[dict]:
    """The open tasks (with `include_closed`, every one), oldest first: the `lineside replenishment` rows."""
    require(actor, "stock.view")
    with db.uow() as uow:
        rows = uow.execute(text(_VIEW + " WHERE :all OR r.status IN ('open', 'picked') ORDER BY r.created_at, r.id"),
                           {"all": include_closed}).all()
    return [{"id": r.id, "location": r.location, "sku": r.sku, "qty": r.qty, "status": r.status,
             "from_location": r.from_location, "lot": r.lot, "created_at": r.created_at} for r in rows]


# The task's source again (FEFO now) when the one it was raised with has nothing free any more.
_RESOURCE = text(
    "UPDATE replenishment_task r SET (from_location_id, lot_id) = (SELECT s.location_id, s.lot_id"
    " FROM replenishment_source(r.location_id, r.item_id) s) WHERE r.id = :id AND NOT EXISTS ("
    " SELECT 1 FROM stock_balance b LEFT JOIN lot t ON t.id = b.lot_id WHERE b.location_id = r.from_location_id"
    " AND b.item_id = r.item_id AND b.lot_id IS NOT DISTINCT FROM r.lot_id AND b.status = 'available'"
    " AND b.qty > b.reserved AND (t.expiry IS NULL OR t.expiry >= current_date))")


def claim_next(db: Database, actor: Actor) -> ReplenishmentTaskView:
    """Claim the oldest open task nobody else holds (SKIP LOCKED: two terminals never take the same one); its
    source is chosen again (FEFO) when the one it was raised with is gone. One clear line when none is open."""
    require(actor, PERMISSION)
    with db.uow() as uow:
        task_id = uow.execute(text(
            "UPDATE replenishment_task SET claimed_by = :op, claimed_at = now() WHERE id = ("
            " SELECT id FROM replenishment_task r WHERE status = 'open'"
            " AND (claimed_by IS NULL OR claimed_by = :op OR claimed_at < now() - make_interval(mins => :m))"
            " ORDER BY from_location_id IS NULL AND NOT EXISTS (SELECT 1 FROM"
            " replenishment_source(r.location_id, r.item_id)), created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
            " RETURNING id"), {"op": actor.operator_id, "m": CLAIM_MINUTES}).scalar()
        if task_id is None:
            raise InvalidInput(NONE_OPEN)
        uow.execute(_RESOURCE, {"id": task_id})
        found = uow.execute(text(_VIEW + " WHERE r.id = :id"), {"id": task_id}).one()
        if found.from_location is None:  # nothing to take it from: not kept, another terminal may try later
            uow.execute(text("UPDATE replenishment_task SET claimed_by = NULL, claimed_at = NULL WHERE id = :id"),
                        {"id": task_id})
        uow.commit()
    if found.from_location is None:
        raise InvalidInput(N_("No stock of {sku} to replenish {location} from"), sku=found.sku,
                           location=found.location)
    return ReplenishmentTaskView(**found._mapping)


def release(db: Database, actor: Actor, task_id: int) -> int:
    """Give a claimed task back (Esc out of it), so another terminal may take it at once."""
    with db.uow() as uow:
        n = uow.execute(text("UPDATE replenishment_task SET claimed_by = NULL, claimed_at = NULL"
                             " WHERE id = :id AND claimed_by = :op AND status = 'open'"),
                        {"id": task_id, "op": actor.operator_id}).rowcount
        uow.commit()
    return n


def _task(session: Session, actor: Actor, task_id: int, *, lock: bool = False):
    row = session.execute(text(
        "SELECT r.*, t.lot_no AS lot, t.expiry, i.sku, i.uom, i.tracking, l.code AS location_code"
        " FROM replenishment_task r JOIN item i ON i.id = r.item_id JOIN location l ON l.id = r.location_id"
        " LEFT JOIN lot t ON t.id = r.lot_id WHERE r.id = :id AND r.status = 'open'"
        + (" FOR UPDATE OF r" if lock else "")), {"id": task_id}).first()
    if row is None or row.from_location_id is None:
        raise NotFound(what=f"task {task_id}")
    if row.claimed_by is not None and row.claimed_by != actor.operator_id:
        raise InvalidInput(N_("This replenishment task was taken by another terminal"))
    return row


def _lot_of(session: Session, task, lot: str | None, sku: str | None, qty: Decimal | None) -> int | None:
    """The lot the task may be picked from (its own, or a FEFO-kept substitute), or the reason it may not."""
    if task.tracking == "none":
        if sku is not None and sku != task.sku:
            raise InvalidInput("Wrong item {sku}: pick {wanted}", sku=sku, wanted=task.sku)
        return None
    if sku is not None and sku != task.sku:
        raise InvalidInput("Wrong item {sku}: pick {wanted}", sku=sku, wanted=task.sku)
    if not lot:
        raise InvalidInput(N_("Scan lot {lot}"), lot=task.lot or "")
    shape = SimpleNamespace(item_id=task.item_id, lot_id=task.lot_id, lot=task.lot, expiry=task.expiry,
                            from_location_id=task.from_location_id, qty=task.qty, picked_qty=Decimal(0))
    return refuse_unpickable(session, shape, lot, qty)


def check_material(db: Database, actor: Actor, task_id: int, *, lot: str | None, sku: str | None,
                   qty: Decimal | None = None) -> None:
    """A scanned lot (or untracked SKU) for a task, refused here with one clear line when it may not be picked."""
    require(actor, PERMISSION)
    with db.uow() as uow:
        _lot_of(uow.session, _task(uow.session, actor, task_id), lot, sku, qty)


@dataclass(frozen=True)
class Replenished(Result):
    """A dropped replenishment: what went from where to which line side; the task is done."""

    task: int
    sku: str
    lot: str | None
    qty: Decimal
    from_location: str
    location: str
    raised: int = 0  # a new task, when the line is still below its min after this drop


def post_drop(db: Database, actor: Actor, *, key: str, task_id: int, lot: str | None, qty: Decimal,
              drop_location: str) -> Replenished:
    """Move the picked quantity from the task's source to its line side and close the task (done), one
    transaction; a drop anywhere else, a wrong lot or too much is refused and writes nothing."""

    def body(session: Session) -> dict:
        task = _task(session, actor, task_id, lock=True)
        if (drop_location or "").strip() != task.location_code:
            raise WrongLocation(N_("Drop at {location}, not {scan}"), location=task.location_code,
                                scan=drop_location)
        require_whole(qty, task.uom, task.sku)
        if qty <= 0:
            raise InvalidInput("Quantity must be greater than zero")
        if qty > task.qty:
            raise InvalidInput("Pick at most {qty}", qty=format(task.qty.normalize(), "f"))
        lot_id = _lot_of(session, task, lot, task.sku if task.tracking == "none" else None, qty)
        source = session.execute(text("SELECT code FROM location WHERE id = :l"),
                                 {"l": task.from_location_id}).scalar_one()
        apply_legs(session, actor, "pick", [Leg(task.item_id, lot_id, qty, task.from_location_id, "available",
                                                task.location_id, "available")],
                   key=key, reference=f"replenishment {task.id}")
        session.execute(text("UPDATE replenishment_task SET status = 'done', closed_at = :at, closed_by = :op,"
                             " lot_id = CAST(:lot AS bigint) WHERE id = :id"),
                        {"at": datetime.now(UTC), "op": actor.operator_id, "lot": lot_id, "id": task.id})
        raised = evaluate(session, [task.location_id], [task.item_id])
        lot_no = lot if lot_id is not None else None
        return {"task": task.id, "sku": task.sku, "lot": lot_no, "qty": qty, "from_location": source,
                "location": task.location_code, "raised": raised}

    return Replenished.of(run_operation(db, actor, key=key, kind="replenishment.drop", permission=PERMISSION,
                                        payload={"task": task_id, "lot": lot, "qty": qty, "drop": drop_location},
                                        body=body, audit_entity="replenishment", audit_key=str(task_id)).data)


def evaluate_imported(session: Session) -> int:
    """The line-stock rows an import just wrote (the temp table `imp`): a min above the balance raises its task."""
    return session.execute(text(
        "SELECT replenishment_evaluate(coalesce(array_agg(l.id), '{}'), coalesce(array_agg(it.id), '{}'))"
        " FROM imp i JOIN location l ON l.code = i.location AND l.kind = 'line_side'"
        " JOIN item it ON it.sku = i.sku")).scalar_one()
