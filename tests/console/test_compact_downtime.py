"""Downtime in the RF-gun layout (20x16, 40x8): walked by scans at 20x16, a work centre stopped for a reason, then
the same centre again, since when and why, and Enter ends it; photographed at both sizes in both languages."""

from __future__ import annotations

from tests.console.compact_steps import RF, shots
from tests.console.shopfloor_steps import floor, open_flow, to  # noqa: F401  (fixture)
from tests.console.test_downtime_screen import stopped, stops  # noqa: F401  (fixture)
from tests.console.test_flow_snapshots import utc  # noqa: F401  (fixture)


async def test_downtime_at_rf_size(db, make_app, stopped, snapshot):  # noqa: F811
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await open_flow(pilot, "C001", "d")
        await to(pilot, "COAT-1", "reason")
        await shots(pilot, snapshot, "reason")
        await to(pilot, "1", "wc")
        assert app.screen.message.text == "COAT-1 stopped: Break"
        await shots(pilot, snapshot, "started")
        await to(pilot, "SMT-1", "end")
        await shots(pilot, snapshot, "end")
        await to(pilot, "", "wc")
    assert stops(db) == [("SMT-1", "BREAKDOWN", True), ("COAT-1", "BREAK", False)]
