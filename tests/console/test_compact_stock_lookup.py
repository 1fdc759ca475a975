"""Stock lookup in the RF-gun layout (20x16, 40x8): a location, an item whose rows take two pages (PageDown), one
lot, and an empty location, scanned at 20x16; the main states photographed at both sizes in both languages."""

from __future__ import annotations

from tests import helpers
from tests.console.compact_steps import RF, shots
from tests.console.steps import wait_until
from tests.console.test_stock_lookup import lookup, open_lookup


async def test_stock_lookup_at_rf_size(db, make_app, site, system, snapshot):
    helpers.put_stock(db, system, "IC-1", "L3", "A-01", 10, expiry="2030-08-01")
    helpers.put_stock(db, system, "IC-1", "L4", "A-02", 5, expiry="2030-09-01")
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await open_lookup(pilot)
        screen = app.screen
        assert len(await lookup(pilot, "A-01")) == 3
        await shots(pilot, snapshot, "location")
        assert len(await lookup(pilot, "IC-1")) == 4
        await shots(pilot, snapshot, "item")
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: screen.first == 3)
        await shots(pilot, snapshot, "item-page-2")
        assert screen.first == 3  # the resizes keep the page
        await pilot.press("pagedown")  # no third page
        assert screen.first == 3
        assert await lookup(pilot, "L1") == [["A-01", "IC-1", "L1", "available", "120", "20", "2030-01-01"]]
        await shots(pilot, snapshot, "lot")
