"""Batch picking (`3`, then F6 or `+` at the first location) by scans: two orders of line L1 in one walk, a wrong
scan at the batch step refused and writing nothing, a short merged line re-planning only the order that got less;
snapshots of the batch states at 80x24 in en and zh_CN."""

from __future__ import annotations

import pytest

from console.screens.picking import PickingScreen
from core.services import workorders
from tests import helpers
from tests.console import production_steps as ps
from tests.console.conftest import SIZE
from tests.console.steps import hints_fit, scan, table_rows, text_of, wait_until

LANGS = ["en", "zh_CN"]
plant = ps.plant


@pytest.fixture
def batch_plant(db, plant):
    """The plant's WO-1 (100 PCBA, due 2030-01-10) and WO-2 (10 PCBA, due later) of line L1, WO-9 of line L2:
    WO-1 and WO-2 both need IC-B and screws at A-02."""
    supervisor = helpers.actor(db, "S001")
    helpers.exec_sql(db, "INSERT INTO location (warehouse_id, code, kind, pick_sequence, line)"
                         " SELECT warehouse_id, 'LS-L2', 'line_side', 91, 'L2' FROM location WHERE code = 'LS-L1'")
    helpers.add_work_order(db, "WO-2", "PCBA-1", 10, due="2030-01-20")
    helpers.add_work_order(db, "WO-9", "PCBA-1", 1, line="L2")
    for wo in ("WO-2", "WO-9"):
        workorders.release(db, supervisor, wo)
    return plant


def _writes(db) -> int:
    return helpers.scalar(db, "SELECT count(*) FROM movement") + helpers.scalar(db, "SELECT count(*) FROM operation")


def _claimed(db) -> list[tuple]:
    return [tuple(r) for r in helpers.rows(
        db, "SELECT DISTINCT w.wo_number FROM pick_task t JOIN work_order w ON w.id = t.work_order_id"
            " WHERE t.claimed_by IS NOT NULL ORDER BY 1")]


def _reserved_at_line(db) -> list[tuple]:
    return [tuple(r) for r in helpers.rows(
        db, "SELECT w.wo_number, i.sku, lt.lot_no, r.qty FROM reservation r JOIN work_order w"
            " ON w.id = r.work_order_id JOIN location l ON l.id = r.location_id JOIN item i ON i.id = r.item_id"
            " LEFT JOIN lot lt ON lt.id = r.lot_id WHERE l.code = 'LS-L1' ORDER BY 1, 2, 3")]


async def _first(pilot) -> None:
    await ps.open_flow(pilot, "3", PickingScreen)
    screen = pilot.app.screen
    await ps.step(pilot, "WO-1", lambda: screen.step == "location")


async def _batch(pilot) -> None:
    await _first(pilot)
    await pilot.press("f6")
    await wait_until(pilot, lambda: pilot.app.screen.step == "batch")


async def _joined(pilot) -> None:
    await _batch(pilot)
    screen = pilot.app.screen
    await ps.step(pilot, "WO-2", lambda: len(screen.orders) == 2)


async def _refused(pilot) -> None:
    await _joined(pilot)
    await ps.refused(pilot, "WO-9")


async def _walk(pilot) -> None:
    await _joined(pilot)
    screen = pilot.app.screen
    await ps.step(pilot, "", lambda: screen.step == "location")
    await ps.step(pilot, "A-01", lambda: screen.step == "lot")
    await ps.step(pilot, "IC-A", lambda: screen.step == "qty")
    await ps.step(pilot, "", lambda: screen.step == "location" and screen.i == 1)


async def test_two_orders_in_one_walk_by_scans(db, make_app, batch_plant):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _first(pilot)
        screen = app.screen
        assert "F6  Add order" in text_of(app, "KeyHints") and hints_fit(app)
        await scan(pilot, "+")  # the printed `+` barcode does what F6 does
        await wait_until(pilot, lambda: screen.step == "batch")
        assert text_of(app, "#prompt") == "Scan another work order of line L1, or Enter to start"
        assert "F6" not in text_of(app, "KeyHints")
        before = _writes(db)
        assert await ps.refused(pilot, "WO-9") == "WO-9 is for line L2, not L1: a batch is one line"
        assert await ps.refused(pilot, "WO-1") == "WO-1 is already in the batch"
        assert await ps.refused(pilot, "A-01") == "Not a work order: A-01"
        assert screen.step == "batch" and screen.orders == ("WO-1",) and _writes(db) == before
        assert _claimed(db) == [("WO-1",)]
        await ps.step(pilot, "WO-2", lambda: len(screen.orders) == 2)
        assert text_of(app, "MessageLine") == "WO-2 added: 3 lines to pick"
        assert "WO-1" in text_of(app, "#detail") and "WO-2" in text_of(app, "#detail")
        assert [r[1:5] for r in table_rows(app)] == [["A-01", "IC-1", "IC-A", "120"], ["A-02", "IC-1", "IC-B", "100"],
                                                     ["A-02", "SCR-1", "", "440"]]
        await ps.step(pilot, "", lambda: screen.step == "location")
        assert "WO-1 + WO-2" in text_of(app, "#detail") and "F6" not in text_of(app, "KeyHints")
        await ps.step(pilot, "A-01", lambda: screen.step == "lot")
        await ps.step(pilot, "IC-A", lambda: screen.step == "qty")
        await ps.step(pilot, "", lambda: screen.step == "location")
        assert "For WO-1 80 · WO-2 20" in text_of(app, "#detail")
        await ps.step(pilot, "A-02", lambda: screen.step == "lot")
        await ps.step(pilot, "IC-B", lambda: screen.step == "qty")
        assert text_of(app, "#prompt") == "Quantity picked (Enter = 100)"
        await pilot.press(*"90", "f2")  # 90 of the 100 are there: WO-1 (due first) gets its 80, WO-2 10 of 20
        await wait_until(pilot, lambda: screen.step == "reason")
        await ps.step(pilot, "1", lambda: screen.step == "location")
        await ps.step(pilot, "A-02", lambda: screen.step == "item")
        await ps.step(pilot, "SCR-1", lambda: screen.step == "qty")
        await ps.step(pilot, "", lambda: screen.step == "drop")
        assert await ps.refused(pilot, "A-01") == "Drop at the line side of L1, not A-01"
        assert _writes(db) == before
        await ps.step(pilot, "LS-L1", lambda: screen.message.text.startswith("Posted"))
        assert text_of(app, "MessageLine") == "Posted: 5 lines of WO-1, WO-2 to LS-L1"
        assert _reserved_at_line(db) == [("WO-1", "IC-1", "IC-A", 120), ("WO-1", "IC-1", "IC-B", 80),
                                         ("WO-1", "SCR-1", None, 400), ("WO-2", "IC-1", "IC-B", 10),
                                         ("WO-2", "SCR-1", None, 40)]
        # only WO-2 got less: its missing 10 are re-planned, and it is picked on, alone
        await wait_until(pilot, lambda: screen.step == "location" and screen.wo == "WO-2" and not screen.orders)
        assert [r[2:5] for r in table_rows(app)] == [["IC-1", "IC-B", "10"]]
        assert helpers.rows(db, "SELECT w.wo_number, t.status, count(*) FROM pick_task t JOIN work_order w"
                                " ON w.id = t.work_order_id WHERE w.wo_number IN ('WO-1', 'WO-2')"
                                " GROUP BY 1, 2 ORDER BY 1, 2") == [("WO-1", "picked", 3), ("WO-2", "open", 1),
                                                                    ("WO-2", "picked", 1), ("WO-2", "short", 1)]


async def test_escape_from_the_batch_gives_every_order_back(db, make_app, batch_plant):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _joined(pilot)
        screen = app.screen
        await ps.step(pilot, "", lambda: screen.step == "location")
        await pilot.press("escape")  # the first walk line's location: back to the batch, both still held
        await wait_until(pilot, lambda: screen.step == "batch")
        assert screen.orders == ("WO-1", "WO-2") and _claimed(db) == [("WO-1",), ("WO-2",)]
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.step == "wo" and _claimed(db) == [])
        assert table_rows(app) == []
        assert text_of(app, "#prompt") == "Scan the work order to pick (Enter = next replenishment)"


async def test_enter_with_no_other_order_picks_the_first_alone(db, make_app, batch_plant):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _batch(pilot)
        screen = app.screen
        await ps.step(pilot, "", lambda: screen.step == "location")
        assert screen.orders == () and screen.wo == "WO-1" and "F6  Add order" in text_of(app, "KeyHints")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", [_first, _batch, _joined, _refused, _walk],
                         ids=["first", "batch", "joined", "refused", "walk"])
def test_batch_snapshots(snap_compare, make_app, batch_plant, lang, state):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=state)
