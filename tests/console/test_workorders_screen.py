"""Work orders & kitting (`w`): the board by due date, the drill-down, F5 release, F6 cancel with confirmation."""

from __future__ import annotations

import pytest

from console.screens.workorders import WorkOrdersScreen
from tests import helpers
from tests.console import production_steps as ps
from tests.console.conftest import SIZE
from tests.console.steps import cut_columns, hints_fit, scan, sign_in, table_rows, text_of, wait_until

plant = ps.plant


def _state(db, wo: str) -> str:
    return helpers.scalar(db, "SELECT status FROM work_order WHERE wo_number = :w", w=wo)


async def test_board_drill_down_release_and_cancel(db, make_app, plant):
    helpers.add_work_order(db, "WO-2", "PCBA-1", 50, due="2030-01-05")
    helpers.add_work_order(db, "WO-3", "PCBA-1", 1000, due="2030-01-20")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "w", WorkOrdersScreen, badge="S001", pin="9876")
        screen = app.screen
        await wait_until(pilot, lambda: len(table_rows(app)) == 3)
        assert [[r[0], r[5], r[6]] for r in table_rows(app)] == [
            ["WO-2", "planned", "kittable"], ["WO-1", "released", "kitted"], ["WO-3", "planned", "short"]]
        assert "3 open   can run: 2   short: 1" in text_of(app, "#detail")
        await ps.step(pilot, "WO-3", lambda: screen.step == "detail")
        assert table_rows(app) == [["IC-1", "2000", "0", "0", "220", "1780"],
                                   ["SCR-1", "4000", "0", "0", "600", "3400"]]
        assert "short" in text_of(app, "#detail")
        await pilot.press("f6")  # cancel asks first
        await wait_until(pilot, lambda: screen.step == "confirm")
        assert text_of(app, "#prompt") == "Cancel WO-3? Enter to confirm, Esc to keep it"
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.step == "detail")
        assert _state(db, "WO-3") == "planned"
        await pilot.press("f6")
        await wait_until(pilot, lambda: screen.step == "confirm")
        await ps.step(pilot, "", lambda: screen.message.text == "WO-3: cancelled")
        assert _state(db, "WO-3") == "cancelled"
        await pilot.press("escape")  # back to the board, where WO-3 is gone
        await wait_until(pilot, lambda: screen.step == "list" and len(table_rows(app)) == 2)
        await pilot.press("f5")  # release the highlighted row: WO-2, the first due
        await wait_until(pilot, lambda: screen.message.text.startswith("WO-2: released"))
        assert _state(db, "WO-2") == "released"
        await wait_until(pilot, lambda: table_rows(app)[0][5:] == ["released", "kitted"])
        await pilot.press("f5")  # releasing it again is refused, nothing changes
        await wait_until(pilot, lambda: screen.message.is_error)
        assert text_of(app, "MessageLine") == "Work order WO-2 is released, not planned"
        await pilot.press("down")
        await scan(pilot, "")  # Enter on the highlighted row opens it
        await wait_until(pilot, lambda: screen.step == "detail" and screen.order.wo_number == "WO-1")


async def test_a_clerk_is_not_offered_the_board(db, make_app, plant):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        assert "Work orders" not in text_of(app, "#menu") and "Picking" in text_of(app, "#menu")
        assert await ps.refused(pilot, "w") == "No menu entry w"


@pytest.mark.parametrize("size", [SIZE, (120, 30)])
async def test_columns_and_keys_fit_after_returning_to_the_board(db, make_app, plant, size):
    """Issue #12 item 15: after opening a work order and Esc the board's columns were cut to their headers
    ("PCB 400 202 L1 relea"), and the key line left out F10. Both fit, at 80 and 120 columns."""
    helpers.add_work_order(db, "WO-2", "PCBA-1", 50, due="2030-01-05")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await ps.open_flow(pilot, "w", WorkOrdersScreen, badge="S001", pin="9876")
        screen = app.screen
        await wait_until(pilot, lambda: len(table_rows(app)) == 2)
        assert cut_columns(app) == [] and hints_fit(app)
        await ps.step(pilot, "WO-2", lambda: screen.step == "detail")
        await pilot.pause()
        assert cut_columns(app) == [] and hints_fit(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.step == "list" and len(table_rows(app)) == 2)
        await pilot.pause()
        assert table_rows(app)[0][:3] == ["WO-2", "PCBA-1", "50"]
        assert cut_columns(app) == [] and hints_fit(app)


async def test_closing_shows_what_to_return_from_the_line(db, make_app, plant, system):
    helpers.put_stock(db, system, "SCR-1", None, "LS-L1", 7)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "w", WorkOrdersScreen, badge="S001", pin="9876")
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "detail")
        await pilot.press("f7")  # close asks first
        await wait_until(pilot, lambda: screen.step == "confirm")
        await ps.step(pilot, "", lambda: screen.message.text.startswith("WO-1: closed"))
        assert text_of(app, "MessageLine") == "WO-1: closed  to return: 7 SCR-1 at LS-L1"
        assert _state(db, "WO-1") == "closed"
