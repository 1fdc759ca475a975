"""80x24 snapshots of the Alerts and KPI screens in English and Chinese (clock and times pinned)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from console.app import LinesideApp
from console.screens import alert_views
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.steps import scan, sign_in, wait_until
from tests.console.test_kpi import open_kpi, shop_floor_history

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def alert_site(db, system, monkeypatch, utc):
    """Three open alerts raised at fixed times, one acknowledged."""
    ids = helpers.production_site(db)
    helpers.make_operator(db, "S001", ["supervisor"])
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.exec_sql(db, "UPDATE item SET safety_stock = 100 WHERE sku = 'IC-1'")
    helpers.add_work_order(db, "WO-7", "PCBA-1", 40, due="2026-11-21")
    helpers.exec_sql(db, "UPDATE alert_rule SET threshold = 100000 WHERE rule = 'shortage'")  # any due date
    from core.services import alerts

    alerts.evaluate_all(db)
    helpers.exec_sql(db, "UPDATE alert SET raised_at = CAST(:t AS timestamptz) - (id * interval '5 hours')",
                     t=NOW.isoformat())
    helpers.exec_sql(db, "UPDATE alert SET acknowledged_by = (SELECT id FROM operator WHERE badge = 'S001'),"
                         " acknowledged_at = :t, ack_comment = 'PO placed' WHERE rule = 'below_safety_stock'",
                     t=NOW)
    monkeypatch.setattr(alert_views, "now", lambda: NOW)
    return ids


def _app(services, lang: str) -> LinesideApp:
    return LinesideApp(services, lang=lang)


async def _alerts_list(pilot) -> None:
    await sign_in(pilot, "S001")
    await scan(pilot, "a")
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "rows", None))


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_alerts_list(snap_compare, services, alert_site, lang):
    assert snap_compare(_app(services, lang), terminal_size=SIZE, run_before=_alerts_list)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_alert_detail_with_kit(snap_compare, services, alert_site, lang):
    async def run_before(pilot):
        await _alerts_list(pilot)
        shortage = next(a for a in pilot.app.screen.rows if a.rule == "shortage" and a.sku == "IC-1")
        await scan(pilot, str(shortage.id))
        await scan(pilot, "2")  # the Work orders screen (`w`) opens on the short work order
        await wait_until(pilot, lambda: pilot.app.screen.step == "detail" and pilot.app.screen.order)

    assert snap_compare(_app(services, lang), terminal_size=SIZE, run_before=run_before)


@pytest.fixture
def kpi_history(db, system, tmp_path, monkeypatch):
    """test_kpi's shop-floor history (work orders, operations, downtime at fixed times), the screen's day pinned."""
    from console.screens import kpi as kpi_screen
    from tests.console.test_kpi import UNTIL

    shop_floor_history(db, system, tmp_path)
    helpers.make_operator(db, "S001", ["supervisor"])
    monkeypatch.setattr(kpi_screen, "today", lambda: UNTIL)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_kpi_screen(snap_compare, services, kpi_history, lang):
    async def run_before(pilot):
        await open_kpi(pilot)
        await scan(pilot, "3")  # chart on-time delivery

    assert snap_compare(_app(services, lang), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_kpi_screen_oee_chart(snap_compare, services, kpi_history, lang):
    async def run_before(pilot):
        await open_kpi(pilot)
        await scan(pilot, "10")  # chart SMT-1's OEE

    assert snap_compare(_app(services, lang), terminal_size=SIZE, run_before=run_before)
