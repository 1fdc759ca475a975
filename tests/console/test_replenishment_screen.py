"""Picking's line replenishment by scans: Enter alone at the work-order step takes the next task (line-stock
min/max), then location -> lot (or SKU) -> quantity -> the task's line-side drop; a wrong scan at each step is
one red line and writes nothing; the drop closes the task. Snapshots at 80x24 in en and zh_CN."""

from __future__ import annotations

import pytest

from console.screens.picking import PickingScreen
from tests import helpers
from tests.console import production_steps as ps
from tests.console.conftest import SIZE
from tests.console.steps import scan, text_of, wait_until

plant = ps.plant


@pytest.fixture
def low_line(db, plant):
    """LS-L1 keeps 10..50 SCR-1 (none there: a task of 50 from A-02) and 100..200 IC-1 (a task from IC-B)."""
    helpers.exec_sql(db, "INSERT INTO line_stock (location_id, item_id, min_qty, max_qty) VALUES"
                         " (:l, :s, 10, 50), (:l, :ic, 100, 200)", l=plant["LS-L1"], s=plant["SCREW"], ic=plant["IC"])
    helpers.exec_sql(db, "SELECT replenishment_evaluate(ARRAY[CAST(:l AS bigint)], ARRAY[CAST(:s AS bigint)])",
                     l=plant["LS-L1"], s=plant["SCREW"])
    helpers.exec_sql(db, "SELECT replenishment_evaluate(ARRAY[CAST(:l AS bigint)], ARRAY[CAST(:s AS bigint)])",
                     l=plant["LS-L1"], s=plant["IC"])


def _movements(db) -> int:
    return helpers.scalar(db, "SELECT count(*) FROM movement")


def _status(db) -> list[tuple]:
    return [tuple(r) for r in helpers.rows(db, "SELECT i.sku, r.status FROM replenishment_task r"
                                               " JOIN item i ON i.id = r.item_id ORDER BY r.id")]


async def test_enter_alone_takes_the_next_replenishment_and_posts_it_by_scans(db, make_app, low_line):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        before = _movements(db)
        await ps.step(pilot, "", lambda: screen.step == "location")  # Enter alone: the oldest task, SCR-1
        assert text_of(app, "#prompt") == "Go to A-02 and scan the location"
        assert await ps.refused(pilot, "A-01") == "Wrong location A-01: go to A-02"
        await ps.step(pilot, "A-02", lambda: screen.step == "item")
        assert await ps.refused(pilot, "IC-1") == "Wrong item IC-1: pick SCR-1"
        await ps.step(pilot, "SCR-1", lambda: screen.step == "qty")
        assert text_of(app, "#prompt") == "Quantity picked (Enter = 50)"
        assert await ps.refused(pilot, "51") == "Pick at most 50"
        await ps.step(pilot, "", lambda: screen.step == "drop")
        assert await ps.refused(pilot, "A-01") == "Drop at LS-L1, not A-01"
        assert _movements(db) == before and screen.step == "drop"
        await ps.step(pilot, "LS-L1", lambda: screen.step == "wo" and not screen.message.is_error
                      and screen.message.text.startswith("Replenished"))
        assert text_of(app, "MessageLine") == "Replenished LS-L1: 50 SCR-1 from A-02"
        assert _status(db) == [("SCR-1", "done"), ("IC-1", "open")]
        assert ps.line_side(db)[-1][:3] == ("SCR-1", None, 50)

        await ps.step(pilot, "", lambda: screen.step == "location")  # the next: IC-1, FEFO's free lot IC-B
        assert text_of(app, "#prompt") == "Go to A-02 and scan the location"
        await ps.step(pilot, "A-02", lambda: screen.step == "lot")
        assert await ps.refused(pilot, "IC-A") != ""  # reserved for WO-1 at A-01: not this task's
        await ps.step(pilot, "IC-B", lambda: screen.step == "qty")
        await scan(pilot, "")
        await wait_until(pilot, lambda: screen.step == "drop")
        await ps.step(pilot, "LS-L1", lambda: screen.step == "wo" and not screen.message.is_error
                      and screen.message.text.startswith("Replenished"))
        assert _status(db) == [("SCR-1", "done"), ("IC-1", "done")]
        assert await ps.refused(pilot, "") == "No replenishment task is open"


async def test_esc_gives_the_task_back(db, make_app, low_line):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        await ps.step(pilot, "", lambda: app.screen.step == "location")
        assert helpers.scalar(db, "SELECT count(*) FROM replenishment_task WHERE claimed_by IS NOT NULL") == 1
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen.step == "wo")
        await wait_until(pilot, lambda: helpers.scalar(
            db, "SELECT count(*) FROM replenishment_task WHERE claimed_by IS NOT NULL") == 0)


STATES = {"location": [""], "item": ["", "A-02"], "qty": ["", "A-02", "SCR-1"], "drop": ["", "A-02", "SCR-1", ""]}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("state", [*STATES, "none_open"])
def test_replenishment_step_snapshots(snap_compare, make_app, db, plant, low_line, lang, state):
    if state == "none_open":
        helpers.exec_sql(db, "UPDATE replenishment_task SET status = 'cancelled'")

    async def run_before(pilot) -> None:
        await ps.open_flow(pilot, "3", PickingScreen)
        if state == "none_open":
            await ps.refused(pilot, "")
            return
        order = list(STATES)
        for i, value in enumerate(STATES[state]):
            await ps.step(pilot, value, lambda i=i: pilot.app.screen.step == order[i])
        await wait_until(pilot, lambda: pilot.app.screen.step == state)

    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_closing_an_order_with_material_left_snapshot(snap_compare, make_app, db, plant, system, lang):
    from console.screens.workorders import WorkOrdersScreen

    helpers.put_stock(db, system, "SCR-1", None, "LS-L1", 7)

    async def run_before(pilot) -> None:
        await ps.open_flow(pilot, "w", WorkOrdersScreen, badge="S001", pin="9876")
        await ps.step(pilot, "WO-1", lambda: pilot.app.screen.step == "detail")
        await pilot.press("f7")
        await wait_until(pilot, lambda: pilot.app.screen.step == "confirm")
        await scan(pilot, "")
        await wait_until(pilot, lambda: "SCR-1" in pilot.app.screen.message.text)

    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=run_before)
