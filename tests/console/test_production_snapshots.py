"""80x24 snapshots of the production screens' main steps, in English and Chinese.

Fixed site data (tests.console.production_steps.plant), no clock on screen, headless cursor. Regenerate with
`--snapshot-update`, then look at the SVGs before committing them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from console.screens.issue import IssueScreen
from console.screens.output import OutputScreen
from console.screens.picking import PickingScreen
from console.screens.workorders import WorkOrdersScreen
from core.services import issuing, picking
from tests import helpers
from tests.console import production_steps as ps
from tests.console.conftest import SIZE
from tests.console.steps import table_rows, wait_until

LANGS = ["en", "zh_CN"]
plant = ps.plant


@pytest.fixture
def picked(db, plant):
    clerk = helpers.actor(db, "C001")
    tasks = picking.claim(db, clerk, "WO-1")
    picking.post_picks(db, clerk, key="pk", wo_number="WO-1", drop_location="LS-L1",
                       lines=[picking.PickLine(t.id, t.qty, t.lot) for t in tasks])
    issuing.issue(db, clerk, key="i1", wo_number="WO-1", lot="IC-A", qty=Decimal(120))
    helpers.exec_sql(db, "UPDATE pick_task SET claimed_by = NULL")
    return plant


async def _pick_qty(pilot) -> None:
    await ps.open_flow(pilot, "3", PickingScreen)
    screen = pilot.app.screen
    await ps.step(pilot, "WO-1", lambda: screen.step == "location")
    await ps.step(pilot, "A-01", lambda: screen.step == "lot")
    await ps.step(pilot, "IC-A", lambda: screen.step == "qty")


async def _pick_short_reason(pilot) -> None:
    await _pick_qty(pilot)
    await pilot.press(*"100", "f2")
    await wait_until(pilot, lambda: pilot.app.screen.step == "reason")


async def _issue_qty(pilot) -> None:
    await ps.open_flow(pilot, "4", IssueScreen)
    screen = pilot.app.screen
    await ps.step(pilot, "WO-1", lambda: screen.step == "lot")
    await ps.step(pilot, "IC-B", lambda: screen.step == "qty")


async def _issue_refused(pilot) -> None:
    await _issue_qty(pilot)
    await ps.refused(pilot, "90")


async def _output_posted(pilot) -> None:
    await ps.open_flow(pilot, "5", OutputScreen)
    screen = pilot.app.screen
    await ps.step(pilot, "WO-1", lambda: screen.step == "good")
    await ps.step(pilot, "60", lambda: screen.step == "scrap")
    await ps.step(pilot, "2", lambda: screen.message.text.startswith(("Posted", "已过账")))
    await wait_until(pilot, lambda: screen.step == "good")


async def _board(pilot) -> None:
    helpers.add_work_order(pilot.app.services.db, "WO-2", "PCBA-1", 50, due="2030-01-05")
    helpers.add_work_order(pilot.app.services.db, "WO-3", "PCBA-1", 1000, due="2030-01-20")
    await ps.open_flow(pilot, "w", WorkOrdersScreen, badge="S001", pin="9876")
    await wait_until(pilot, lambda: len(table_rows(pilot.app)) == 3)


async def _board_detail(pilot) -> None:
    await _board(pilot)
    screen = pilot.app.screen
    await ps.step(pilot, "WO-3", lambda: screen.step == "detail")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", [_pick_qty, _pick_short_reason], ids=["qty", "short_reason"])
def test_picking(snap_compare, make_app, plant, lang, state):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=state)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", [_issue_qty, _issue_refused], ids=["qty", "over_issue"])
def test_issue(snap_compare, make_app, picked, lang, state):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=state)


@pytest.mark.parametrize("lang", LANGS)
def test_output(snap_compare, make_app, picked, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_output_posted)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", [_board, _board_detail], ids=["board", "detail"])
def test_work_orders(snap_compare, make_app, plant, lang, state):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=state)
