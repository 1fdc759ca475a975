"""Home menu: typed keys, scans that open the flow they belong to, role filtering, log out."""

from __future__ import annotations

import pytest

from console import menu
from console.screens.home import HomeScreen
from console.screens.login import LoginScreen
from console.screens.stock_lookup import StockLookupScreen
from console.widgets import MessageLine
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.steps import scan, sign_in, table_rows, text_of, wait_until


@pytest.fixture
def operators(db):
    helpers.make_operator(db, "C001", ["clerk"])
    helpers.make_operator(db, "S001", ["supervisor"])


async def test_home_offers_only_built_flows(db, make_app, operators):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        shown = text_of(app, "#menu")
        assert "9" in shown and "Stock lookup" in shown
        assert "1" in shown and "Receiving" in shown
        assert "Alerts" not in shown and "QC inspection" not in shown  # not for a clerk, so not offered


async def test_home_hides_entries_the_role_may_not_use(db, make_app, operators, monkeypatch):
    entries = [*menu.ENTRIES, menu.MenuEntry("w", "Work orders & kitting", "workorder.manage", HomeScreen)]
    monkeypatch.setattr(menu, "ENTRIES", entries)
    for badge, offered in (("C001", False), ("S001", True)):
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, badge)
            assert ("Work orders & kitting" in text_of(app, "#menu")) is offered
            await scan(pilot, "w")
            assert app.screen.query_one(MessageLine).is_error is not offered


async def test_typed_key_opens_stock_lookup_and_unknown_key_is_refused(db, make_app, operators):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await scan(pilot, "x")
        assert isinstance(app.screen, HomeScreen)
        assert text_of(app, "MessageLine") == "No menu entry x" and app.screen.message.is_error
        await scan(pilot, "9")
        await wait_until(pilot, lambda: isinstance(app.screen, StockLookupScreen))
        assert not app.screen.message.is_error


@pytest.mark.parametrize(("raw", "expected"), [
    ("A-02", [["A-02", "IC-1", "L2", "available", "40", "0", "2030-06-01"]]),
    ("(01)09501101530003", [["A-01", "IC-1", "L1", "available", "120", "20", "2030-01-01"],
                            ["A-02", "IC-1", "L2", "available", "40", "0", "2030-06-01"]]),  # an item label
    ("SCR-1", [["A-01", "SCR-1", "", "available", "500", "0", ""]]),
])
async def test_scan_on_home_opens_stock_lookup_with_it(db, make_app, site, operators, raw, expected):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await scan(pilot, raw)
        await wait_until(pilot, lambda: isinstance(app.screen, StockLookupScreen) and table_rows(app))
        assert table_rows(app) == expected


@pytest.mark.parametrize("raw", ["L1", "(01)09501101530003(10)L1"])
async def test_a_lot_or_its_label_on_home_opens_trace(db, make_app, site, operators, raw):
    from console.screens.trace import TraceScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await scan(pilot, raw)
        await wait_until(pilot, lambda: isinstance(app.screen, TraceScreen))


async def test_unknown_scan_on_home_shows_red_line_and_stays(db, make_app, site, operators):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await scan(pilot, "NOPE-42")
        await wait_until(pilot, lambda: app.screen.query_one(MessageLine).is_error)
        assert text_of(app, "MessageLine") == "Unknown scan: NOPE-42"
        assert isinstance(app.screen, HomeScreen)
        await scan(pilot, "C001")  # a badge is known, but no flow takes it here
        await wait_until(pilot, lambda: "Nothing to do" in text_of(app, "MessageLine"))
        assert isinstance(app.screen, HomeScreen)


async def test_f10_logs_out(db, make_app, operators):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("escape")  # Esc on home stays home
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert app.actor is None and "Not signed in" in text_of(app, "StatusBar")
        await sign_in(pilot, "S001")  # the next operator starts from a fresh home screen
        assert app.actor.badge == "S001"


async def test_a_supervisor_sees_every_entry_at_80x24(db, make_app, operators):
    """A supervisor's menu (the shop floor's o d n too) is longer than one column fits: two columns, all shown."""
    from tests.console.steps import screen_lines

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "S001")
        shown = "\n".join(screen_lines(app))
        for entry in menu.entries_for(app.actor):
            assert f" {entry.key}   {entry.label}" in shown, entry.label
        assert "Nonconformance" in shown and "Operations" in shown and "Downtime" in shown
