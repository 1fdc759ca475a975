"""The schedule on the Work orders screen (`w`, F8): each line's sequence by scans and keys, F4 pins a position
(refused input writes nothing), and snapshots at 80x24 in en and zh_CN with the clock frozen."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from console.screens.workorders import WorkOrdersScreen
from core.services import schedule
from tests import helpers
from tests.console import production_steps as ps
from tests.console.conftest import SIZE
from tests.console.steps import cut_columns, hints_fit, scan, table_rows, text_of, wait_until

plant = ps.plant
LANGS = ["en", "zh_CN"]
NOW = datetime(2030, 1, 2, 6, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    """The schedule's clock at 2030-01-02 06:00 UTC, shown in UTC."""
    monkeypatch.setattr(schedule, "clock", lambda: NOW)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield NOW
    monkeypatch.undo()
    time.tzset()


def _orders(db) -> None:
    """WO-1 (released, kitted, due 01-10), WO-2 (kittable, due 01-05), WO-3 (short, due 01-20)."""
    helpers.add_work_order(db, "WO-2", "PCBA-1", 50, due="2030-01-05")
    helpers.add_work_order(db, "WO-3", "PCBA-1", 1000, due="2030-01-20")


async def _schedule(pilot) -> None:
    _orders(pilot.app.services.db)
    await ps.open_flow(pilot, "w", WorkOrdersScreen, badge="S001", pin="9876")
    await wait_until(pilot, lambda: len(table_rows(pilot.app)) == 3)
    await pilot.press("f8")
    await wait_until(pilot, lambda: pilot.app.screen.step == "schedule" and len(pilot.app.screen.slots) == 3)
    await pilot.pause()


async def _pin_asked(pilot) -> None:
    await _schedule(pilot)
    await pilot.press("down", "down", "f4")
    await wait_until(pilot, lambda: pilot.app.screen.step == "pin")


def _positions(db) -> dict:
    return dict(helpers.rows(db, "SELECT wo_number, schedule_position FROM work_order ORDER BY wo_number"))


async def test_the_schedule_by_keys_and_a_pin(db, make_app, plant, frozen):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _schedule(pilot)
        screen = app.screen
        # a short order is never ahead of one that can run: WO-3 last although WO-1 is due later
        assert [r[:5] + r[6:] for r in table_rows(app)] == [
            ["L1", "1", "WO-2", "2030-01-05", "kittable", ""], ["L1", "2", "WO-1", "2030-01-10", "kitted", ""],
            ["L1", "3", "WO-3", "2030-01-20", "short", ""]]
        assert table_rows(app)[0][5] == "06:00–06:50"  # 50 at the default 60 an hour, from now
        assert table_rows(app)[1][5] == "06:50–08:30"
        assert "lines: 1   orders: 3" in text_of(app, "#detail")
        assert cut_columns(app) == [] and hints_fit(app)
        await pilot.press("down", "down", "f4")
        await wait_until(pilot, lambda: screen.step == "pin")
        assert text_of(app, "#prompt") == "Position of WO-3 in its line (0 unpins it)"
        await scan(pilot, "first")  # not a number: one red line, nothing written, same step
        await wait_until(pilot, lambda: screen.message.is_error)
        assert text_of(app, "MessageLine") == "A position is a whole number (0 unpins): first"
        assert screen.step == "pin" and _positions(db)["WO-3"] is None
        await scan(pilot, "1")
        await wait_until(pilot, lambda: screen.message.text == "WO-3: pinned at 1")
        await wait_until(pilot, lambda: [r[2] for r in table_rows(app)] == ["WO-3", "WO-2", "WO-1"])
        assert screen.step == "schedule" and _positions(db)["WO-3"] == 1
        assert table_rows(app)[0][6] == "1"
        await pilot.press("f4")  # the highlighted row is the first: WO-3 again
        await wait_until(pilot, lambda: screen.step == "pin")
        await scan(pilot, "0")
        await wait_until(pilot, lambda: screen.message.text == "WO-3: unpinned")
        await wait_until(pilot, lambda: [r[2] for r in table_rows(app)] == ["WO-2", "WO-1", "WO-3"])
        assert _positions(db)["WO-3"] is None
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.step == "list")


async def test_stock_put_away_moves_the_short_order_ahead_on_the_next_read(db, system, make_app, plant, frozen):
    helpers.add_work_order(db, "WO-5", "PCBA-1", 1000, due="2030-01-03")  # due first, but short
    helpers.add_work_order(db, "WO-2", "PCBA-1", 50, due="2030-01-05")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "w", WorkOrdersScreen, badge="S001", pin="9876")
        await pilot.press("f8")
        await wait_until(pilot, lambda: len(app.screen.slots) == 3)
        await pilot.pause()
        assert [(r[2], r[4]) for r in table_rows(app)] == [("WO-2", "kittable"), ("WO-1", "kitted"),
                                                          ("WO-5", "short")]
        helpers.put_stock(db, system, "IC-1", "IC-N", "A-01", 2000, expiry="2031-01-01")
        helpers.put_stock(db, system, "SCR-1", None, "A-01", 4000)
        await pilot.press("escape", "f8")  # the schedule is read again: computed from the stock as it is now
        await wait_until(pilot, lambda: app.screen.step == "schedule"
                         and [(r[2], r[4]) for r in table_rows(app)] == [("WO-5", "kittable"), ("WO-2", "kittable"),
                                                                        ("WO-1", "kitted")])


async def test_release_from_the_schedule_reads_it_again(db, make_app, plant, frozen):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _schedule(pilot)
        screen = app.screen
        await pilot.press("f5")  # the highlighted row: WO-2
        await wait_until(pilot, lambda: screen.message.text.startswith("WO-2: released"))
        await wait_until(pilot, lambda: screen.step == "schedule" and table_rows(app)[0][2:5] == [
            "WO-2", "2030-01-05", "kitted"])
        assert helpers.scalar(db, "SELECT status FROM work_order WHERE wo_number = 'WO-2'") == "released"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", [_schedule, _pin_asked], ids=["schedule", "pin"])
def test_schedule_snapshots(snap_compare, make_app, plant, frozen, lang, state):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=state)
