"""Picking in the RF-gun layout (20x16, 40x8): one order walked by scans to its drop (a short pick on the way), a
batch of two orders of one line, and a line replenishment taken by Enter alone, their main states photographed at
both sizes in both languages (compact_steps.shots)."""

from __future__ import annotations

from console.screens.picking import PickingScreen
from tests import helpers
from tests.console import production_steps as ps
from tests.console import test_batch_picking as tb
from tests.console import test_replenishment_screen as tr
from tests.console.compact_steps import RF, shots
from tests.console.steps import scan, wait_until

plant, batch_plant, low_line = ps.plant, tb.batch_plant, tr.low_line  # fixtures


async def test_picking_at_rf_size(db, make_app, plant, snapshot):
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        await shots(pilot, snapshot, "location")
        await ps.step(pilot, "A-01", lambda: screen.step == "lot")
        await ps.step(pilot, "IC-A", lambda: screen.step == "qty")
        await shots(pilot, snapshot, "qty")
        await pilot.press(*"100", "f2")  # only 100 of 120 are there
        await wait_until(pilot, lambda: screen.step == "reason")
        await ps.step(pilot, "3", lambda: screen.step == "location")
        for location, material, step in (("A-02", "IC-B", "lot"), ("A-02", "SCR-1", "item")):
            await ps.step(pilot, location, lambda step=step: screen.step == step)
            await ps.step(pilot, material, lambda: screen.step == "qty")
            await scan(pilot, "")
        await wait_until(pilot, lambda: screen.step == "drop")
        await shots(pilot, snapshot, "drop")
        await ps.step(pilot, "LS-L1", lambda: screen.message.text.startswith("Posted"))
        await wait_until(pilot, lambda: screen.step == "location")  # the 20 short are re-planned from IC-B
        await shots(pilot, snapshot, "posted")
        assert ps.line_side(db) == [("IC-1", "IC-A", 100, 100), ("IC-1", "IC-B", 80, 80), ("SCR-1", None, 400, 400)]
        assert helpers.scalar(db, "SELECT status FROM pick_task WHERE qty = 120") == "short"


async def test_batch_picking_at_rf_size(db, make_app, batch_plant, snapshot):
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        await scan(pilot, "+")
        await wait_until(pilot, lambda: screen.step == "batch")
        await ps.step(pilot, "WO-2", lambda: len(screen.orders) == 2)
        await shots(pilot, snapshot, "batch")
        await ps.step(pilot, "", lambda: screen.step == "location")
        await ps.step(pilot, "A-01", lambda: screen.step == "lot")
        await ps.step(pilot, "IC-A", lambda: screen.step == "qty")
        await ps.step(pilot, "", lambda: screen.step == "location" and screen.i == 1)
        await shots(pilot, snapshot, "merged")
        for location, material, step in (("A-02", "IC-B", "lot"), ("A-02", "SCR-1", "item")):
            await ps.step(pilot, location, lambda step=step: screen.step == step)
            await ps.step(pilot, material, lambda: screen.step == "qty")
            await scan(pilot, "")
        await wait_until(pilot, lambda: screen.step == "drop")
        await ps.step(pilot, "LS-L1", lambda: screen.message.text.startswith("Posted"))
        await wait_until(pilot, lambda: screen.step == "wo")
        assert tb._reserved_at_line(db) == [("WO-1", "IC-1", "IC-A", 120), ("WO-1", "IC-1", "IC-B", 80),
                                            ("WO-1", "SCR-1", None, 400), ("WO-2", "IC-1", "IC-B", 20),
                                            ("WO-2", "SCR-1", None, 40)]


async def test_replenishment_at_rf_size(db, make_app, low_line, snapshot):
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "", lambda: screen.step == "location")  # Enter alone: the oldest task, SCR-1
        await ps.step(pilot, "A-02", lambda: screen.step == "item")
        await ps.step(pilot, "SCR-1", lambda: screen.step == "qty")
        await shots(pilot, snapshot, "qty")
        await ps.step(pilot, "", lambda: screen.step == "drop")
        await ps.step(pilot, "LS-L1", lambda: screen.step == "wo" and screen.message.text.startswith("Replenished"))
        await shots(pilot, snapshot, "replenished")
        assert tr._status(db) == [("SCR-1", "done"), ("IC-1", "open")]
        assert ps.line_side(db)[-1][:3] == ("SCR-1", None, 50)
