"""Picking to the line: the pick list in pick-path order, task claims, and one posting at the drop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InsufficientStock, InvalidInput, LotOnHold, NotFound, WrongLocation
from core.i18n import N_
from core.permissions import Actor, require
from core.reasons import ShortPickReason
from core.results import Result
from core.services import reservations
from core.services.ledger import Leg, apply_legs, run_operation
from core.services.workorders import Shortage, reserve_for
from core.units import require_whole
from core.vocabulary import RUNNING_ORDERS, QcStatus, StockStatus

CLAIM_MINUTES = 15


@dataclass(frozen=True)
class PickTaskView:
    id: int
    sku: str
    tracking: str
    lot: str | None
    expiry: object
    location: str
    qty: Decimal
    picked_qty: Decimal
    uom: str = ""


@dataclass(frozen=True)
class PickLine:
    task_id: int
    qty: Decimal
    lot: str | None = None  # the lot scanned; another than the task's is a substitution
    short: bool = False  # F2: the rest of the task is not there
    reason: str | None = None  # why it is short: a ShortPickReason


@dataclass(frozen=True)
class ShortPick(Result):
    """A task closed short: how much was missing, and why."""

    task: int
    missing: Decimal
    reason: str


@dataclass(frozen=True)
class Picked(Result):
    """A posted pick: the lines moved to the drop, the short picks, and the shortages they raised."""

    wo_number: str
    drop: str
    lines: int
    short_picks: tuple[ShortPick, ...] = ()
    shortages: tuple[Shortage, ...] = ()


_TASKS = """
  SELECT t.id, i.sku, i.tracking, lt.lot_no AS lot, lt.expiry, l.code AS location, t.qty, t.picked_qty, i.uom
  FROM pick_task t JOIN item i ON i.id = t.item_id JOIN location l ON l.id = t.from_location_id
  LEFT JOIN lot lt ON lt.id = t.lot_id
"""


def open_work_order(session: Session, wo_number: str):
    """A released or in-progress work order, or a clear refusal."""
    wo = session.execute(text("SELECT id, wo_number, item_id, status, line FROM work_order WHERE wo_number = :w"),
                         {"w": (wo_number or "").strip()}).first()
    if wo is None:
        raise NotFound(what=wo_number)
    if wo.status not in RUNNING_ORDERS:
        raise InvalidInput("Work order {wo} is {status}, not released", wo=wo.wo_number, status=wo.status)
    return wo


def claim(db: Database, actor: Actor, wo_number: str) -> list[PickTaskView]:
    """Claim the work order's open tasks nobody else holds (SKIP LOCKED), in pick-path order."""
    require(actor, "picking.post")
    with db.uow() as uow:
        wo = open_work_order(uow.session, wo_number)
        uow.execute(
            text("UPDATE pick_task SET claimed_by = :op, claimed_at = now() WHERE id IN ("
                 " SELECT id FROM pick_task WHERE work_order_id = :wo AND status = 'open'"
                 " AND (claimed_by IS NULL OR claimed_by = :op OR claimed_at < now() - make_interval(mins => :m))"
                 " FOR UPDATE SKIP LOCKED)"),
            {"op": actor.operator_id, "wo": wo.id, "m": CLAIM_MINUTES},
        )
        rows = uow.execute(
            text(_TASKS + " WHERE t.work_order_id = :wo AND t.status = 'open' AND t.claimed_by = :op"
                          " ORDER BY l.pick_sequence, l.code, lt.expiry NULLS LAST, t.id"),
            {"wo": wo.id, "op": actor.operator_id},
        ).all()
        holder = None if rows else uow.execute(
            text("SELECT o.badge, min(t.claimed_at) AS since FROM pick_task t JOIN operator o ON o.id = t.claimed_by"
                 " WHERE t.work_order_id = :wo AND t.status = 'open' AND t.claimed_by <> :op"
                 " AND t.claimed_at >= now() - make_interval(mins => :m) GROUP BY o.badge ORDER BY 2 LIMIT 1"),
            {"wo": wo.id, "op": actor.operator_id, "m": CLAIM_MINUTES},
        ).first()
        uow.commit()
    if holder is not None:
        raise InvalidInput(N_("{wo} is being picked by {badge} (since {since})"), wo=wo.wo_number,
                           badge=holder.badge, since=holder.since.astimezone().strftime("%H:%M"))
    return [PickTaskView(**r._mapping) for r in rows]


def release_claims(db: Database, actor: Actor, wo_number: str | None = None) -> int:
    """Give back the clerk's claims on open pick tasks (of one work order, or all, with the replenishment task
    taken: at logout and idle lock), so another clerk can pick them at once; returns how many were released."""
    with db.uow() as uow:
        released = uow.execute(
            text("UPDATE pick_task t SET claimed_by = NULL, claimed_at = NULL WHERE t.claimed_by = :op"
                 " AND t.status = 'open' AND (CAST(:wo AS text) IS NULL OR t.work_order_id ="
                 " (SELECT id FROM work_order WHERE wo_number = :wo))"),
            {"op": actor.operator_id, "wo": (wo_number or "").strip() or None},
        ).rowcount
        if not (wo_number or "").strip():  # at logout: the line-replenishment task taken by Enter alone too
            released += uow.execute(
                text("UPDATE replenishment_task SET claimed_by = NULL, claimed_at = NULL WHERE claimed_by = :op"
                     " AND status = 'open'"), {"op": actor.operator_id}).rowcount
        uow.commit()
    return released


def refuse_unpickable(session: Session, task, lot_no: str, qty: Decimal | None = None) -> int:
    """The id of a lot the task may be picked from, or the reason it may not.

    The task's own lot is pickable while it is available at the task's location (its reservation is the task's).
    A substitute is another lot of the same item, available there (not held, rejected, blocked or expired), with
    `qty` free (the task's remaining quantity when None), and expiring no later than the planned lot (FEFO kept).
    `task` has item_id, lot_id, lot, expiry, from_location_id, qty and picked_qty.
    """
    lot_no = (lot_no or "").strip()
    found = session.execute(
        text("SELECT lt.id, lt.item_id, i.sku, lt.expiry, lt.qc_status FROM lot lt JOIN item i ON i.id = lt.item_id"
             " WHERE lt.lot_no = :n ORDER BY lt.item_id = :item DESC LIMIT 1"),
        {"n": lot_no, "item": task.item_id}).first()
    if found is None:
        raise NotFound(what=lot_no)
    wanted, here = session.execute(
        text("SELECT (SELECT sku FROM item WHERE id = :i), (SELECT code FROM location WHERE id = :l)"),
        {"i": task.item_id, "l": task.from_location_id}).one()
    if found.item_id != task.item_id:
        raise InvalidInput("Wrong item {sku}: pick {wanted}", sku=found.sku, wanted=wanted)
    if found.qc_status == QcStatus.FAILED:
        raise InvalidInput("Lot {lot} was rejected by QC", lot=lot_no)
    balances = session.execute(
        text("SELECT status, qty - reserved AS free FROM stock_balance WHERE lot_id = :lot AND location_id = :loc"
             " AND qty > 0 ORDER BY status = 'available' DESC"),
        {"lot": found.id, "loc": task.from_location_id}).all()
    available = next((b for b in balances if b.status == StockStatus.AVAILABLE), None)
    if available is None and balances:
        status = balances[0].status
        if status == StockStatus.BLOCKED:
            raise InvalidInput("Lot {lot} is blocked at {location}", lot=lot_no, location=here)
        if status == StockStatus.REJECTED:
            raise InvalidInput("Lot {lot} was rejected by QC", lot=lot_no)
        raise LotOnHold(lot=lot_no)
    if available is None:
        where = session.execute(
            text("SELECT l.code FROM stock_balance b JOIN location l ON l.id = b.location_id WHERE b.lot_id = :lot"
                 " AND b.qty > 0 ORDER BY b.status = 'available' DESC, l.pick_sequence, l.code LIMIT 1"),
            {"lot": found.id}).scalar()
        if where is None:
            raise InvalidInput("Lot {lot} has no stock", lot=lot_no)
        raise WrongLocation("Lot {lot} is at {where}, not at {location}", lot=lot_no, where=where, location=here)
    if found.id == task.lot_id:
        return found.id
    if found.qc_status == QcStatus.PENDING:
        raise LotOnHold(lot=lot_no)
    if found.expiry is not None and found.expiry < datetime.now(UTC).date():
        raise InvalidInput("Lot {lot} expired on {expiry}", lot=lot_no, expiry=found.expiry.isoformat())
    if task.expiry is not None and (found.expiry is None or found.expiry > task.expiry):
        raise InvalidInput("Lot {lot} expires later than the proposed {proposed}", lot=lot_no, proposed=task.lot)
    wanted_qty = task.qty - task.picked_qty if qty is None else qty
    if available.free < wanted_qty:
        raise InsufficientStock("Only {free} of lot {lot} free at {location}, {qty} to pick", lot=lot_no,
                                location=here, free=format(Decimal(available.free).normalize(), "f"),
                                qty=format(Decimal(wanted_qty).normalize(), "f"))
    return found.id


def _drop(session: Session, wo, code: str) -> int:
    drop = session.execute(
        text("SELECT id FROM location WHERE code = :c AND kind = 'line_side' AND line = :line"),
        {"c": (code or "").strip(), "line": wo.line},
    ).scalar()
    if drop is None:
        raise WrongLocation("Drop at the line side of {line}, not {location}", line=wo.line, location=code)
    return drop


def post_order(session: Session, actor: Actor, *, key: str, wo_number: str, lines: list[PickLine],
               drop_location: str) -> dict:
    """One order's picks moved to its line side inside the caller's transaction (post_picks, post_batch): the
    legs under `key` with the order as reference, shorts released and the order re-reserved; the result document."""
    wo = open_work_order(session, wo_number)
    drop = _drop(session, wo, drop_location)
    legs, shorts = [], []
    for line in sorted(lines, key=lambda ln: ln.task_id):
        task = session.execute(
            text("SELECT t.*, lt.lot_no AS lot, lt.expiry, i.uom, i.sku FROM pick_task t"
                 " JOIN item i ON i.id = t.item_id LEFT JOIN lot lt ON lt.id = t.lot_id"
                 " WHERE t.id = :id AND t.work_order_id = :wo AND t.status = 'open' FOR UPDATE OF t"),
            {"id": line.task_id, "wo": wo.id},
        ).first()
        if task is None:
            raise NotFound(what=f"task {line.task_id}")
        require_whole(line.qty, task.uom, task.sku)
        if session.execute(text("SELECT 1 FROM count_task WHERE location_id = :l AND status = 'open'"),
                           {"l": task.from_location_id}).first():
            raise InvalidInput("A count is open at this location; picks wait until it closes")
        if line.short:
            ShortPickReason.require(line.reason, N_("A short pick needs a reason"))
        if line.qty < 0 or line.qty > task.qty - task.picked_qty:
            raise InvalidInput("Pick at most {qty}", qty=format((task.qty - task.picked_qty).normalize(), "f"))
        lot_id = task.lot_id
        if line.lot and task.lot and line.lot != task.lot:
            lot_id = refuse_unpickable(session, task, line.lot, line.qty)
        if line.qty > 0:
            if lot_id == task.lot_id:
                legs.append(Leg(task.item_id, lot_id, line.qty, task.from_location_id, "available", drop,
                                "available", from_reserved=line.qty, to_reserved=line.qty))
            else:  # the reservation moves to the substitute lot
                reservations.unreserve_balance(session, task.item_id, task.lot_id, task.from_location_id,
                                               line.qty)
                legs.append(Leg(task.item_id, lot_id, line.qty, task.from_location_id, "available", drop,
                                "available", to_reserved=line.qty))
            reservations.take(session, wo.id, task.item_id, task.lot_id, task.from_location_id, line.qty)
            reservations.add(session, wo.id, task.item_id, lot_id, drop, line.qty)
        picked = task.picked_qty + line.qty
        missing = task.qty - picked
        status = "picked" if missing <= 0 else ("short" if line.short else "open")
        if status == "short":
            shorts.append({"task": task.id, "missing": missing, "reason": line.reason})
            _release_short(session, actor, wo.id, task, missing, line.reason)
        session.execute(text("UPDATE pick_task SET picked_qty = :p, status = :s, picked_by = :op, picked_at = :at"
                             " WHERE id = :id"),
                        {"p": picked, "s": status, "op": actor.operator_id, "at": datetime.now(UTC),
                         "id": task.id})
    if legs:
        apply_legs(session, actor, "pick", legs, key=key, reference=wo.wo_number)
    shortages = reserve_for(session, wo) if shorts else []
    return {"wo_number": wo.wo_number, "drop": drop_location, "lines": len(legs), "short_picks": shorts,
            "shortages": [{"sku": s, "qty": q} for s, q in shortages]}


def post_picks(db: Database, actor: Actor, *, key: str, wo_number: str, lines: list[PickLine],
               drop_location: str) -> Picked:
    """Move what was picked to the line side, still reserved for the work order; shorts are re-reserved."""
    if not lines:
        raise InvalidInput("Nothing was picked")

    def body(session: Session) -> dict:
        return post_order(session, actor, key=key, wo_number=wo_number, lines=lines, drop_location=drop_location)

    return Picked.of(run_operation(db, actor, key=key, kind="pick", permission="picking.post", payload={
        "wo_number": wo_number, "lines": lines, "drop_location": drop_location}, body=body,
                                   audit_entity="work_order", audit_key=wo_number).data)


def _release_short(session: Session, actor: Actor, wo_id: int, task, missing: Decimal, why: str) -> None:
    """The rest of a short task: give its reservation back and block what the system thinks is in the bin."""
    reservations.take(session, wo_id, task.item_id, task.lot_id, task.from_location_id, missing)
    reservations.unreserve_balance(session, task.item_id, task.lot_id, task.from_location_id, missing)
    free = session.execute(
        text("SELECT qty - reserved FROM stock_balance WHERE location_id = :l AND item_id = :i"
             " AND coalesce(lot_id, 0) = coalesce(CAST(:lot AS bigint), 0) AND status = 'available'"),
        {"l": task.from_location_id, "i": task.item_id, "lot": task.lot_id},
    ).scalar() or 0
    suspect = min(Decimal(free), missing)
    if suspect > 0:  # blocked until a count says what is really there; FEFO re-reserves elsewhere
        apply_legs(session, actor, "status",
                   [Leg(task.item_id, task.lot_id, suspect, task.from_location_id, "available",
                        task.from_location_id, "blocked")], reason=f"short_pick: {why}", reference=f"task {task.id}")
