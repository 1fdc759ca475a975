"""`lineside bench kpi`: a year of plant history (>= 5M movements) generated set-based, then the KPIs over the year."""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta

from sqlalchemy import text

from core.db import Database
from core.services import kpi
from core.services.auth import system_actor

MOVEMENTS = 5_200_000
LOTS = 100_000
ITEMS = 2_000

# Every row spread over the last 365 days; lots, items and locations reused cyclically.
_HISTORY = [
    "INSERT INTO warehouse (code, name) VALUES ('RM', 'Raw materials')",
    "INSERT INTO location (warehouse_id, code, kind, pick_sequence) SELECT w.id, 'S-' || lpad(g::text, 4, '0'),"
    " 'storage', g FROM warehouse w, generate_series(1, 500) g",
    f"INSERT INTO item (sku, name, uom, unit_cost, abc) SELECT 'K-' || lpad(g::text, 5, '0'), 'Item ' || g, 'EA',"
    f" 1 + g % 40, (ARRAY['A', 'B', 'C'])[1 + g % 3] FROM generate_series(1, {ITEMS}) g",
    f"INSERT INTO lot (item_id, lot_no, received_at) SELECT (SELECT min(id) FROM item) + g % {ITEMS},"
    f" 'KL' || lpad(g::text, 7, '0'), now() - make_interval(mins => g % 525600) FROM generate_series(1, {LOTS}) g",
    "INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty)"
    " SELECT (SELECT min(id) FROM location) + l.id % 500, l.item_id, l.id, 'available', 1 + l.id % 200 FROM lot l",
    # receipts in, moves between bins, issues and shipments out: the kinds the turnover formula reads
    # receipts in, moves between bins, issues and shipments out (the kinds the turnover formula reads);
    # movement g uses lot g % LOTS, whose item is the one the lot statement above gave it
    f"""INSERT INTO movement (kind, item_id, lot_id, qty, from_location_id, from_status, to_location_id, to_status,
                             operator_id, terminal, created_at)
    SELECT k.kind, i0 + (g % {LOTS} + 1) % {ITEMS}, l0 + g % {LOTS}, 1 + g % 20,
           CASE WHEN k.kind = 'receipt' THEN NULL ELSE loc0 + g % 500 END,
           CASE WHEN k.kind = 'receipt' THEN NULL ELSE 'available' END,
           CASE WHEN k.kind IN ('issue', 'ship') THEN NULL ELSE loc0 + (g + 7) % 500 END,
           CASE WHEN k.kind IN ('issue', 'ship') THEN NULL ELSE 'available' END,
           op, 'bench', now() - make_interval(secs => (g::bigint * 6067) % 31536000)
    FROM generate_series(1, {MOVEMENTS}) g
    CROSS JOIN LATERAL (SELECT (ARRAY['receipt', 'move', 'issue', 'ship'])[1 + g % 4] AS kind) k,
         (SELECT min(id) AS i0 FROM item) it, (SELECT min(id) AS l0 FROM lot) lo,
         (SELECT min(id) AS loc0 FROM location) lc, (SELECT min(id) AS op FROM operator) o""",
    f"""INSERT INTO work_order (wo_number, item_id, qty, due_date, line, status, released_at, completed_at)
    SELECT 'WO-' || lpad(g::text, 6, '0'), (SELECT min(id) FROM item) + g % {ITEMS}, 100,
           current_date - g % 365, 'L1', 'completed', now() - make_interval(days => g % 365 + 3),
           now() - make_interval(days => g % 365, hours => g % 48) FROM generate_series(1, 20000) g""",
    """INSERT INTO receipt (operation_key, item_id, lot_id, qty, location_id, status, operator_id, terminal,
                           received_at, putaway_at)
    SELECT 'bench-r-' || l.id, l.item_id, l.id, 10, (SELECT min(id) FROM location), 'available',
           (SELECT min(id) FROM operator), 'bench', l.received_at,
           l.received_at + make_interval(mins => CAST(l.id % 900 AS integer))
    FROM lot l""",
    """INSERT INTO pick_task (work_order_id, item_id, lot_id, from_location_id, qty, picked_qty, status,
                             picked_by, picked_at)
    SELECT w.id, w.item_id, NULL, (SELECT min(id) FROM location), 5, 5, 'picked', (SELECT min(id) FROM operator),
           w.released_at + make_interval(hours => k) FROM work_order w, generate_series(1, 10) k""",
    "ANALYZE",
]


def build_history(db: Database) -> int:
    """Generate the year; returns the number of movements."""
    with db.uow() as uow:
        for sql in _HISTORY:
            uow.execute(text(sql))
        uow.commit()
        return uow.execute(text("SELECT count(*) FROM movement")).scalar()


def run(db: Database) -> dict:
    """The benchmark document: {"movements", "seconds"} — seconds of kpi.kpis over the last 365 days."""
    t0 = time.perf_counter()
    movements = build_history(db)
    print(f"generated {movements} movements in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    doc, seconds = timed_year(db)
    print(f"kpis over the year: {doc}", file=sys.stderr)
    return {"movements": movements, "seconds": round(seconds, 3)}


def timed_year(db: Database) -> tuple[kpi.Kpis, float]:
    """The whole KPI document over the last 365 days, and the seconds it took once the cache is warm."""
    actor, until = system_actor(db, "bench"), date.today()
    since = until - timedelta(days=364)
    kpi.kpis(db, actor, since, until)  # warm the cache as a console that has been running would have it
    t0 = time.perf_counter()
    doc = kpi.kpis(db, actor, since, until)
    return doc, time.perf_counter() - t0
