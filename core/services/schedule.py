"""The schedule: the sequence each line should run its open work orders in, with start and end times.

Computed on read, from the kitting status as it is now: a receipt, putaway, release or short pick changes what
the next read returns, so the schedule follows the stock without a job that re-plans it.

The rule, per line:
1. Running orders (in progress, or an operation started) come first, by their start: they are on the line.
2. The other orders are sorted by due date, then priority (lower first, as kitting sorts), then number; then a
   `short` order moves behind every kitted or kittable order of its line, keeping that order among the short
   ones: a short order is never ahead of one that can run.
3. A pinned order (`pin`, a supervisor's decision) takes the position it was pinned at, whatever its kitting;
   the orders of rule 2 fill the other positions in their order. Two orders pinned at one position go by due
   date; a pin past the end of the line places the order last. A pin never goes ahead of a running order.
Times: the first order that is not running starts now, or when the running ones end; each next order starts
when the one before it ends. An order takes the sum over its operations of setup + minutes per unit x quantity
(the order's own operations once released, else its item's routing): the sum, not the bottleneck, because the
line is one resource and an order's operations run one after the other. An item without a routing runs at the
configured `default_rate_per_hour` (LINESIDE_DEFAULT_RATE_PER_HOUR, 60 units an hour). A running order's end is
its start plus that time, or now when it has overrun.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.config import settings
from core.db import Database
from core.errors import InvalidInput, NotFound
from core.permissions import Actor, require
from core.results import Result
from core.services.kitting import kit_statuses
from core.services.ledger import run_operation
from core.vocabulary import OPEN_ORDERS


@dataclass(frozen=True)
class Slot:
    """One work order's place in its line's sequence."""

    line: str
    position: int
    wo_number: str
    due_date: date
    kitting: str  # kitted | kittable | short
    start: datetime
    end: datetime
    pinned: int | None = None  # the position a supervisor pinned, if any
    running: bool = False


# Every open work order with what its duration needs: one statement (the kitting service is the other).
_ORDERS = text(
    """
    WITH wo AS (
      SELECT w.id, w.wo_number, w.item_id, w.qty, w.due_date, w.line, w.priority, w.status, w.schedule_position
      FROM work_order w WHERE w.status = ANY(:open) AND (CAST(:line AS text) IS NULL OR w.line = :line)
    ),
    ops AS (
      SELECT o.work_order_id, sum(o.setup_minutes) AS setup, sum(o.minutes_per_unit) AS per_unit,
             min(o.started_at) AS started_at
      FROM wo_operation o WHERE o.work_order_id IN (SELECT id FROM wo) GROUP BY o.work_order_id
    ),
    rt AS (
      SELECT r.item_id, sum(r.setup_minutes) AS setup, sum(r.minutes_per_unit) AS per_unit
      FROM routing r WHERE r.item_id IN (SELECT item_id FROM wo) GROUP BY r.item_id
    )
    SELECT wo.wo_number, wo.line, wo.due_date, wo.priority, wo.qty, wo.status, wo.schedule_position,
           ops.started_at, coalesce(ops.setup, rt.setup) AS setup, coalesce(ops.per_unit, rt.per_unit) AS per_unit
    FROM wo LEFT JOIN ops ON ops.work_order_id = wo.id LEFT JOIN rt ON rt.item_id = wo.item_id
    ORDER BY wo.line, wo.due_date, wo.priority, wo.wo_number
    """
)


DEFAULT_RATE_PER_HOUR = 60.0


def clock() -> datetime:
    """Now, for the schedule (a test freezes it)."""
    return datetime.now(UTC)


def minutes_for(qty: Decimal, setup: Decimal | None, per_unit: Decimal | None, rate_per_hour: float) -> float:
    """An order's minutes: its routing's setup + minutes per unit x qty, else qty at the configured rate."""
    if per_unit is None:
        return float(qty) * 60.0 / rate_per_hour
    return float((setup or 0) + per_unit * qty)


def sequence(rows: list, kits: dict[str, str]) -> list:
    """One line's rows in the order the rule says (rows come sorted by due date, priority, number)."""
    running = sorted((r for r in rows if r.status == "in_progress" or r.started_at is not None),
                     key=lambda r: (r.started_at or datetime.max.replace(tzinfo=UTC), r.wo_number))
    on_line = {r.wo_number for r in running}
    others = [r for r in rows if r.wo_number not in on_line]
    free = [r for r in others if r.schedule_position is None]
    free = [r for r in free if kits[r.wo_number] != "short"] + [r for r in free if kits[r.wo_number] == "short"]
    pinned = sorted((r for r in others if r.schedule_position is not None),
                    key=lambda r: (r.schedule_position, r.due_date, r.priority, r.wo_number))
    out = list(running)
    while free or pinned:
        if pinned and (pinned[0].schedule_position <= len(out) + 1 or not free):
            out.append(pinned.pop(0))
        else:
            out.append(free.pop(0))
    return out


def schedule(db: Database, actor: Actor, line: str | None = None, *, now: datetime | None = None) -> list[Slot]:
    """Each line's sequence of open work orders with start and end (see the module's rule)."""
    require(actor, "stock.view")
    now = now or clock()
    rate = settings().default_rate_per_hour
    rate = rate if rate > 0 else DEFAULT_RATE_PER_HOUR  # a rate of 0 would make every unrouted order endless
    with db.uow() as uow:
        rows = uow.execute(_ORDERS, {"open": list(OPEN_ORDERS), "line": line}).all()
    if not rows:
        return []
    # An order without components needs nothing: kitted. Kitting reads every open order (one statement).
    kits = kit_statuses(db, actor)
    kits = {r.wo_number: kits.get(r.wo_number, "kitted") for r in rows}
    lines: dict[str, list] = {}
    for r in rows:
        lines.setdefault(r.line, []).append(r)
    slots = []
    for name in sorted(lines):
        at = now
        for n, r in enumerate(sequence(lines[name], kits), 1):
            took = timedelta(minutes=minutes_for(r.qty, r.setup, r.per_unit, rate))
            is_running = r.status == "in_progress" or r.started_at is not None
            start = (r.started_at or now) if is_running else at
            end = max(start + took, now) if is_running else start + took
            slots.append(Slot(name, n, r.wo_number, r.due_date, kits[r.wo_number], start, end,
                              r.schedule_position, is_running))
            at = max(at, end)
    return slots


@dataclass(frozen=True)
class Pinned(Result):
    """A work order pinned at a position of its line's sequence (None: unpinned, placed by the rule)."""

    wo_number: str
    line: str
    position: int | None


def _set_position(db: Database, actor: Actor, wo_number: str, position: int | None, key: str | None) -> Pinned:
    wo_number = (wo_number or "").strip()

    def body(session: Session) -> dict:
        row = session.execute(text("SELECT id, line, status, schedule_position FROM work_order WHERE wo_number = :w"
                                   " FOR UPDATE"), {"w": wo_number}).first()
        if row is None:
            raise NotFound(what=wo_number)
        if row.status not in OPEN_ORDERS:
            raise InvalidInput("Work order {wo} is {status}: it is not scheduled", wo=wo_number, status=row.status)
        session.execute(text("UPDATE work_order SET schedule_position = :p WHERE id = :id"),
                        {"p": position, "id": row.id})
        return {"wo_number": wo_number, "line": row.line, "position": position, "was": row.schedule_position}

    kind = "schedule.pin" if position is not None else "schedule.unpin"
    done = run_operation(db, actor, key=key or str(uuid.uuid4()), kind=kind, permission="workorder.manage",
                         payload={"wo_number": wo_number, "position": position}, body=body,
                         audit_entity="work_order", audit_key=wo_number)
    return Pinned(done.data["wo_number"], done.data["line"], done.data["position"])


def pin(db: Database, actor: Actor, wo_number: str, position: int, *, key: str | None = None) -> Pinned:
    """A supervisor pins an open work order at a position (1 = first) of its line's sequence; audited."""
    if isinstance(position, bool) or not isinstance(position, int) or position < 1:
        raise InvalidInput("A position is a whole number from 1: {value}", value=position)
    return _set_position(db, actor, wo_number, position, key)


def unpin(db: Database, actor: Actor, wo_number: str, *, key: str | None = None) -> Pinned:
    """A supervisor gives a pinned work order back to the rule; audited."""
    return _set_position(db, actor, wo_number, None, key)
