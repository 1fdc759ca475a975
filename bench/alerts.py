"""`lineside bench alerts`: full evaluation, per-transaction cost and commit-to-screen latency on a large plant.

The plant is the large demo when core.services.demo exists, else 5,000 items and 200,000 lots generated
set-based in a scratch database (which is dropped afterwards).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from decimal import Decimal

from sqlalchemy import text

from core.db import Database
from core.services import alerts
from core.services.auth import actor_for, system_actor
from core.services.ledger import Leg, post_moves

_PLANT = [
    "INSERT INTO warehouse (code, name) VALUES ('RM', 'Raw materials')",
    "INSERT INTO location (warehouse_id, code, kind, pick_sequence) SELECT w.id, 'S-' || lpad(g::text, 4, '0'),"
    " 'storage', g FROM warehouse w, generate_series(1, 2000) g",
    "INSERT INTO item (sku, name, uom, tracking, shelf_life_days, safety_stock, unit_cost, abc)"
    " SELECT 'B-' || lpad(g::text, 5, '0'), 'Item ' || g, 'EA', 'lot', 365,"
    " CASE WHEN g % 10 = 0 THEN 5000 ELSE 0 END, (g % 50) + 0.5, (ARRAY['A', 'B', 'C'])[1 + g % 3]"
    " FROM generate_series(1, 5000) g",
    "INSERT INTO lot (item_id, lot_no, expiry, received_at, qc_status)"
    " SELECT (SELECT min(id) FROM item) + (g - 1) % 5000, 'LOT' || lpad(g::text, 7, '0'),"
    " current_date + (g * 7919) % 730 - 30, now() - make_interval(days => g % 300),"
    " CASE WHEN g % 500 = 0 THEN 'pending' ELSE 'none' END FROM generate_series(1, 200000) g",
    "INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty)"
    " SELECT (SELECT min(id) FROM location) + l.id % 2000, l.item_id, l.id,"
    " CASE WHEN l.qc_status = 'pending' THEN 'qc_hold' ELSE 'available' END, 10 + l.id % 90 FROM lot l",
    "INSERT INTO movement (kind, item_id, lot_id, qty, to_location_id, to_status, operator_id, terminal, created_at)"
    " SELECT 'opening', b.item_id, b.lot_id, b.qty, b.location_id, b.status, (SELECT min(id) FROM operator),"
    " 'bench', l.received_at FROM stock_balance b JOIN lot l ON l.id = b.lot_id",
    # 100 products of 5 components each, 300 open work orders due around now
    "INSERT INTO bom_line (parent_item_id, component_item_id, qty_per, scrap_pct)"
    " SELECT p.id, p.id + 100 + k * 100, 2, 0 FROM (SELECT id FROM item ORDER BY id LIMIT 100) p,"
    " generate_series(0, 4) k",
    "INSERT INTO work_order (wo_number, item_id, qty, due_date, line, status)"
    " SELECT 'WO-' || lpad(g::text, 5, '0'), (SELECT min(id) FROM item) + g % 100, 50 + g % 400,"
    " current_date + g % 40 - 5, 'L1', CASE WHEN g % 2 = 0 THEN 'released' ELSE 'planned' END"
    " FROM generate_series(1, 300) g",
    "ANALYZE",
]


def build_plant(db: Database) -> None:
    """The large demo if it is there, else the generated plant."""
    try:
        from core.services.demo import load_demo
    except ImportError:
        load_demo = None
    if load_demo is not None:
        load_demo(db, system_actor(db, "bench"), seed=1, scale="large")
        return
    with db.uow() as uow:
        for sql in _PLANT:
            uow.execute(text(sql))
        uow.commit()


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def full_evaluation(db: Database) -> float:
    """Seconds of a scheduled full evaluation (after the first, which raises everything once)."""
    first = _timed(lambda: alerts.evaluate_all(db))
    steady = statistics.median(_timed(lambda: alerts.evaluate_all(db)) for _ in range(3))
    print(f"first full evaluation {first:.3f}s (raises every alert once), then {steady:.3f}s", file=sys.stderr)
    return steady


def _adjust_legs(db: Database) -> list[list[Leg]]:
    """One out, one back in: totals change, so the transaction re-evaluates every rule for the item."""
    with db.uow() as uow:
        b = uow.execute(text("SELECT item_id, lot_id, location_id FROM stock_balance WHERE status = 'available'"
                             " AND qty >= 10 ORDER BY id LIMIT 1")).first()
    out = Leg(b.item_id, b.lot_id, Decimal(1), b.location_id, "available")
    back = Leg(b.item_id, b.lot_id, Decimal(1), to_location_id=b.location_id, to_status="available")
    return [[out], [back]]


def per_transaction_cost(db: Database, rounds: int = 40) -> float:
    """Milliseconds a stock transaction spends re-evaluating the rules for what it touched."""
    actor, legs = system_actor(db, "bench"), _adjust_legs(db)

    def run(tag: str) -> float:
        times = [_timed(lambda n=n: post_moves(db, actor, "adjust", legs[n % 2], key=f"bench-{tag}-{n}"))
                 for n in range(rounds)]
        return statistics.median(times[2:])

    real = alerts.evaluate
    with_eval = run("with")
    alerts.evaluate = lambda session, items=None: 0  # the same transaction without the evaluation
    try:
        without = run("without")
    finally:
        alerts.evaluate = real
    print(f"post_moves median {with_eval * 1000:.1f} ms with evaluation, {without * 1000:.1f} ms without",
          file=sys.stderr)
    return max(with_eval - without, 0.0) * 1000


async def _commit_to_screen(db: Database, rounds: int) -> list[float]:
    from console.app import LinesideApp
    from console.services import ConsoleServices, SignedIn

    with db.uow() as uow:
        uow.execute(text("INSERT INTO operator (badge, name, roles) VALUES ('S-BENCH', 'Bench', '{supervisor}')"
                         " ON CONFLICT DO NOTHING"))
        picks = uow.execute(text(
            "SELECT DISTINCT ON (b.item_id) b.item_id, b.lot_id, b.location_id, b.qty FROM stock_balance b"
            " JOIN item i ON i.id = b.item_id"
            " WHERE i.safety_stock = 0 AND b.status = 'available' AND b.reserved = 0 AND b.qty >= 10"
            " AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.item_id = i.id AND a.resolved_at IS NULL)"
            " ORDER BY b.item_id LIMIT :n"), {"n": rounds}).all()
        # each pick's item gets a safety stock just under what it has, so taking 5 out raises one new alert
        uow.execute(text("UPDATE item i SET safety_stock = s.qty - 1 FROM (SELECT b.item_id, sum(b.qty) AS qty"
                         " FROM stock_balance b WHERE b.status = 'available' AND b.item_id = ANY(:ids)"
                         " GROUP BY b.item_id) s WHERE s.item_id = i.id"), {"ids": [p.item_id for p in picks]})
        uow.commit()
    system = system_actor(db, "bench")
    app = LinesideApp(ConsoleServices.from_database(db, "bench"), lang="en")
    latencies = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.sign_in(SignedIn(actor_for(db, "S-BENCH", "bench"), "RM"))
        while app.open_alerts is None:
            await pilot.pause(0.01)
        bar = app.screen.query_one("StatusBar")
        for n, p in enumerate(picks):
            expected = f"▲ {app.open_alerts + 1}"
            leg = Leg(p.item_id, p.lot_id, Decimal(5), p.location_id, "available")
            await asyncio.to_thread(post_moves, db, system, "adjust", [leg], key=f"bench-screen-{n}")
            committed = time.perf_counter()
            while expected not in str(bar.render()):
                await asyncio.sleep(0.002)
                if time.perf_counter() - committed > 10:
                    raise RuntimeError(f"the alert never reached the screen: {expected!r}, {app.open_alerts},"
                                       f" {str(bar.render())!r}")
            latencies.append((time.perf_counter() - committed) * 1000)
    return latencies


def commit_to_screen(db: Database, rounds: int = 10) -> float:
    """Milliseconds from a committed stock transaction that raises an alert to the status bar showing it (p50)."""
    latencies = asyncio.run(_commit_to_screen(db, rounds))
    print(f"commit-to-screen ms: {[round(x, 1) for x in latencies]}", file=sys.stderr)
    return statistics.median(latencies)


def run(db: Database) -> dict:
    """The benchmark document: {"full_s", "per_txn_ms", "commit_to_screen_ms"}."""
    build_plant(db)
    return {"full_s": round(full_evaluation(db), 3), "per_txn_ms": round(per_transaction_cost(db), 2),
            "commit_to_screen_ms": round(commit_to_screen(db), 1)}
