"""Return to stock (`r`) by scans: lot -> quantity -> reason -> the suggested location -> posted; a wrong scan at
each step is one red line and writes nothing."""

from __future__ import annotations

import pytest

from console.screens.returns import ReturnScreen
from core.services import picking
from tests import helpers
from tests.console import production_steps as ps
from tests.console.conftest import SIZE
from tests.console.steps import text_of, wait_until

plant = ps.plant


def _movements(db) -> int:
    return helpers.scalar(db, "SELECT count(*) FROM movement")


async def test_return_by_scans_with_a_wrong_scan_at_each_step(db, make_app, plant, system):
    clerk = helpers.actor(db, "C001")
    tasks = picking.claim(db, clerk, "WO-1")
    picking.post_picks(db, clerk, key="pk", wo_number="WO-1", drop_location="LS-L1",
                       lines=[picking.PickLine(t.id, t.qty, t.lot) for t in tasks])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "r", ReturnScreen)
        screen = app.screen
        before = _movements(db)
        assert await ps.refused(pilot, "NOPE-9") != ""
        assert screen.step == "lot"
        await ps.step(pilot, "SCR-1", lambda: screen.step == "qty")
        assert text_of(app, "#prompt") == "Quantity returned (Enter = 400)"
        assert await ps.refused(pilot, "401") == "Only 400 of SCR-1 at the line side"
        await ps.step(pilot, "30", lambda: screen.step == "reason")
        assert await ps.refused(pilot, "99") != "" and screen.step == "reason"
        await ps.step(pilot, "5", lambda: screen.step == "location")  # damaged
        assert "QA" in text_of(app, "#prompt")
        assert await ps.refused(pilot, "A-01") == "Wrong location A-01: return it to QA"
        assert _movements(db) == before and screen.step == "location"
        await ps.step(pilot, "QA", lambda: screen.step == "lot" and not screen.message.is_error
                      and screen.message.text.startswith("Returned"))
        assert text_of(app, "MessageLine") == "Returned 30 of SCR-1 to QA"
        assert helpers.scalar(db, "SELECT qty FROM stock_balance b JOIN location l ON l.id = b.location_id"
                                  " WHERE l.code = 'QA' AND b.status = 'blocked'") == 30


STATES = {"lot": [], "qty": ["SCR-1"], "reason": ["SCR-1", "30"], "location": ["SCR-1", "30", "5"]}


@pytest.fixture
def at_line(db, plant, system):
    helpers.put_stock(db, system, "SCR-1", None, "LS-L1", 40)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("state", list(STATES))
def test_return_step_snapshots(snap_compare, make_app, at_line, lang, state):
    async def run_before(pilot) -> None:
        await ps.open_flow(pilot, "r", ReturnScreen)
        order = list(STATES)
        for i, value in enumerate(STATES[state]):
            await ps.step(pilot, value, lambda i=i: pilot.app.screen.step == order[i + 1])
        await wait_until(pilot, lambda: pilot.app.screen.step == state)

    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=run_before)
