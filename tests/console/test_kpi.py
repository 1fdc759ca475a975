"""KPIs (`k`): the figures are the JSON's figures, the chart is the per-day query; chosen by keys."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from console.screens import kpi as kpi_screen
from console.screens.kpi import KpiScreen, value_text
from core.services import kpi
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.steps import scan, screen_lines, sign_in, text_of, wait_until

UNTIL = date(2026, 11, 20)


def completed_work_orders(db) -> None:
    """Twelve work orders completed across the 30 days up to UNTIL; every third one after its due date."""
    helpers.production_site(db)
    for n in range(12):
        done = UNTIL - timedelta(days=2 * n)
        due = done - timedelta(days=1) if n % 3 == 0 else done + timedelta(days=2)
        helpers.add_work_order(db, f"WO-{n:02}", "PCBA-1", 10, due=due.isoformat())
        helpers.exec_sql(db, "UPDATE work_order SET status = 'completed', completed_at = :at WHERE wo_number = :w",
                         at=f"{done.isoformat()} 12:00+00", w=f"WO-{n:02}")


@pytest.fixture
def history(db, monkeypatch):
    completed_work_orders(db)
    helpers.make_operator(db, "S001", ["supervisor"])
    monkeypatch.setattr(kpi_screen, "today", lambda: UNTIL)


async def open_kpi(pilot) -> KpiScreen:
    await sign_in(pilot, "S001")
    await scan(pilot, "k")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, KpiScreen) and pilot.app.screen.figures)
    return pilot.app.screen


async def test_figures_and_trend_come_from_the_kpi_queries(db, make_app, history, supervisor):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpi(pilot)
        since = UNTIL - timedelta(days=29)
        assert screen.figures == kpi.kpis(db, supervisor, since, UNTIL)  # what `lineside kpi --json` prints
        assert screen.figures.on_time_delivery == 0.6667
        shown = text_of(app, "#figures")
        assert "On-time delivery" in shown and value_text(0.6667, "pct") == "67%" and "67%" in shown
        assert screen.trend == kpi.trend(db, supervisor, since, UNTIL)
        assert "2026-10-22 – 2026-11-20" in text_of(app, "#period")
        await scan(pilot, "3")
        assert screen.selected == 2
        await pilot.press("down")
        assert screen.selected == 3
        await scan(pilot, "8")
        assert screen.message.is_error and text_of(app, "MessageLine") == "No figure 8"


async def test_a_clerk_has_no_kpi_entry(db, make_app, history):
    helpers.make_operator(db, "C001", ["clerk"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "C001")
        assert "KPIs" not in text_of(app, "#menu")
        await scan(pilot, "k")
        assert app.screen.message.is_error and app.open_alerts is None  # no live alert feed for clerks either


async def test_the_turnover_chart_ends_on_the_headline_figure(db, make_app, system, supervisor, monkeypatch):
    from decimal import Decimal

    from core.services.ledger import Leg, post_moves

    ids = helpers.production_site(db)
    helpers.make_operator(db, "S001", ["supervisor"])
    helpers.exec_sql(db, "UPDATE item SET unit_cost = 2 WHERE sku = 'IC-1'")
    post_moves(db, system, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(100), to_location_id=ids["A-01"],
                                           to_status="available")], key="r")
    post_moves(db, system, "issue", [Leg(ids["IC"], ids["LOT1"], Decimal(50), from_location_id=ids["A-01"],
                                         from_status="available")], key="i")
    monkeypatch.setattr(kpi_screen, "today", date.today)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpi(pilot)
        headline = screen.figures.inventory_turnover
        assert headline == 30.0 and "30.00" in text_of(app, "#figures")
        assert screen.selected == 0  # the turnover is charted
        charted = [p.inventory_turnover for p in screen.trend]
        assert charted[-1] == headline  # the chart's last point is the headline, not one day's 1.0
        assert "Inventory turnover, rolling 30 days" in "\n".join(screen_lines(app))
