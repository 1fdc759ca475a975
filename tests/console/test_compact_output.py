"""Production output in the RF-gun layout (20x16, 40x8): walked by scans at 20x16 to a posted output lot and its
label, its main states photographed at both sizes in both languages (compact_steps.shots)."""

from __future__ import annotations

from console.screens.output import OutputScreen
from tests import helpers
from tests.console import production_steps as ps
from tests.console.compact_steps import RF, shots
from tests.console.steps import text_of, wait_until

plant = ps.plant  # fixture


async def test_output_at_rf_size(db, make_app, plant, snapshot):
    ps.kitted(db)
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await ps.open_flow(pilot, "5", OutputScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "good")
        await shots(pilot, snapshot, "good")
        await ps.step(pilot, "25", lambda: screen.step == "scrap")
        await shots(pilot, snapshot, "scrap")
        await ps.step(pilot, "1", lambda: screen.message.text.startswith("Posted"))
        await wait_until(pilot, lambda: "Label printed" in screen.message.text and "25" in text_of(app, "#compact"))
        await shots(pilot, snapshot, "posted")
        assert helpers.rows(db, "SELECT status, qty_completed, qty_scrapped FROM work_order") == [
            ("in_progress", 25, 1)]
        assert (plant["labels"] / "PCBA-1_WO-1-01.zpl").exists()
