"""Sign-in and the home menu in the RF-gun layout (20x16, 40x8): badge, a wrong PIN refused, the right one, the
menu of a clerk and of a supervisor, and a flow opened by its key, all by scans at 20x16."""

from __future__ import annotations

from console.screens.home import HomeScreen
from console.screens.receiving import ReceivingScreen
from tests.console.compact_steps import RF, shots
from tests.console.steps import scan, sign_in, wait_until


async def test_sign_in_and_menu_at_rf_size(db, make_app, clerk, site, snapshot):
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await wait_until(pilot, lambda: app.db_state == "connected")
        await shots(pilot, snapshot, "badge")
        await scan(pilot, "C900")
        await scan(pilot, "9999")
        await wait_until(pilot, lambda: app.screen.message.is_error)
        assert app.screen.step == "pin"
        await shots(pilot, snapshot, "wrong-pin")
        await scan(pilot, "1234")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await shots(pilot, snapshot, "clerk-menu")
        await scan(pilot, "1")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceivingScreen))
        assert app.screen.query_one("#compact").display


async def test_supervisor_menu_at_rf_size(db, make_app, supervisor, site, snapshot):
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await sign_in(pilot, "S900")
        await shots(pilot, snapshot, "supervisor-menu")


async def test_at_40x8_a_lost_database_is_said_in_the_title(db, make_app, clerk, site):
    """At 40x8 the status bar is gone, so the title says what it would have said: the database is being
    reconnected (the ping's verdict, which the console tests of an outage drive through a real proxy)."""
    app = make_app()
    async with app.run_test(size=(40, 8)) as pilot:
        await sign_in(pilot, "C900")
        await scan(pilot, "1")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceivingScreen))
        title = app.screen.query_one("#title")
        assert not app.screen.query_one("StatusBar").display
        assert "reconnecting" not in str(title.render())
        app.db_state = "reconnecting"
        await pilot.pause()
        assert "DB reconnecting" in str(title.render())
        app.db_state = "connected"
        await pilot.pause()
        assert str(title.render()).strip() == "Receiving"
