"""Stock lookup (`9`): location, lot, SKU, GTIN and GS1 label scans; refusals; Esc and F10."""

from __future__ import annotations

import pytest

from console.screens.home import HomeScreen
from console.screens.login import LoginScreen
from console.screens.stock_lookup import StockLookupScreen
from console.widgets import MessageLine
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.steps import scan, sign_in, table_rows, text_of, wait_until

L1 = ["A-01", "IC-1", "L1", "available", "120", "20", "2030-01-01"]
L2 = ["A-02", "IC-1", "L2", "available", "40", "0", "2030-06-01"]
SCREWS = ["A-01", "SCR-1", "", "available", "500", "0", ""]


async def open_lookup(pilot) -> None:
    helpers.make_operator(pilot.app.services.db, "C001", ["clerk"])
    await sign_in(pilot)
    await scan(pilot, "9")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, StockLookupScreen))


async def lookup(pilot, raw: str) -> list[list[str]]:
    screen = pilot.app.screen
    before = screen.lookup
    await scan(pilot, raw)
    await wait_until(pilot, lambda: screen.lookup is not before or screen.message.is_error)
    return table_rows(pilot.app)


@pytest.mark.parametrize(("raw", "expected"), [
    ("A-01", [L1, SCREWS]),
    ("L2", [L2]),
    ("IC-1", [L1, L2]),
    ("09501101530003", [L1, L2]),  # the item's GTIN
    ("(01)09501101530003(10)L1(17)300101(30)5", [L1]),  # a Lineside lot label in HRI form
    ("LS-L1", []),  # an empty location is an answer, not a refusal
])
async def test_lookup_by_scan(db, make_app, site, raw, expected):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_lookup(pilot)
        assert await lookup(pilot, raw) == expected
        assert not app.screen.message.is_error
        if not expected:
            assert text_of(app, "MessageLine") == "Nothing on hand"


async def test_a_lookup_never_changes_the_terminals_warehouse(db, make_app, site):
    helpers.exec_sql(db, "INSERT INTO warehouse (code, name) VALUES ('FG', 'Finished')")  # two warehouses now
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_lookup(pilot)
        assert app.warehouse is None  # unknown at login with two warehouses
        await lookup(pilot, "L1")
        assert "Lot L1 · IC-1" in text_of(app, "#summary") and "On hand 120" in text_of(app, "#summary")
        await lookup(pilot, "A-01")
        assert "A-01 · RM" in text_of(app, "#summary")  # the warehouse it is in is shown …
        assert app.warehouse is None and "Warehouse RM" not in text_of(app, "StatusBar")  # … not taken as ours


@pytest.mark.parametrize(("raw", "message"), [
    ("NOPE-42", "Unknown scan: NOPE-42"),
    ("C001", "Not a location, item or lot: C001"),
    ("(01)00000000000017", "Not found: 00000000000017"),
])
async def test_refused_scan_shows_red_line_and_keeps_the_table(db, make_app, site, raw, message):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_lookup(pilot)
        assert await lookup(pilot, "L2") == [L2]
        assert await lookup(pilot, raw) == [L2]
        assert app.screen.query_one(MessageLine).is_error
        assert text_of(app, "MessageLine") == message
        assert isinstance(app.screen, StockLookupScreen)
        assert await lookup(pilot, "L1") == [L1]  # the same step takes the next scan, and the red line goes
        assert not app.screen.message.is_error


async def test_escape_goes_home_and_f10_logs_out(db, make_app, site):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_lookup(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await scan(pilot, "9")
        await wait_until(pilot, lambda: isinstance(app.screen, StockLookupScreen))
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert app.actor is None


@pytest.mark.parametrize(("lang", "shown"), [("en", "QC hold"), ("zh_CN", "待检")])
async def test_status_reads_in_the_operators_words(db, make_app, site, system, lang, shown):
    """A lot on QC hold reads "QC hold" (待检), never the stored `qc_hold`."""
    from decimal import Decimal

    from core.services.ledger import Leg, post_moves

    leg = Leg(site["IC"], site["LOT2"], Decimal(40), from_location_id=site["A-02"], from_status="available",
              to_location_id=site["A-02"], to_status="qc_hold")
    post_moves(db, system, "status", [leg], key="hold-L2")
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await open_lookup(pilot)
        assert [row[3] for row in await lookup(pilot, "L2")] == [shown]
