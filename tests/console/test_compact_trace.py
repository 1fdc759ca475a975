"""Trace in the RF-gun layout (20x16, 40x8): walked by keys at 20x16, a lot's trees moved in and opened with ↑↓ and
Enter, then another lot recalled (reason, confirm, signature); photographed at both sizes in both languages (the
history's times pinned, in UTC)."""

from __future__ import annotations

from console.screens.trace import TraceScreen
from tests import helpers
from tests.console.compact_steps import RF, shots
from tests.console.steps import scan, sign_in, text_of, wait_until
from tests.console.test_flow_snapshots import history, utc  # noqa: F401  (fixtures)


async def test_trace_at_rf_size(db, make_app, history, snapshot):  # noqa: F811
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await sign_in(pilot, "S900")
        await scan(pilot, "WO-2-01")
        await wait_until(pilot, lambda: isinstance(app.screen, TraceScreen) and app.screen.step == "trees")
        screen = app.screen
        await shots(pilot, snapshot, "trees")
        await pilot.press("down", "down", "down", "enter")  # IC-A, below the lot's own two lines: opened
        assert "IC-A · IC-1 · 50 · SUP-1" in text_of(app, "#compact")
        await shots(pilot, snapshot, "opened")
        await scan(pilot, "IC-B")
        await wait_until(pilot, lambda: screen.traced.back.lot == "IC-B")
        await pilot.press("f2")
        await wait_until(pilot, lambda: screen.step == "reason")
        await scan(pilot, "supplier notice")
        assert screen.step == "confirm"
        await shots(pilot, snapshot, "confirm")
        await scan(pilot, "")
        await wait_until(pilot, lambda: screen.step == "sign")
        await scan(pilot, "1234")
        await wait_until(pilot, lambda: screen.step == "trees" and "Recall raised" in screen.message.text)
        await wait_until(pilot, lambda: "blocked" in text_of(app, "#compact"))
        await shots(pilot, snapshot, "recalled")
    blocked = helpers.rows(db, "SELECT lt.lot_no, b.qty FROM stock_balance b JOIN lot lt ON lt.id = b.lot_id"
                               " WHERE b.status = 'blocked' ORDER BY 1")
    assert blocked == [("IC-B", 250), ("WO-2-01", 50)]
