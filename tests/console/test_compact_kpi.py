"""KPIs in the RF-gun layout (20x16, 40x8): no chart, the chosen figure in full and the ones after it a row each,
chosen by number and ↑↓ at 20x16; photographed at both sizes in both languages (the clock pinned)."""

from __future__ import annotations

from datetime import timedelta

from console.screens import kpi as kpi_screen
from core.services import kpi
from tests import helpers
from tests.console.compact_steps import RF, shots
from tests.console.steps import scan, text_of
from tests.console.test_kpi import UNTIL, open_kpi, shop_floor_history


def shown(app) -> str:
    """The compact lines with their padding squeezed out (values stand at the right edge)."""
    return " ".join(text_of(app, "#compact").split())


async def test_kpi_at_rf_size(db, make_app, system, supervisor, tmp_path, monkeypatch, snapshot):
    shop_floor_history(db, system, tmp_path)
    helpers.make_operator(db, "S001", ["supervisor"])
    monkeypatch.setattr(kpi_screen, "today", lambda: UNTIL)
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        screen = await open_kpi(pilot)
        assert screen.figures == kpi.kpis(db, supervisor, UNTIL - timedelta(days=29), UNTIL)
        await shots(pilot, snapshot, "first")
        await scan(pilot, "8")
        assert screen.selected == 7 and "8 Plan attainment 95%" in shown(app)
        await shots(pilot, snapshot, "plan")
        await pilot.press("down", "down")
        assert screen.selected == 9 and "10 OEE SMT-1 73%" in shown(app)
        await shots(pilot, snapshot, "oee")
