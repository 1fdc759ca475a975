"""Blind cycle counts: one line per item/lot of a task; the first count within the ABC tolerance posts at once,
anything else (a larger variance, a recount that changes the book) waits for a supervisor who did not count it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.permissions import Actor, require
from core.reasons import Meaning
from core.results import Result
from core.services import outbox
from core.services.ledger import Leg, apply_legs, run_operation
from core.services.lots import find_lot
from core.services.signatures import signed, verify
from core.units import require_whole_item

TOLERANCE_PCT = {"A": Decimal(0), "B": Decimal(2), "C": Decimal(5), None: Decimal(2)}
ABC_DAYS = {"A": 30, "B": 91, "C": 365}


@dataclass(frozen=True)
class Counted(Result):
    """A recorded count: `status` posted (within tolerance, adjusted) or pending (waits for a supervisor)."""

    location: str
    sku: str
    lot: str | None
    counted: Decimal
    status: str
    booked_at: str | None = None  # a serial the book had at another location: the count proposes a move here


@dataclass(frozen=True)
class Closed(Result):
    """A closed location count: how many lines not counted were set to 0, how many wait for approval."""

    location: str
    uncounted_as_zero: int
    pending_approval: int


@dataclass(frozen=True)
class PendingLine(Result):
    """A variance outside tolerance waiting for a supervisor, with the expected quantity."""

    id: int
    location: str
    sku: str
    lot: str | None
    expected_qty: Decimal
    counted_qty: Decimal
    badge: str
    from_location: str | None = None  # a serial found here while booked there: approving moves it here


@dataclass(frozen=True)
class Decided(Result):
    """A supervisor's decision on a count line: `status` approved or recount."""

    line: int
    status: str


def _location(session: Session, code: str):
    row = session.execute(text("SELECT id, code FROM location WHERE code = :c ORDER BY id LIMIT 1"),
                          {"c": (code or "").strip()}).first()
    if row is None:
        raise NotFound(what=code)
    return row


def _open_task(session: Session, location_id: int):
    return session.execute(text("SELECT id FROM count_task WHERE location_id = :l AND status = 'open' FOR UPDATE"),
                           {"l": location_id}).first()


def create_task(db: Database, actor: Actor, location: str, source: str = "manual") -> int:
    """A supervisor asks for a count of a location (idempotent while one is open)."""
    require(actor, "count.approve")
    with db.uow() as uow:
        loc = _location(uow.session, location)
        task_id = uow.execute(
            text("INSERT INTO count_task (location_id, source, created_by) VALUES (:l, :s, :op)"
                 " ON CONFLICT (location_id) WHERE status = 'open' DO UPDATE SET source = count_task.source"
                 " RETURNING id"), {"l": loc.id, "s": source, "op": actor.operator_id}).scalar()
        uow.commit()
        return task_id


def schedule_abc(db: Database, actor: Actor) -> int:
    """Open count tasks for locations holding items whose ABC class is due (A monthly, B quarterly, C yearly)."""
    require(actor, "count.approve")
    with db.uow() as uow:
        n = uow.execute(text("""
            INSERT INTO count_task (location_id, source, created_by)
            SELECT DISTINCT b.location_id, 'abc', :op FROM stock_balance b JOIN item i ON i.id = b.item_id
            WHERE b.qty > 0 AND i.abc IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM count_task t WHERE t.location_id = b.location_id AND (t.status = 'open'
                OR t.created_at > now() - make_interval(days => CASE i.abc WHEN 'A' THEN :a WHEN 'B' THEN :b
                                                                             ELSE :c END)))
            ON CONFLICT DO NOTHING RETURNING 1"""),
            {"op": actor.operator_id, "a": ABC_DAYS["A"], "b": ABC_DAYS["B"], "c": ABC_DAYS["C"]}).all()
        uow.commit()
        return len(n)


def _on_hand(session: Session, location_id: int, item_id: int, lot_id: int | None):
    """The balance a count adjusts (available first) and the total expected at the location."""
    rows = session.execute(text(
        "SELECT status, qty, reserved FROM stock_balance WHERE location_id = :l AND item_id = :i"
        " AND coalesce(lot_id, 0) = coalesce(CAST(:lot AS bigint), 0) ORDER BY status <> 'available', status"),
        {"l": location_id, "i": item_id, "lot": lot_id}).all()
    return (rows[0].status if rows else "available"), sum((r.qty for r in rows), Decimal(0))


def line_reference(line_id: int) -> str:
    """The movement reference that ties a count adjustment to its count line (what `check` follows)."""
    return f"count line {line_id}"


def _adjust(session: Session, actor: Actor, key: str, location_id: int, item_id: int, lot_id, status: str,
            delta: Decimal, reason: str, line_id: int) -> None:
    if delta == 0:
        return
    leg = (Leg(item_id, lot_id, delta, to_location_id=location_id, to_status=status) if delta > 0 else
           Leg(item_id, lot_id, -delta, from_location_id=location_id, from_status=status))
    apply_legs(session, actor, "count", [leg], key=key, reason=reason, reference=line_reference(line_id))
    outbox.emit(session, "stock.adjusted", f"location:{location_id}",
                {"location_id": location_id, "item_id": item_id, "lot_id": lot_id, "delta": delta, "reason": reason,
                 "count_line_id": line_id})


def _booked_elsewhere(session: Session, location_id: int, item_id: int, lot_id: int | None):
    """Where the book has a serial on hand other than this location (location, status, reserved), or None."""
    if lot_id is None:
        return None
    return session.execute(text(
        "SELECT b.location_id, b.status, l.code FROM stock_balance b JOIN item i ON i.id = b.item_id"
        " AND i.tracking = 'serial' JOIN location l ON l.id = b.location_id WHERE b.item_id = :i AND b.lot_id = :lot"
        " AND b.location_id <> :l AND b.qty > 0 ORDER BY b.location_id LIMIT 1"),
        {"i": item_id, "lot": lot_id, "l": location_id}).first()


def _settle(session: Session, actor: Actor, key: str, line, delta: Decimal, reason: str, *,
            first_count: bool = False) -> None:
    """Post `delta` (what the line's variance still needs) for a count line: a serial found here while booked
    elsewhere moves here (one unit, kept in its status); anything else is adjusted at the counted location.

    Every count adjustment passes here: the first count of a line within tolerance is the counter's own
    (`count.post`); any other needs `stock.adjust`."""
    if delta == 0:
        return
    if not first_count:
        require(actor, "stock.adjust")
    status, _expected = _on_hand(session, line.location_id, line.item_id, line.lot_id)
    elsewhere = _booked_elsewhere(session, line.location_id, line.item_id, line.lot_id) if delta > 0 else None
    if elsewhere is None:
        _adjust(session, actor, key, line.location_id, line.item_id, line.lot_id, status, delta, reason, line.id)
    else:
        apply_legs(session, actor, "count", [Leg(line.item_id, line.lot_id, delta, elsewhere.location_id,
                                                 elsewhere.status, line.location_id, elsewhere.status)],
                   key=key, reason=reason, reference=line_reference(line.id))
        outbox.emit(session, "stock.adjusted", f"location:{line.location_id}",
                    {"location_id": line.location_id, "from_location_id": elsewhere.location_id,
                     "item_id": line.item_id, "lot_id": line.lot_id, "delta": delta, "reason": reason,
                     "count_line_id": line.id})
    session.execute(text("UPDATE count_line SET adjusted_qty = adjusted_qty + :d WHERE id = :id"),
                    {"d": delta, "id": line.id})


def _count_line(session: Session, actor: Actor, key: str, task_id: int, location_id: int, item_id: int,
                lot_id, abc, counted: Decimal) -> tuple[str, str | None]:
    """Record the task's one line for this item/lot, or replace its count (a recount): its status, and where the
    book had a serial found here (the line proposes moving that unit here, never a second one).

    The book is read at the moment of the count and kept on the line (less what the line already posted), so the
    line's variance is counted less the book then, whatever moves afterwards. Only the first count of a line posts
    within tolerance; a recount that leaves something to post waits for a supervisor who did not count it."""
    line = session.execute(text(
        "SELECT id, counted_qty, adjusted_qty, status, counters FROM count_line WHERE task_id = :t AND item_id = :i"
        " AND coalesce(lot_id, 0) = coalesce(CAST(:lot AS bigint), 0) FOR UPDATE"),
        {"t": task_id, "i": item_id, "lot": lot_id}).first()
    adjusted = line.adjusted_qty if line else Decimal(0)
    _status, on_hand = _on_hand(session, location_id, item_id, lot_id)
    expected = on_hand - adjusted  # the book as it would be without this line's own adjustments
    elsewhere = _booked_elsewhere(session, location_id, item_id, lot_id) if counted > on_hand else None
    allowed = expected * TOLERANCE_PCT.get(abc, Decimal(2)) / 100
    within = abs(counted - expected) <= allowed
    to_post = counted - expected - adjusted
    if to_post == 0:
        line_status = "posted" if line is None or line.status != "approved" else "approved"
    elif line is None and within:
        line_status = "posted"
    else:  # outside tolerance, or a recount that would change the book: a supervisor decides
        line_status = "pending"
    params = {"t": task_id, "i": item_id, "l": lot_id, "f": elsewhere.location_id if elsewhere else None,
              "c": counted, "e": expected, "w": within, "s": line_status, "op": actor.operator_id,
              "at": datetime.now(UTC)}
    if line is None:
        line_id = session.execute(text(
            "INSERT INTO count_line (task_id, item_id, lot_id, from_location_id, counted_qty, expected_qty,"
            " within_tolerance, status, counted_by, counted_at, counters) VALUES (:t, :i, :l, :f, :c, :e, :w, :s,"
            " :op, :at, ARRAY[CAST(:op AS bigint)]) RETURNING id"), params).scalar()
    else:
        line_id = line.id
        session.execute(text(
            "UPDATE count_line SET from_location_id = :f, counted_qty = :c, expected_qty = :e, within_tolerance = :w,"
            " status = :s, counted_by = :op, counted_at = :at, approved_by = NULL, reason = NULL,"
            " counters = CASE WHEN CAST(:op AS bigint) = ANY(counters) THEN counters"
            " ELSE counters || CAST(:op AS bigint) END WHERE id = :id"), {**params, "id": line_id})
    if line_status == "posted" and to_post != 0:  # the first count, within tolerance: the one adjustment a clerk posts
        _settle(session, actor, key, _line(session, line_id), to_post, "count variance", first_count=True)
    return line_status, elsewhere.code if elsewhere else None


def _line(session: Session, line_id: int, *, pending: bool = False):
    return session.execute(text(
        "SELECT c.*, t.location_id FROM count_line c JOIN count_task t ON t.id = c.task_id"
        " WHERE c.id = :id AND (NOT :pending OR c.status = 'pending') FOR UPDATE OF c"),
        {"id": line_id, "pending": pending}).first()


def record_count(db: Database, actor: Actor, *, key: str, location: str, qty: Decimal, lot: str | None = None,
                 sku: str | None = None) -> Counted:
    """Count one lot (or untracked SKU) at a location being counted; the answer never shows the expected qty."""
    if qty is None or qty < 0:
        raise InvalidInput("A counted quantity cannot be negative")

    def body(session: Session) -> dict:
        loc = _location(session, location)
        task = _open_task(session, loc.id)
        if task is None:
            raise InvalidInput("No open count for {location}", location=loc.code)
        if lot:
            found = find_lot(session, lot, sku)
            item_id, lot_id, sku_, abc = found.item_id, found.id, found.sku, found.abc
        else:
            row = session.execute(text("SELECT id, sku, abc FROM item WHERE sku = :s"), {"s": sku}).first()
            if row is None:
                raise NotFound(what=sku or "-")
            item_id, lot_id, sku_, abc = row.id, None, row.sku, row.abc
        require_whole_item(session, item_id, qty)
        tracking = session.execute(text("SELECT tracking FROM item WHERE id = :i"), {"i": item_id}).scalar()
        if tracking == "serial" and qty not in (0, 1):
            raise InvalidInput("A serial is one unit: count it as 1 (or 0)")
        status, booked_at = _count_line(session, actor, key, task.id, loc.id, item_id, lot_id, abc, qty)
        return {"location": loc.code, "sku": sku_, "lot": lot, "counted": qty, "status": status,
                "booked_at": booked_at}

    return Counted.of(run_operation(db, actor, key=key, kind="count", permission="count.post",
                                    payload={"location": location, "qty": qty, "lot": lot, "sku": sku}, body=body,
                                    audit_entity="location", audit_key=location).data)


def close_location(db: Database, actor: Actor, *, key: str, location: str) -> Closed:
    """F5: what was on record but not counted is counted as zero; the location's picks are free again."""

    def body(session: Session) -> dict:
        loc = _location(session, location)
        task = _open_task(session, loc.id)
        if task is None:
            raise InvalidInput("No open count for {location}", location=loc.code)
        missing = session.execute(text(
            "SELECT DISTINCT b.item_id, b.lot_id, i.abc FROM stock_balance b JOIN item i ON i.id = b.item_id"
            " WHERE b.location_id = :l AND b.qty > 0 AND NOT EXISTS (SELECT 1 FROM count_line c WHERE c.task_id = :t"
            " AND c.item_id = b.item_id AND coalesce(c.lot_id, 0) = coalesce(b.lot_id, 0))"),
            {"l": loc.id, "t": task.id}).all()
        for n, m in enumerate(missing):
            _count_line(session, actor, f"{key}:{n}", task.id, loc.id, m.item_id, m.lot_id, m.abc, Decimal(0))
        session.execute(text("UPDATE count_task SET status = 'closed', closed_at = now() WHERE id = :t"),
                        {"t": task.id})
        pending = session.execute(text("SELECT count(*) FROM count_line WHERE task_id = :t AND status = 'pending'"),
                                  {"t": task.id}).scalar()
        return {"location": loc.code, "uncounted_as_zero": len(missing), "pending_approval": pending}

    return Closed.of(run_operation(db, actor, key=key, kind="count.close", permission="count.post",
                                   payload={"location": location}, body=body,
                                   audit_entity="location", audit_key=location).data)


def pending_lines(db: Database, actor: Actor) -> list[PendingLine]:
    """Variances waiting for a supervisor, with the expected quantity (supervisors only)."""
    require(actor, "count.approve")
    with db.uow() as uow:
        return [PendingLine(**r._mapping) for r in uow.execute(text(
            "SELECT c.id, l.code AS location, i.sku, lt.lot_no AS lot, c.expected_qty, c.counted_qty, o.badge,"
            " f.code AS from_location"
            " FROM count_line c JOIN count_task t ON t.id = c.task_id JOIN location l ON l.id = t.location_id"
            " JOIN item i ON i.id = c.item_id LEFT JOIN lot lt ON lt.id = c.lot_id JOIN operator o"
            " ON o.id = c.counted_by LEFT JOIN location f ON f.id = c.from_location_id"
            " WHERE c.status = 'pending' ORDER BY c.counted_at"))]


def decide(db: Database, actor: Actor, *, key: str, line_id: int, approve: bool, reason: str, pin: str) -> Decided:
    """Approve a large variance or ask for a recount; a reason is required. Approving posts the line's variance,
    counted less the book at the moment of the count (never against the book now), and needs `stock.adjust` and a
    supervisor who did not count the line (four eyes). The supervisor signs it with their PIN (Approved, or
    Rejected for a recount)."""
    if not (reason or "").strip():
        raise InvalidInput("A decision on a count needs a reason")
    if approve:
        require(actor, "stock.adjust")
    require(actor, "count.approve")
    signature = verify(db, actor, pin, Meaning.APPROVED if approve else Meaning.REJECTED)

    def body(session: Session) -> dict:
        line = _line(session, line_id, pending=True)
        if line is None:
            raise NotFound(what=f"count line {line_id}")
        if actor.operator_id in (line.counters or []) or actor.operator_id == line.counted_by:
            raise PermissionDenied("You counted this line: another supervisor decides its variance",
                                   operation="count.approve")
        if approve:  # a serial found here moves from wherever the book has it by now
            _settle(session, actor, key, line, line.counted_qty - line.expected_qty - line.adjusted_qty, reason)
        else:
            session.execute(text("INSERT INTO count_task (location_id, source, created_by) VALUES (:l, 'recount', :op)"
                                 " ON CONFLICT DO NOTHING"), {"l": line.location_id, "op": actor.operator_id})
        session.execute(text("UPDATE count_line SET status = :s, approved_by = :op, reason = :r WHERE id = :id"),
                        {"s": "approved" if approve else "recount", "op": actor.operator_id, "r": reason,
                         "id": line_id})
        return signed({"line": line_id, "status": "approved" if approve else "recount"}, signature)

    return Decided.of(run_operation(db, actor, key=key, kind="count.decide", permission="count.approve",
                                    payload={"line_id": line_id, "approve": approve, "reason": reason}, body=body,
                                    audit_entity="count_line", audit_key=str(line_id), reason=reason).data)
