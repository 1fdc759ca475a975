"""Issue to work order in the RF-gun layout (20x16, 40x8): walked by scans at 20x16 to an issue at the proposal
and an over-issue that a supervisor approves, its main states photographed at both sizes in both languages."""

from __future__ import annotations

from console.screens.issue import IssueScreen
from tests import helpers
from tests.console import production_steps as ps
from tests.console import test_issue as ti
from tests.console.compact_steps import RF, shots
from tests.console.steps import scan, wait_until

plant = ps.plant  # fixture


async def test_issue_at_rf_size(db, make_app, plant, system, snapshot):
    ti._picked(db, helpers.actor(db, "C001"))
    helpers.put_stock(db, system, "SCR-1", None, "LS-L1", 10)  # spare screws at the line
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await ps.open_flow(pilot, "4", IssueScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "lot")
        await shots(pilot, snapshot, "lot")
        await ps.step(pilot, "IC-A", lambda: screen.step == "qty")
        await shots(pilot, snapshot, "qty")
        await ps.step(pilot, "", lambda: screen.step == "lot" and screen.message.text.startswith("Issued"))
        await shots(pilot, snapshot, "issued")
        assert ti._issued(db) == 120
        await ps.step(pilot, "SCR-1", lambda: screen.step == "qty")
        await ps.refused(pilot, "405")
        await pilot.press("f2")  # the refused 405 goes out again with a supervisor's approval
        await wait_until(pilot, lambda: screen.step == "approver")
        await shots(pilot, snapshot, "approval")
        await ps.step(pilot, "S001", lambda: screen.step == "approver_pin")
        await ps.step(pilot, "9876", lambda: screen.step == "approval_reason")
        await scan(pilot, "2")
        await wait_until(pilot, lambda: screen.step == "lot" and screen.message.text.startswith("Issued 405"))
        assert ti._issued(db) == 525
