"""Lineside through a real PgBouncer (the OS package) in transaction pooling, in front of the test server.

The PgBouncer runs with two server connections, so consecutive transactions of one client land on different
server connections as soon as another client holds one: what transaction pooling does under load, made certain.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench import pgbouncer
from core.db import Database, open_database
from core.services import issuing, picking, receiving, workorders
from core.services.checks import run_checks
from core.services.ledger import Leg, post_moves
from core.services.live import ALERTS, Listener, listen_conninfo
from tests import helpers

pytestmark = pytest.mark.skipif(pgbouncer.binary() is None,
                                reason="pgbouncer is not installed (the OS package: apt-get install pgbouncer)")


@pytest.fixture(scope="module")
def bouncer(pg_admin_url):
    users = sorted({helpers.OWNER, helpers.RUNTIME, make_url(pg_admin_url).username or "postgres"})
    with pgbouncer.running(pg_admin_url, users, pool_size=2) as running:
        yield running


@pytest.fixture
def pooled_url(bouncer, db_url) -> str:
    return bouncer.url(db_url)


@pytest.fixture
def pooled(pooled_url, db_url):
    database = Database(pooled_url, pgbouncer=True, listen_url=db_url)
    yield database
    database.dispose()


def _server_port(conn) -> int:
    return conn.execute("SELECT inet_server_port()").fetchone()[0]


def _hold_a_server_connection(pooled_url: str) -> psycopg.Connection:
    """Another client in an open transaction: it holds the server connection the last client used (PgBouncer
    hands out the most recent idle one), so the next transaction of that client runs on another."""
    holder = psycopg.connect(make_url(pooled_url).set(drivername="postgresql").render_as_string(False),
                             prepare_threshold=None)
    holder.execute("SELECT 1")
    return holder


def _moves(db: Database, actor, ids, n: int, prefix: str) -> None:
    for i in range(n):
        a, b = (ids["A-01"], ids["A-02"]) if i % 2 == 0 else (ids["A-02"], ids["A-01"])
        post_moves(db, actor, "move", [Leg(ids["SCREW"], None, Decimal(1), a, "available", b, "available")],
                   key=f"{prefix}-{i}")


def test_pgbouncer_is_the_os_package():
    assert pgbouncer.version().startswith("PgBouncer ")


def test_through_pgbouncer_nothing_is_prepared(bouncer, pooled, pooled_url, db_url, system):
    """The hot path (Database.call) many times, then on another server connection: still fine. The same
    through a Database that does not know about PgBouncer fails as psycopg's prepared statement is not there."""
    ids = helpers.small_site(pooled)
    helpers.put_stock(pooled, system, "SCR-1", None, "A-01", 100)
    raw = pooled._direct_engine().raw_connection()
    assert raw.driver_connection.prepare_threshold is None
    raw.close()
    _moves(pooled, system, ids, 8, "warm")
    holder = _hold_a_server_connection(pooled_url)
    try:
        _moves(pooled, system, ids, 4, "after")
    finally:
        holder.close()

    unaware = Database(pooled_url)  # prepares after 5 uses, as psycopg does by default
    try:
        _moves(unaware, system, ids, 8, "unaware-warm")
        holder = _hold_a_server_connection(pooled_url)
        try:
            with pytest.raises(Exception, match="prepared statement"):
                _moves(unaware, system, ids, 1, "unaware-after")
        finally:
            holder.close()
    finally:
        unaware.dispose()
    assert helpers.scalar(pooled, "SELECT count(*) FROM movement WHERE kind = 'move'") == 8 + 4 + 8


def test_floor_work_through_pgbouncer(pooled, pooled_url, system):
    """Receipts, moves, picks and issues, a retried key, concurrent terminals, then every invariant holds."""
    ids = helpers.production_site(pooled)
    helpers.add_po_line(pooled, "PO-1", 1, "IC-1", 1000)
    helpers.put_stock(pooled, system, "SCR-1", None, "A-01", 1000)
    for n in range(6):  # receipts: the PO line, the dock, new lots
        got = receiving.receive(pooled, system, receiving.ReceiveCommand(
            key=f"rcv-{n}", sku="IC-1", qty=Decimal(50), lot=f"IC-{n}", expiry=None, po_number="PO-1"))
        assert got.qty == 50
    helpers.exec_sql(pooled, "INSERT INTO location (warehouse_id, code, kind, pick_sequence) VALUES (:w, 'A-03',"
                             " 'storage', 12)", w=ids["wh"])
    with pooled.uow() as uow:
        dock = uow.execute(text("SELECT id FROM location WHERE code = 'DOCK'")).scalar()
        lots = dict(uow.execute(text("SELECT lot_no, id FROM lot WHERE lot_no LIKE 'IC-%'")).all())
    for n in range(6):  # put away: dock -> A-01
        post_moves(pooled, system, "putaway", [Leg(ids["IC"], lots[f"IC-{n}"], Decimal(50), dock, "available",
                                                   ids["A-01"], "available")], key=f"put-{n}")
    helpers.add_work_order(pooled, "WO-1", "PCBA-1", 10)
    workorders.release(pooled, system, "WO-1")
    tasks = picking.claim(pooled, system, "WO-1")
    for task in tasks:
        picking.post_picks(pooled, system, key=f"pick-{task.id}", wo_number="WO-1", drop_location="LS-L1",
                           lines=[picking.PickLine(task.id, task.qty, lot=task.lot)])
    ic_lot = next(t.lot for t in tasks if t.sku == "IC-1")
    issued = issuing.issue(pooled, system, key="iss-1", wo_number="WO-1", qty=Decimal(5), lot=ic_lot)
    again = issuing.issue(pooled, system, key="iss-1", wo_number="WO-1", qty=Decimal(5), lot=ic_lot)
    assert issued.issued == again.issued == 5  # the retried key is the same issue, not a second one
    assert helpers.scalar(pooled, "SELECT count(*) FROM movement WHERE kind = 'issue'") == 1

    errors: list[BaseException] = []

    def terminal(n: int) -> None:  # each its own connection, as a console session
        db = Database(pooled_url, one_connection=True, pgbouncer=True)
        try:
            _moves(db, system, ids, 15, f"t{n}")
            _moves(db, system, ids, 1, f"t{n}")  # a retried key: replayed, no second movement
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=terminal, args=(n,)) for n in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert helpers.scalar(pooled, "SELECT count(*) FROM movement WHERE kind = 'move'") == 8 * 15
    assert helpers.scalar(pooled, "SELECT sum(qty) FROM stock_balance WHERE item_id = :i", i=ids["SCREW"]) == 1000
    report = run_checks(pooled, system)
    assert report.ok, [c for c in report.checks if not c.ok]


def test_alert_feed_listens_directly_while_work_goes_through_pgbouncer(bouncer, pooled, db_url, system):
    """The feed's Listener (console/alert_feed.py) on the direct URL; a receipt through the pooler raises an
    alert in its transaction, whose trigger notifies at commit: the feed wakes."""
    assert make_url(listen_conninfo(pooled)).port == make_url(db_url).port != bouncer.port
    ids = helpers.small_site(pooled)
    receipt = [Leg(ids["IC"], ids["LOT1"], Decimal(10), to_location_id=ids["A-01"], to_status="available")]
    with Listener(pooled, ALERTS) as feed:
        assert _server_port(feed.conn) == make_url(db_url).port
        assert feed.conn.info.port != bouncer.port  # its session is PostgreSQL's own, not a pooled one
        post_moves(pooled, system, "receipt", receipt, key="r1")  # nothing to raise
        assert not feed.wait(0.3)
        helpers.exec_sql(pooled, "UPDATE item SET safety_stock = 100 WHERE sku = 'IC-1'")
        post_moves(pooled, system, "receipt", receipt, key="r2")  # 20 < 100: below_safety_stock raised
        assert feed.wait(10)
    assert helpers.scalar(pooled, "SELECT count(*) FROM alert WHERE rule = 'below_safety_stock'") == 1


def test_relay_waits_on_a_direct_listen_through_pgbouncer(pooled):
    from core.services.relay import _wait_for_events

    done = threading.Event()

    def wait() -> None:
        _wait_for_events(pooled, 20)
        done.set()

    th = threading.Thread(target=wait)
    th.start()
    try:
        for _ in range(100):  # until the LISTEN is in place
            with pooled.uow() as uow:
                uow.execute(text("SELECT pg_notify('lineside_outbox', '')"))
                uow.commit()
            if done.wait(0.1):
                break
        assert done.is_set()
    finally:
        th.join(25)


def test_settings_say_pgbouncer_and_the_listen_url(monkeypatch, pooled_url, db_url):
    import core.config

    monkeypatch.setenv("LINESIDE_DATABASE_URL", pooled_url)
    monkeypatch.setenv("LINESIDE_PGBOUNCER", "true")
    monkeypatch.setenv("LINESIDE_LISTEN_DATABASE_URL", db_url)
    core.config.settings.cache_clear()
    try:
        db = open_database(migrate=False)
        try:
            assert db.pgbouncer and db.listen_url == db_url and db.url == pooled_url
            raw = db.engine.raw_connection()
            assert raw.driver_connection.prepare_threshold is None
            raw.close()
        finally:
            db.dispose()
        monkeypatch.delenv("LINESIDE_PGBOUNCER")
        monkeypatch.delenv("LINESIDE_LISTEN_DATABASE_URL")
        core.config.settings.cache_clear()
        db = open_database(migrate=False)
        try:
            assert not db.pgbouncer and db.listen_url == pooled_url
        finally:
            db.dispose()
    finally:
        core.config.settings.cache_clear()
