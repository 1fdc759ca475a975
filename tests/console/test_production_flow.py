"""Pick -> issue -> output by scans alone: the database after each posting and what the screens show."""

from __future__ import annotations

from console.screens.home import HomeScreen
from console.screens.issue import IssueScreen
from console.screens.output import OutputScreen
from console.screens.picking import PickingScreen
from tests import helpers
from tests.console import production_steps as ps
from tests.console.conftest import SIZE
from tests.console.steps import scan, table_rows, text_of, wait_until

plant = ps.plant


async def test_pick_issue_output_by_scans(db, make_app, plant):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        assert "Task 1/3" in text_of(app, "#detail") and "A-01" in text_of(app, "#detail")
        assert [r[1:5] for r in table_rows(app)] == [["A-01", "IC-1", "IC-A", "120"], ["A-02", "IC-1", "IC-B", "80"],
                                                     ["A-02", "SCR-1", "", "400"]]
        for location, material, step in (("A-01", "IC-A", "lot"), ("A-02", "IC-B", "lot"),
                                         ("A-02", "09501101530003", "item")):  # SCR-1 is untracked: its GTIN
            await ps.step(pilot, location, lambda step=step: screen.step == step)
            await ps.step(pilot, material, lambda: screen.step == "qty")
            assert text_of(app, "#prompt").startswith("Quantity picked (Enter = ")
            await scan(pilot, "")  # Enter accepts the proposed quantity
        assert screen.step == "drop" and "line L1" in text_of(app, "#prompt")
        assert ps.line_side(db) == []  # nothing moves before the drop
        await ps.step(pilot, "LS-L1", lambda: screen.step == "wo")
        assert not screen.message.is_error
        assert text_of(app, "MessageLine") == "Posted: 3 lines of WO-1 to LS-L1"
        assert ps.line_side(db) == [("IC-1", "IC-A", 120, 120), ("IC-1", "IC-B", 80, 80), ("SCR-1", None, 400, 400)]
        assert helpers.scalar(db, "SELECT count(*) FROM pick_task WHERE status = 'picked'") == 3

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await scan(pilot, "WO-1")  # a work order scanned on the home screen opens Issue
        await wait_until(pilot, lambda: isinstance(app.screen, IssueScreen) and app.screen.step == "lot")
        screen = app.screen
        assert "WO-1" in text_of(app, "#detail")
        for material, qty in (("IC-A", "120"), ("IC-B", "80"), ("SCR-1", "400")):
            await ps.step(pilot, material, lambda: screen.step == "qty")
            assert text_of(app, "#prompt") == f"Quantity to issue (Enter = {qty})"
            await ps.step(pilot, "", lambda: screen.step == "lot" and screen.message.text.startswith("Issued"))
        assert text_of(app, "MessageLine") == "Issued 400 SCR-1 to WO-1: 400 of 400"
        assert helpers.scalar(db, "SELECT sum(qty) FROM wo_issue") == 600
        assert ps.line_side(db) == []
        assert [r[:3] for r in table_rows(app)] == [["IC-1", "200", "200"], ["SCR-1", "400", "400"]]

        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await scan(pilot, "5")
        await wait_until(pilot, lambda: isinstance(app.screen, OutputScreen))
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "good")
        await ps.step(pilot, "60", lambda: screen.step == "scrap")
        await ps.step(pilot, "", lambda: screen.message.text.startswith("Posted"))
        assert screen.step == "good"  # the same work order takes the next output
        assert text_of(app, "MessageLine") == "Posted: 60 good, 0 scrap; lot WO-1-01   Label printed"
        assert (plant["labels"] / "PCBA-1_WO-1-01.zpl").exists()
        await ps.step(pilot, "38", lambda: screen.step == "scrap")
        await ps.step(pilot, "2", lambda: screen.step == "wo")  # 60 + 38 + 2 scrap: complete, back to the order step
        assert helpers.rows(db, "SELECT status, qty_completed, qty_scrapped FROM work_order") == [
            ("completed", 98, 2)]
        assert [r[0] for r in helpers.rows(db, "SELECT lot_no FROM lot WHERE work_order_id IS NOT NULL"
                                               " ORDER BY 1")] == ["WO-1-01", "WO-1-02"]
        assert helpers.scalar(db, "SELECT count(*) FROM genealogy") == 4
