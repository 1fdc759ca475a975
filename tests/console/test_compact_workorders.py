"""Work orders & kitting in the RF-gun layout (20x16, 40x8): the board's highlighted row by ↑↓, an order opened by
a scan and cancelled with Enter to confirm, then the schedule and a pinned position, photographed at both sizes in
both languages (compact_steps.shots) with the schedule's clock frozen."""

from __future__ import annotations

from console.screens.workorders import WorkOrdersScreen
from tests import helpers
from tests.console import production_steps as ps
from tests.console import test_schedule_screen as ts
from tests.console.compact_steps import RF, shots
from tests.console.steps import scan, text_of, wait_until

plant, frozen = ps.plant, ts.frozen  # fixtures


async def test_workorders_at_rf_size(db, make_app, plant, frozen, snapshot):
    ts._orders(db)  # WO-2 (kittable, due 01-05), WO-1 (released, kitted), WO-3 (short, due 01-20)
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await ps.open_flow(pilot, "w", WorkOrdersScreen, badge="S001", pin="9876")
        screen = app.screen
        await wait_until(pilot, lambda: len(screen.rows) == 3 and "WO-2 1/3" in text_of(app, "#compact"))
        await pilot.press("down")  # the highlighted row follows ↑↓
        await wait_until(pilot, lambda: "WO-1 2/3" in text_of(app, "#compact"))
        await shots(pilot, snapshot, "list")
        await ps.step(pilot, "WO-3", lambda: screen.step == "detail")
        await shots(pilot, snapshot, "detail")
        await pilot.press("f6")  # cancel asks first
        await wait_until(pilot, lambda: screen.step == "confirm")
        await shots(pilot, snapshot, "confirm")
        await ps.step(pilot, "", lambda: screen.message.text == "WO-3: cancelled")
        assert helpers.scalar(db, "SELECT status FROM work_order WHERE wo_number = 'WO-3'") == "cancelled"
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.step == "list" and len(screen.rows) == 2)
        await pilot.press("f8")
        await wait_until(pilot, lambda: screen.step == "schedule" and len(screen.slots) == 2)
        await pilot.press("down")
        await wait_until(pilot, lambda: "WO-1" in text_of(app, "#compact"))
        await shots(pilot, snapshot, "schedule")
        await pilot.press("f4")
        await wait_until(pilot, lambda: screen.step == "pin")
        await scan(pilot, "1")
        await wait_until(pilot, lambda: screen.message.text == "WO-1: pinned at 1")
        assert ts._positions(db) == {"WO-1": 1, "WO-2": None, "WO-3": None}
        assert helpers.scalar(db, "SELECT count(*) FROM work_order WHERE status = 'cancelled'") == 1
