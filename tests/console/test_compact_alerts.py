"""Alerts in the RF-gun layout (20x16, 40x8): walked by keys at 20x16, the list's highlighted alert moved with ↓,
opened, acknowledged with a comment; the main states photographed at both sizes in both languages."""

from __future__ import annotations

from core.services import alerts
from tests import helpers
from tests.console.compact_steps import RF, shots
from tests.console.steps import scan, wait_until
from tests.console.test_alerts import open_alerts, plant  # noqa: F401  (fixture)


async def test_alerts_at_rf_size(db, make_app, plant, snapshot):  # noqa: F811
    helpers.exec_sql(db, "UPDATE item SET safety_stock = 5000")
    alerts.evaluate_all(db)
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        screen = await open_alerts(pilot)
        await wait_until(pilot, lambda: len(screen.rows) == 3)  # IC-1, SCR-1 and PCBA-1
        await pilot.press("down")
        await shots(pilot, snapshot, "list")
        chosen = screen.rows[1]
        await scan(pilot, "")
        assert screen.step == "detail" and screen.chosen == chosen
        await shots(pilot, snapshot, "detail")
        await scan(pilot, "1")
        await scan(pilot, "reorder placed")
        await wait_until(pilot, lambda: screen.step == "list" and "acknowledged" in screen.message.text)
        await shots(pilot, snapshot, "acknowledged")
    assert helpers.scalar(db, "SELECT ack_comment FROM alert WHERE id = :i", i=chosen.id) == "reorder placed"
