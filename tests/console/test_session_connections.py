"""A console session holds one database connection, whatever it does: a GS1 putaway (the one-round-trip hot path),
a stock lookup and a QC look-up all take turns on it; a supervisor adds only the alert feed's LISTEN."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from console.screens.home import HomeScreen
from console.screens.stock_lookup import StockLookupScreen
from core.services import putaway
from tests.console import inbound_steps, test_putaway_qc
from tests.console.conftest import SIZE
from tests.console.flow_steps import busy
from tests.console.inbound_steps import answer, open_flow
from tests.console.steps import scan, sign_in, table_rows, wait_until

inbound, labels_home = inbound_steps.inbound, inbound_steps.labels_home  # fixtures
received = test_putaway_qc.received  # fixture


def backends(db_url: str) -> dict[str, int]:
    """This database's client backends by application name, the asking one left out."""
    engine = create_engine(db_url, poolclass=NullPool, connect_args={"application_name": "probe"})
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend' GROUP BY 1")).all()
    finally:
        engine.dispose()
    return dict(rows)


async def test_a_clerk_session_holds_one_connection_and_a_supervisor_one_more(db, db_url, make_app, received,
                                                                              clerk, supervisor):
    """A putaway that waits for a lock and a stock lookup asked meanwhile: a pool would open a second connection
    for the lookup; the session's one connection runs it after the putaway, and both answers arrive."""
    want = putaway.suggest(db, clerk, "R-1").location
    db.dispose()  # the test's own pool closed: what is left on the server is the session's
    blocker_engine = create_engine(db_url, poolclass=NullPool, connect_args={"application_name": "blocker"})
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_flow(pilot, "2")
            await answer(pilot, screen, "(240)RES-1(10)R-1(30)10", "location")
            with blocker_engine.connect() as blocker:  # hold the lot's balance: the putaway waits for it
                blocker.execute(text("SELECT 1 FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                                     " WHERE l.lot_no = 'R-1' FOR UPDATE"))
                await scan(pilot, want)
                await wait_until(pilot, lambda: busy(pilot))
                await pilot.press("escape", "escape")
                await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
                await scan(pilot, "RES-1")  # a scan on the home screen (a stock lookup) while the putaway waits
                await pilot.pause(0.3)
                assert backends(db_url) == {"lineside": 1, "blocker": 1}
                blocker.rollback()
            await wait_until(pilot, lambda: isinstance(app.screen, StockLookupScreen) and app.screen.is_mounted
                             and app.screen.query("DataTable") and table_rows(app))
            assert any(want in row for row in table_rows(app))  # the lookup ran after the putaway posted
            assert backends(db_url) == {"lineside": 1}
            await pilot.press("f10")
            await wait_until(pilot, lambda: app.actor is None)
            await sign_in(pilot, supervisor.badge)
            await wait_until(pilot, lambda: app.open_alerts is not None)
            assert backends(db_url) == {"lineside": 1, "lineside-listen": 1}
    finally:
        blocker_engine.dispose()
