"""`lineside bench trace`: a 1M-lot, 3M-link genealogy built set-based, then trace p95 and a 20,000-lot recall.

Four levels, each lot made from a few lots of the level below (spread by modular arithmetic, so every
supplier lot goes into several subassemblies): supplier lots T0 -> subassemblies T1 -> boards T2 ->
finished goods T3. Every 100th finished lot is made of 38 boards (a backward tree of ~1,000 nodes).
One supplier lot TR-RECALL went into 100 subassemblies, each into 200 finished lots: ~20,000 downstream.
The history lives in its own database (`lineside_bench_trace`) and is reused by the next run.
"""

from __future__ import annotations

import random
import sys
import time

from sqlalchemy import text

from bench.scratch import kept_database
from core.db import Database
from core.services import recall, trace
from core.services.auth import system_actor

DATABASE = "lineside_bench_trace"
RECALL_LOT = "TR-RECALL"
# lots per level at scale 1; the special branch adds 101 lots and 20,100 links
LEVELS = {0: 300_000, 1: 300_000, 2: 200_000, 3: 200_000}
FAN_IN = {1: (4, 75_001), 2: (5, 60_013), 3: (5, 40_009)}  # inputs per lot, stride between them
BIG_EVERY, BIG_FAN_IN, RECALL_SUBS, RECALL_FG_EACH = 100, 38, 100, 200


def _statements(scale: float) -> list[str]:
    n = {lv: max(int(c * scale), 50) for lv, c in LEVELS.items()}
    subs, fg_each = min(RECALL_SUBS, n[1]), min(RECALL_FG_EACH, n[3] // RECALL_SUBS or 1)
    sql = [
        "INSERT INTO warehouse (code, name) VALUES ('TW', 'Trace bench')",
        "INSERT INTO location (warehouse_id, code, kind, pick_sequence) SELECT w.id, 'TB-' || lpad(g::text, 3, '0'),"
        " 'storage', g FROM warehouse w, generate_series(1, 200) g",
        "INSERT INTO supplier (code, name) SELECT 'TS-' || g, 'Supplier ' || g FROM generate_series(1, 50) g",
        "INSERT INTO customer (code, name) SELECT 'TC-' || g, 'Customer ' || g FROM generate_series(1, 500) g",
        "INSERT INTO item (sku, name, uom) VALUES ('T-RAW', 'Resin', 'KG'), ('T-SUB', 'Subassembly', 'EA'),"
        " ('T-BRD', 'Board', 'EA'), ('T-FG', 'Finished unit', 'EA')",
    ]
    skus = {0: "T-RAW", 1: "T-SUB", 2: "T-BRD", 3: "T-FG"}
    for lv in (1, 2, 3):  # ten lots per work order
        sql.append(
            f"INSERT INTO work_order (wo_number, item_id, qty, due_date, line, status, completed_at)"
            f" SELECT 'TW{lv}-' || lpad(g::text, 6, '0'), (SELECT id FROM item WHERE sku = '{skus[lv]}'), 100,"
            f" current_date - g % 365, 'L' || (1 + g % 8), 'completed', now() - make_interval(days => g % 365)"
            f" FROM generate_series(0, {(n[lv] - 1) // 10}) g")
    sql.append("INSERT INTO work_order (wo_number, item_id, qty, due_date, line, status) SELECT 'TW1-RECALL', id,"
               " 100, current_date, 'L1', 'completed' FROM item WHERE sku = 'T-SUB'")
    sql.append(
        f"INSERT INTO lot (item_id, lot_no, supplier_id, received_at, expiry) SELECT i.id, 'T0-' || lpad(g::text, 7,"
        f" '0'), (SELECT min(id) FROM supplier) + g % 50, now() - make_interval(hours => g % 8760),"
        f" current_date + 365 FROM item i, generate_series(0, {n[0] - 1}) g WHERE i.sku = 'T-RAW' ORDER BY g")
    for lv in (1, 2, 3):
        sql.append(
            f"INSERT INTO lot (item_id, lot_no, work_order_id, produced_at) SELECT i.id, 'T{lv}-' || lpad(g::text,"
            f" 7, '0'), w.id, w.completed_at FROM item i, generate_series(0, {n[lv] - 1}) g JOIN work_order w"
            f" ON w.wo_number = 'TW{lv}-' || lpad((g / 10)::text, 6, '0') WHERE i.sku = '{skus[lv]}' ORDER BY g")
    sql += [
        f"INSERT INTO lot (item_id, lot_no, supplier_id, received_at) SELECT id, '{RECALL_LOT}',"
        " (SELECT min(id) FROM supplier), now() FROM item WHERE sku = 'T-RAW'",
        f"INSERT INTO lot (item_id, lot_no, work_order_id, produced_at) SELECT i.id, 'T1R-' || lpad(g::text, 3, '0'),"
        f" w.id, now() FROM item i, work_order w, generate_series(0, {subs - 1}) g"
        " WHERE i.sku = 'T-SUB' AND w.wo_number = 'TW1-RECALL' ORDER BY g",
    ]
    # genealogy: output lot j of level lv consumes k = 0..fan-1 inputs at (j * mult + k * stride) mod n[lv-1]
    for lv, (fan, stride) in FAN_IN.items():
        mult = {1: 7, 2: 3, 3: 11}[lv]
        big = f"CASE WHEN g % {BIG_EVERY} = 0 THEN {BIG_FAN_IN} ELSE {fan} END" if lv == 3 else str(fan)
        sql.append(
            f"INSERT INTO genealogy (input_lot_id, output_lot_id, work_order_id, qty)"
            f" SELECT b.i0 + (g * {mult} + k * {stride}) % {n[lv - 1]}, b.o0 + g, o.work_order_id, 1 + k"
            f" FROM (SELECT (SELECT min(id) FROM lot WHERE lot_no LIKE 'T{lv - 1}-%') AS i0,"
            f"              (SELECT min(id) FROM lot WHERE lot_no LIKE 'T{lv}-%') AS o0) b"
            f" CROSS JOIN generate_series(0, {n[lv] - 1}) g JOIN lot o ON o.id = b.o0 + g"
            f" CROSS JOIN LATERAL generate_series(0, {big} - 1) k")
    sql += [
        f"INSERT INTO genealogy (input_lot_id, output_lot_id, work_order_id, qty) SELECT r.id, s.id, s.work_order_id,"
        f" 5 FROM lot r, lot s WHERE r.lot_no = '{RECALL_LOT}' AND s.lot_no LIKE 'T1R-%'",
        f"INSERT INTO genealogy (input_lot_id, output_lot_id, work_order_id, qty)"
        f" SELECT s.id, f.id, f.work_order_id, 1 FROM lot s JOIN generate_series(0, {fg_each - 1}) t ON true"
        f" JOIN lot f ON f.lot_no = 'T3-' || lpad((CAST(substr(s.lot_no, 5) AS int) * {fg_each} + t)::text, 7, '0')"
        " WHERE s.lot_no LIKE 'T1R-%'",
        # what trace reads about each lot: its receipt or output movement, an issuing operator per work order
        "INSERT INTO movement (kind, item_id, lot_id, qty, to_location_id, to_status, operator_id, terminal,"
        " operation_key, created_at) SELECT CASE WHEN l.work_order_id IS NULL THEN 'receipt' ELSE 'output' END,"
        " l.item_id, l.id, 100, (SELECT min(id) FROM location) + l.id % 200, 'available', op.id, 'bench',"
        " 'bench-' || l.id, coalesce(l.received_at, l.produced_at) FROM lot l,"
        " (SELECT id FROM operator WHERE badge = 'SYSTEM') op",
        "INSERT INTO wo_issue (work_order_id, item_id, lot_id, qty, operator_id) SELECT w.id, w.item_id, NULL, 1,"
        " (SELECT id FROM operator WHERE badge = 'SYSTEM') FROM work_order w",
        # finished lots: on hand in a bin, every fourth also shipped to a customer
        "INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty) SELECT (SELECT min(id) FROM location)"
        " + l.id % 200, l.item_id, l.id, 'available', 50 FROM lot l WHERE l.lot_no LIKE 'T3-%'",
        "INSERT INTO so_line (so_number, line_no, customer_id, item_id, qty, shipped_qty, status)"
        " SELECT 'TSO-' || l.id, 1, (SELECT min(id) FROM customer) + l.id % 500, l.item_id, 50, 50, 'shipped'"
        " FROM lot l WHERE l.lot_no LIKE 'T3-%' AND l.id % 4 = 0",
        "INSERT INTO shipment (operation_key, so_line_id, customer_id, item_id, lot_id, qty, operator_id, shipped_at)"
        " SELECT 'bench-ship-' || s.id, s.id, s.customer_id, s.item_id, l.id, 50,"
        " (SELECT id FROM operator WHERE badge = 'SYSTEM'), now() FROM so_line s JOIN lot l"
        " ON s.so_number = 'TSO-' || l.id",
    ]
    return sql


def build(db: Database, scale: float = 1.0) -> None:
    """Generate the history in one transaction (a killed build leaves nothing half-made), then ANALYZE."""
    with db.uow() as uow:
        uow.execute(text("SET LOCAL synchronous_commit = off"))
        for statement in _statements(scale):
            t0 = time.perf_counter()
            uow.execute(text(statement))
            print(f"  {time.perf_counter() - t0:6.1f}s  {statement[:70]}", file=sys.stderr)
        uow.commit()
    with db.uow() as uow:
        uow.execute(text("ANALYZE"))
        uow.commit()


def built(db: Database) -> bool:
    """True when a complete history is already there (the build is one transaction)."""
    with db.uow() as uow:
        return uow.execute(text("SELECT 1 FROM lot WHERE lot_no = :r"), {"r": RECALL_LOT}).first() is not None


def measure(db: Database, samples: int = 200, seed: int = 7) -> dict:
    """Trace p95 (backward + forward) over random lots, and the recall listing of RECALL_LOT."""
    actor = system_actor(db, "bench")
    with db.uow() as uow:
        lots = uow.execute(text("SELECT count(*) FROM lot")).scalar()
        links = uow.execute(text("SELECT count(*) FROM genealogy")).scalar()
        lo, hi = uow.execute(text("SELECT min(id), max(id) FROM lot")).one()
        rng = random.Random(seed)
        ids = [rng.randint(lo, hi) for _ in range(samples)]
        names = uow.execute(text("SELECT lot_no FROM lot WHERE id = ANY(:ids)"), {"ids": ids}).scalars().all()
    for name in names[:10]:  # a console that has been running has its plans and pages warm
        trace.backward(db, actor, name), trace.forward(db, actor, name)
    timings = []
    for name in names:
        t0 = time.perf_counter()
        trace.backward(db, actor, name)
        trace.forward(db, actor, name)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    recall.affected(db, actor, RECALL_LOT)
    t0 = time.perf_counter()
    listing = recall.affected(db, actor, RECALL_LOT)
    recall_s = time.perf_counter() - t0
    return {"lots": lots, "links": links, "trace_p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
            "recall_lots": len(listing.lots), "recall_s": round(recall_s, 3)}


def big_tree_ms(db: Database) -> tuple[int, float]:
    """Nodes and milliseconds of the largest backward tree (a finished lot made of 38 boards)."""
    actor = system_actor(db, "bench")
    trace.backward(db, actor, "T3-0000000")
    t0 = time.perf_counter()
    tree = trace.backward(db, actor, "T3-0000000")
    ms = (time.perf_counter() - t0) * 1000

    def count(node: trace.Backward) -> int:
        return 1 + sum(count(c) for c in node.inputs)

    return count(tree), ms


def run(base_url: str, samples: int = 200, scale: float = 1.0) -> dict:
    """Build (or reuse) the bench database next to `base_url`, then measure."""
    db = Database(kept_database(DATABASE, base_url))
    try:
        if not built(db):
            t0 = time.perf_counter()
            build(db, scale)
            print(f"built the trace history in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
        doc = measure(db, samples)
        nodes, ms = big_tree_ms(db)
        print(f"largest backward tree: {nodes} nodes in {ms:.1f} ms", file=sys.stderr)
        return doc
    finally:
        db.dispose()
