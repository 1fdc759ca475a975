"""`lineside bench terminals`: N floor terminals, each with its own connection, each posting R operations a second.

A scratch database (bench.scratch) is seeded with a small plant: 40 bins of an untracked item to move between,
a lot-tracked component reserved for 8 released work orders on 4 lines (picked a little at a time to the line side
and issued from there), and open purchase orders of a GS1-labelled item to receive against. Each terminal scans
and then posts through the product's own services, so the SQL is the product's:

    60% moves    scan a bin (core.scan.classify) -> ledger.post_moves (the hot path, Database.call)
    15% picks    scan the task's lot             -> picking.post_picks (1 unit to the line side)
    15% issues   scan the lot at the line side   -> issuing.issue (1 unit into the work order)
    10% receipts scan a GS1 label (01)(10)(30)   -> receiving.receive (a new lot on the dock)

Terminals are threads, each with a Database of one connection (as a console session holds), spread over one
worker process per core (`--workers`): one process driving hundreds of terminals measures its own GIL (a thread
that got its audit row's answer waits for the GIL before its COMMIT, holding the chain head meanwhile), while more
processes than cores take the CPU from PostgreSQL and PgBouncer on the same machine (measured: 2 > 4 > 8 here). Each
terminal starts its operations at Poisson times of rate R for `seconds`. `--via pgbouncer` starts a PgBouncer of
its own (bench.pgbouncer, transaction pooling, `pool` server connections) and the terminals connect through it;
`--via direct` connects each to PostgreSQL.

Figures: `move_p99_ms` is the posting of a move (post_moves); `scan_p99_ms` a whole scan, from the classify
lookup to the posting's answer, over every operation of the mix. `audit_lock_wait_ms_p99`: a probe on a direct
connection of its own, at Poisson times (about 20 a second), takes the audit chain's head row lock as an appending
transaction does (`SELECT … FROM audit_head WHERE id = 1 FOR UPDATE`, then ROLLBACK) and times how long the lock
took to be granted; Poisson probes see the time-average wait of an arrival (PASTA), which is what each stock
transaction's audit_append waits at its end. `refused`: terminals whose connection was refused (too many
clients) plus operations refused so; `errors`: any other failed operation.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import threading
import time
from collections import Counter
from decimal import Decimal

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bench import pgbouncer
from bench.scratch import scratch_url
from core.db import Database
from core.permissions import Actor
from core.scan import classify
from core.services import issuing, picking, receiving, workorders
from core.services.auth import system_actor
from core.services.ledger import Leg, post_moves

BINS, LINES, ORDERS, POS = 40, 4, 8, 8
GTIN = "04012345000023"
MIX = (("move", 60), ("pick", 15), ("issue", 15), ("receipt", 10))
PROBE_RATE = 20.0  # audit-head probes a second
REFUSED = ("too many clients", "no more connections", "remaining connection slots", "too many connections")


def seed(db: Database) -> dict:
    """The bench plant; returns what the terminals need (ids, work orders and their pick tasks)."""
    with db.uow() as uow:
        for sql in (
            "INSERT INTO warehouse (code, name) VALUES ('T', 'Terminals bench')",
            "INSERT INTO location (warehouse_id, code, kind, pick_sequence) SELECT id, 'T-DOCK', 'dock', 0"
            " FROM warehouse",
            f"INSERT INTO location (warehouse_id, code, kind, pick_sequence) SELECT w.id, 'T-' || lpad(g::text, 2,"
            f" '0'), 'storage', g FROM warehouse w, generate_series(1, {BINS}) g",
            f"INSERT INTO location (warehouse_id, code, kind, line) SELECT w.id, 'LS-' || g, 'line_side', 'L' || g"
            f" FROM warehouse w, generate_series(1, {LINES}) g",
            "INSERT INTO item (sku, name, uom, tracking) VALUES ('T-MOVE', 'Moved', 'EA', 'none'),"
            " ('T-IC', 'Component', 'EA', 'lot'), ('T-PCBA', 'Board', 'EA', 'lot')",
            f"INSERT INTO item (sku, name, uom, tracking, gtin) VALUES ('T-RX', 'Received', 'EA', 'lot', '{GTIN}')",
            "INSERT INTO bom_line (parent_item_id, component_item_id, qty_per, scrap_pct)"
            " SELECT p.id, c.id, 1, 0 FROM item p, item c WHERE p.sku = 'T-PCBA' AND c.sku = 'T-IC'",
            "INSERT INTO supplier (code, name) VALUES ('T-SUP', 'Bench supplier')",
            f"INSERT INTO po_line (po_number, line_no, supplier_id, item_id, qty) SELECT 'PO-T' || g, 1,"
            f" (SELECT id FROM supplier), (SELECT id FROM item WHERE sku = 'T-RX'), 100000000"
            f" FROM generate_series(1, {POS}) g",
            f"INSERT INTO work_order (wo_number, item_id, qty, due_date, line) SELECT 'WO-T' || g, i.id, 1000000,"
            f" DATE '2030-01-10', 'L' || (1 + (g - 1) % {LINES}) FROM item i, generate_series(1, {ORDERS}) g"
            f" WHERE i.sku = 'T-PCBA'",
            "INSERT INTO lot (item_id, lot_no, received_at) SELECT id, 'IC-A', now() FROM item WHERE sku = 'T-IC'",
        ):
            uow.execute(text(sql))
        uow.commit()
        ids = dict(uow.execute(text("SELECT sku, id FROM item")).all())
        locs = list(uow.execute(text("SELECT id FROM location WHERE kind = 'storage' ORDER BY id")).scalars())
        lot = uow.execute(text("SELECT id FROM lot WHERE lot_no = 'IC-A'")).scalar()
    actor = system_actor(db, "bench-seed")
    legs = [Leg(ids["T-MOVE"], None, Decimal(1_000_000), to_location_id=loc, to_status="available") for loc in locs]
    legs.append(Leg(ids["T-IC"], lot, Decimal(ORDERS * 1_000_000), to_location_id=locs[0], to_status="available"))
    post_moves(db, actor, "opening", legs, key="bench-open")
    orders = []
    for n in range(1, ORDERS + 1):
        wo = f"WO-T{n}"
        workorders.release(db, actor, wo)
        with db.uow() as uow:
            task = uow.execute(text("SELECT t.id FROM pick_task t JOIN work_order w ON w.id = t.work_order_id"
                                    " WHERE w.wo_number = :w AND t.status = 'open' ORDER BY t.id LIMIT 1"),
                               {"w": wo}).scalar_one()
        drop = f"LS-{1 + (n - 1) % LINES}"
        # Something at the line side to issue from before the first pick of the run.
        picking.post_picks(db, actor, key=f"bench-prepick-{n}", wo_number=wo, drop_location=drop,
                           lines=[picking.PickLine(task, Decimal(100_000), lot="IC-A")])
        orders.append({"wo": wo, "task": task, "drop": drop})
    return {"item": ids["T-MOVE"], "locs": locs, "orders": orders, "codes": [f"T-{n:02d}" for n in range(1, BINS + 1)],
            "actor": (actor.operator_id, actor.badge, actor.name, sorted(actor.roles))}


def _refused(exc: BaseException) -> bool:
    return any(word in str(exc).lower() for word in REFUSED)


class _Terminal:
    """One terminal: its own one-connection Database, its own random stream."""

    def __init__(self, n: int, url: str, pooled: bool, ctx: dict, rate: float) -> None:
        self.n, self.ctx, self.rate = n, ctx, rate
        self.db = Database(url, one_connection=True, pgbouncer=pooled)
        op, badge, name, roles = ctx["actor"]
        self.actor = Actor(op, badge, name, frozenset(roles), f"bench-{n}")
        self.rng = random.Random(n)
        self.moves: list[float] = []
        self.scans: list[float] = []
        self.by_kind: dict[str, list[float]] = {kind: [] for kind, _ in MIX}  # whole scans, per kind
        self.ops = Counter()
        self.errors = Counter()
        self.refused = 0
        self.ready = False

    def connect(self) -> None:
        try:
            with self.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            self.ready = True
        except DBAPIError as exc:
            if _refused(exc):
                self.refused += 1
            else:
                self.errors[type(exc.orig).__name__ if exc.orig else type(exc).__name__] += 1

    def _one(self, kind: str, i: int) -> None:
        ctx, rng, key = self.ctx, self.rng, f"bench-{self.n}-{i}"
        t0 = time.perf_counter()
        if kind == "move":
            a, b = rng.sample(range(len(ctx["locs"])), 2)
            classify(self.db, ctx["codes"][b])
            t1 = time.perf_counter()
            post_moves(self.db, self.actor, "move", [Leg(ctx["item"], None, Decimal(1), ctx["locs"][a], "available",
                                                         ctx["locs"][b], "available")], key=key)
            self.moves.append(time.perf_counter() - t1)
        elif kind == "pick":
            order = rng.choice(ctx["orders"])
            classify(self.db, "IC-A")
            picking.post_picks(self.db, self.actor, key=key, wo_number=order["wo"], drop_location=order["drop"],
                               lines=[picking.PickLine(order["task"], Decimal(1), lot="IC-A")])
        elif kind == "issue":
            order = rng.choice(ctx["orders"])
            classify(self.db, "IC-A")
            issuing.issue(self.db, self.actor, key=key, wo_number=order["wo"], qty=Decimal(1), lot="IC-A")
        else:
            lot = f"R{self.n}-{i}"
            scan = classify(self.db, f"(01){GTIN}(10){lot}(30)1")
            receiving.receive(self.db, self.actor, receiving.ReceiveCommand(
                key=key, sku=scan.sku or "T-RX", qty=scan.qty or Decimal(1), lot=scan.lot,
                po_number=f"PO-T{1 + self.n % POS}"))
        self.scans.append(time.perf_counter() - t0)
        self.by_kind[kind].append(self.scans[-1])

    def run(self, start: float, seconds: float) -> None:
        if not self.ready:
            return
        kinds, weights = zip(*MIX, strict=True)
        stop, at, i = start + seconds, start + self.rng.expovariate(self.rate), 0
        while at < stop:
            delay = at - time.time()
            if delay > 0:
                time.sleep(delay)
            kind = self.rng.choices(kinds, weights)[0]
            i += 1
            try:
                self._one(kind, i)
                self.ops[kind] += 1
            except DBAPIError as exc:
                if _refused(exc):
                    self.refused += 1
                else:
                    self.errors[f"{kind}:{type(exc.orig).__name__ if exc.orig else type(exc).__name__}"] += 1
            except Exception as exc:  # a refused operation of the product (a typed error): counted, never fatal
                self.errors[f"{kind}:{type(exc).__name__}"] += 1
            at += self.rng.expovariate(self.rate)
        self.db.dispose()


def _worker(first: int, count: int, url: str, pooled: bool, ctx: dict, rate: float, seconds: float,
            ready, go, out) -> None:
    """A worker process: `count` terminal threads; connect them all, say so, wait for the start, run, report."""
    terminals = [_Terminal(first + k, url, pooled, ctx, rate) for k in range(count)]
    threads = [threading.Thread(target=t.connect) for t in terminals]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    warm = next((t for t in terminals if t.ready), None)
    if warm is not None:  # the process's first scans (imports, compiled statements, plans): not counted
        for i, (kind, _) in enumerate(MIX):
            with contextlib.suppress(Exception):  # a warm-up that fails shows again in the run
                warm._one(kind, -1 - i)
        warm.moves.clear()
        warm.scans.clear()
        for values in warm.by_kind.values():
            values.clear()
    ready.put(first)
    start = go.get()
    threads = [threading.Thread(target=t.run, args=(start, seconds)) for t in terminals]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    ops, errors = Counter(), Counter()
    for t in terminals:
        ops.update(t.ops)
        errors.update(t.errors)
    out.put({"moves": [x for t in terminals for x in t.moves], "scans": [x for t in terminals for x in t.scans],
             "by_kind": {kind: [x for t in terminals for x in t.by_kind[kind]] for kind, _ in MIX},
             "ops": dict(ops), "errors": dict(errors), "refused": sum(t.refused for t in terminals),
             "connected": sum(t.ready for t in terminals)})


class _Probe(threading.Thread):
    """Times the grant of the audit head's row lock at Poisson times, on a direct connection of its own."""

    def __init__(self, direct_url: str) -> None:
        super().__init__(daemon=True)
        self.url = make_url(direct_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.waits: list[float] = []
        self.error: str | None = None
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            self._probe()
        except psycopg.Error as exc:  # the document then says the figure is missing, and why
            self.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__

    def _probe(self) -> None:
        rng = random.Random(0)
        with psycopg.connect(self.url, prepare_threshold=None) as conn:
            while not self.stopping.wait(rng.expovariate(PROBE_RATE)):
                t0 = time.perf_counter()
                conn.execute("SELECT hash FROM audit_head WHERE id = 1 FOR UPDATE").fetchone()
                self.waits.append(time.perf_counter() - t0)
                conn.rollback()


class _PoolWatch(threading.Thread):
    """PgBouncer's queue, twice a second: the most clients waiting for a server connection, the longest wait."""

    def __init__(self, bouncer, user: str, database: str) -> None:
        super().__init__(daemon=True)
        self.bouncer, self.user, self.database = bouncer, user, database
        self.waiting_max, self.wait_max_ms, self.active_max = 0, 0.0, 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            try:
                rows = [r for r in self.bouncer.pools(self.user) if r["database"] == self.database]
            except psycopg.Error:
                continue
            for r in rows:
                self.waiting_max = max(self.waiting_max, int(r["cl_waiting"]))
                self.active_max = max(self.active_max, int(r["sv_active"]))
                self.wait_max_ms = max(self.wait_max_ms, int(r["maxwait"]) * 1000 + int(r["maxwait_us"]) / 1000)


def _p99_ms(values: list[float]) -> float | None:
    if not values:
        return None
    ms = sorted(v * 1000 for v in values)
    return round(ms[max(0, math.ceil(0.99 * len(ms)) - 1)], 2)  # nearest rank


def _p50_ms(values: list[float]) -> float | None:
    return round(sorted(values)[len(values) // 2] * 1000, 2) if values else None


def _drive(url: str, direct_url: str, pooled: bool, ctx: dict, terminals: int, rate: float,
           seconds: float, workers: int | None = None, watch: _PoolWatch | None = None) -> dict:
    import multiprocessing as mp

    spawn = mp.get_context("spawn")
    workers = max(1, min(terminals, workers or os.cpu_count() or 2))
    ready, out = spawn.Queue(), spawn.Queue()
    gos = [spawn.Queue() for _ in range(workers)]
    share = [terminals // workers + (1 if w < terminals % workers else 0) for w in range(workers)]
    firsts = [sum(share[:w]) for w in range(workers)]
    procs = [spawn.Process(target=_worker, args=(firsts[w], share[w], url, pooled, ctx, rate, seconds, ready,
                                                  gos[w], out), daemon=True) for w in range(workers)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=300)
    probe = _Probe(direct_url)
    start = time.time() + 0.5
    for go in gos:
        go.put(start)
    time.sleep(max(0.0, start - time.time()))
    probe.start()
    if watch is not None:
        watch.start()
    parts = [out.get(timeout=seconds + 300) for _ in procs]
    probe.stopping.set()
    probe.join()
    if watch is not None:
        watch.stopping.set()
        watch.join()
    for p in procs:
        p.join(timeout=30)
    ops, errors = Counter(), Counter()
    for part in parts:
        ops.update(part["ops"])
        errors.update(part["errors"])
    moves = [x for part in parts for x in part["moves"]]
    scans = [x for part in parts for x in part["scans"]]
    return {"terminals": terminals, "rate_per_terminal": rate, "via": "pgbouncer" if pooled else "direct",
            "operations": sum(ops.values()), "move_p99_ms": _p99_ms(moves), "scan_p99_ms": _p99_ms(scans),
            "audit_lock_wait_ms_p99": _p99_ms(probe.waits),
            "refused": sum(part["refused"] for part in parts), "errors": sum(errors.values()),
            "seconds": seconds, "workers": workers, "operations_per_s": round(sum(ops.values()) / seconds, 1),
            "mix": dict(sorted(ops.items())),
            "scan_p99_ms_by_kind": {kind: _p99_ms([x for part in parts for x in part["by_kind"][kind]])
                                    for kind, _ in MIX},
            "scan_p50_ms_by_kind": {kind: _p50_ms([x for part in parts for x in part["by_kind"][kind]])
                                    for kind, _ in MIX}, "error_kinds": dict(sorted(errors.items())),
            "move_p50_ms": _p50_ms(moves),
            "audit_lock_wait_ms_mean": round(sum(probe.waits) / len(probe.waits) * 1000, 3) if probe.waits else None,
            "audit_lock_probes": len(probe.waits),
            **({"pool_clients_waiting_max": watch.waiting_max, "pool_wait_max_ms": round(watch.wait_max_ms, 1),
                "pool_servers_active_max": watch.active_max} if watch is not None else {}),
            **({"audit_lock_probe_error": probe.error} if probe.error else {})}


KEYS = ("terminals", "rate_per_terminal", "via", "operations", "move_p99_ms", "scan_p99_ms", "audit_lock_wait_ms_p99")


def contract(doc: dict) -> dict:
    """The contract's keys of `run`'s document (the rest is `--detail`)."""
    return {k: doc[k] for k in KEYS}


def run(admin_url: str, terminals: int = 200, rate: float = 0.5, via: str = "pgbouncer", seconds: float = 30,
        pool: int = 20, workers: int | None = None) -> dict:
    """Seed a scratch database, drive the terminals through PgBouncer (started here) or directly; the detailed
    document (`contract` keeps the contract's keys)."""
    if via not in ("pgbouncer", "direct"):
        raise ValueError(f"--via must be pgbouncer or direct, not {via}")
    with scratch_url("terminals", admin_url) as direct_url:
        db = Database(direct_url)
        try:
            ctx = seed(db)
        finally:
            db.dispose()
        if via == "direct":
            return _drive(direct_url, direct_url, False, ctx, terminals, rate, seconds, workers)
        user = make_url(direct_url).username or "postgres"
        with pgbouncer.running(direct_url, [user], pool_size=pool, max_clients=max(100, terminals + 50)) as bouncer:
            watch = _PoolWatch(bouncer, user, make_url(direct_url).database)
            return _drive(bouncer.url(direct_url), direct_url, True, ctx, terminals, rate, seconds, workers, watch)
