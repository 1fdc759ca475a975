"""`lineside bench oee`: a year of shop-floor history (200,000 operations at 20 work centres, 20,000 downtime
events) generated set-based, then the whole KPI document (OEE per work centre included) over the year."""

from __future__ import annotations

import sys
import time

from sqlalchemy import text

from bench.kpi import timed_year
from core.db import Database

OPERATIONS = 200_000
DOWNTIMES = 20_000
CENTERS = 20
YEAR_S = 31_536_000


def _history(operations: int, downtimes: int) -> list[str]:
    orders = (operations + 3) // 4  # four operations per work order
    return [
        "INSERT INTO item (sku, name, uom) SELECT 'P-' || lpad(g::text, 3, '0'), 'Product ' || g, 'EA'"
        " FROM generate_series(1, 100) g",
        f"INSERT INTO work_center (code, name, line) SELECT 'WC-' || lpad(g::text, 2, '0'), 'Centre ' || g,"
        f" 'L' || (1 + g % 4) FROM generate_series(1, {CENTERS}) g",
        "INSERT INTO downtime_reason (code, name, planned) VALUES ('BREAK', 'Break', true),"
        " ('CHANGEOVER', 'Changeover', true), ('BREAKDOWN', 'Breakdown', false),"
        " ('NO_MATERIAL', 'No material', false), ('NO_OPERATOR', 'No operator', false)",
        f"INSERT INTO work_order (wo_number, item_id, qty, due_date, line, status, qty_completed, released_at,"
        f" completed_at) SELECT 'WO-' || lpad(g::text, 6, '0'), (SELECT min(id) FROM item) + g % 100, 100,"
        f" current_date - (g % 365), 'L1', 'completed', 95 + g % 6, now() - make_interval(days => g % 365 + 2),"
        f" now() - make_interval(days => g % 365) FROM generate_series(1, {orders}) g",
        # operation g: order (g-1)/4, op 10..40, a centre in turn, spread evenly over the year, 20 to 59 minutes
        f"""INSERT INTO wo_operation (work_order_id, op_no, work_center_id, status, good, scrap, started_at,
                                     finished_at, minutes_per_unit)
        SELECT wo0 + (g - 1) / 4, 10 * ((g - 1) % 4 + 1), wc0 + g % {CENTERS}, 'done', 90 + g % 10, g % 4,
               now() - make_interval(secs => g::double precision * {YEAR_S} / {operations}),
               now() - make_interval(secs => g::double precision * {YEAR_S} / {operations})
                     + make_interval(mins => 20 + g % 40), 0.2 + (g % 5) * 0.05
        FROM generate_series(1, {operations}) g, (SELECT min(id) AS wo0 FROM work_order) w,
             (SELECT min(id) AS wc0 FROM work_center) c""",
        f"""INSERT INTO downtime (work_center_id, reason_id, started_at, ended_at, operator_id, terminal)
        SELECT wc0 + (g * 7 + g / 20) % {CENTERS}, r0 + g % 5,
               now() - make_interval(secs => g::double precision * {YEAR_S} / {downtimes}),
               now() - make_interval(secs => g::double precision * {YEAR_S} / {downtimes})
                     + make_interval(mins => 5 + g % 35), op, 'bench'
        FROM generate_series(1, {downtimes}) g, (SELECT min(id) AS wc0 FROM work_center) c,
             (SELECT min(id) AS r0 FROM downtime_reason) r, (SELECT min(id) AS op FROM operator) o""",
        "ANALYZE",
    ]


def build_history(db: Database, operations: int = OPERATIONS, downtimes: int = DOWNTIMES) -> int:
    """Generate the year; returns the number of operations."""
    with db.uow() as uow:
        for sql in _history(operations, downtimes):
            uow.execute(text(sql))
        uow.commit()
        return uow.execute(text("SELECT count(*) FROM wo_operation")).scalar()


def run(db: Database, operations: int = OPERATIONS, downtimes: int = DOWNTIMES) -> dict:
    """The benchmark document: {"operations", "seconds"} — seconds of kpi.kpis (the whole document) over a year."""
    t0 = time.perf_counter()
    made = build_history(db, operations, downtimes)
    print(f"generated {made} operations, {downtimes} downtimes in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    doc, seconds = timed_year(db)
    print(f"oee over the year: {[r.json() for r in doc.oee][:3]} …", file=sys.stderr)
    return {"operations": made, "seconds": round(seconds, 3)}
