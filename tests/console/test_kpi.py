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


def _at(days_before: int, hhmm: str) -> str:
    return f"{(UNTIL - timedelta(days=days_before)).isoformat()} {hhmm}+00"


def _operation(db, wo, op_no, wc, day, start, finish, good, scrap, mpu):
    helpers.exec_sql(db, "INSERT INTO wo_operation (work_order_id, op_no, work_center_id, status, good, scrap,"
                         " started_at, finished_at, minutes_per_unit) SELECT w.id, :n, c.id, 'done', :g, :s,"
                         " CAST(:a AS timestamptz), CAST(:b AS timestamptz), :m FROM work_order w, work_center c"
                         " WHERE w.wo_number = :wo AND c.code = :wc", n=op_no, g=good, s=scrap, a=_at(day, start),
                     b=_at(day, finish), m=mpu, wo=wo, wc=wc)


def _downtime(db, wc, reason, day, start, end, operator):
    helpers.exec_sql(db, "INSERT INTO downtime (work_center_id, reason_id, started_at, ended_at, operator_id,"
                         " terminal) SELECT c.id, r.id, CAST(:a AS timestamptz), CAST(:b AS timestamptz), :op, 'T'"
                         " FROM work_center c, downtime_reason r WHERE c.code = :wc AND r.code = :r",
                     wc=wc, r=reason, a=_at(day, start), b=_at(day, end), op=operator)


def shop_floor_history(db, system, tmp_path) -> None:
    """completed_work_orders, 114 of their 120 made (plan attainment 95%), and three days at SMT-1 and COAT-1.

    SMT-1, 24 days before UNTIL: 2 h open, 40 good at 1.5 min/unit (60 ideal minutes): OEE 50%.
    15 days before: 2 h, 80 good (120 ideal): from then on the 30 days read A 100%, P 75%, Q 100%, OEE 75%.
    2 days before: test_oee's hand-computed day (150 min open, a 20 min break, a 10 min breakdown, 60 good,
    10 scrap, 105 ideal): planned 370, run 360, ideal 285, good 180 of 190 -> A 97%, P 79%, Q 95%, OEE 73%.
    COAT-1, 2 days before: 60 min open, a 15 min no-material stop inside, 40 good at 1 min: 75%, 89%, 100%, 67%.
    """
    from tests.integration.shopfloor_site import load_floor

    completed_work_orders(db)
    helpers.exec_sql(db, "UPDATE work_order SET qty_completed = CASE WHEN wo_number IN ('WO-03', 'WO-06') THEN 7"
                         " ELSE 10 END")
    load_floor(db, system, tmp_path)
    _operation(db, "WO-10", 10, "SMT-1", 24, "08:00", "10:00", 40, 0, "1.5")
    _operation(db, "WO-07", 10, "SMT-1", 15, "08:00", "10:00", 80, 0, "1.5")
    _operation(db, "WO-01", 10, "SMT-1", 2, "08:00", "10:00", 50, 10, "1.5")
    _operation(db, "WO-00", 10, "SMT-1", 2, "09:00", "10:30", 10, 0, "1.5")
    _downtime(db, "SMT-1", "BREAK", 2, "09:00", "09:20", system.operator_id)
    _downtime(db, "SMT-1", "BREAKDOWN", 2, "09:30", "09:40", system.operator_id)
    _operation(db, "WO-01", 20, "COAT-1", 2, "10:00", "11:00", 40, 0, "1")
    _downtime(db, "COAT-1", "NO_MATERIAL", 2, "10:45", "11:15", system.operator_id)


@pytest.fixture
def history(db, monkeypatch):
    completed_work_orders(db)
    helpers.make_operator(db, "S001", ["supervisor"])
    monkeypatch.setattr(kpi_screen, "today", lambda: UNTIL)


def shown_figures(app) -> str:
    """The figures column as plain text, laid out at its width on screen (it holds tables, not one Text)."""
    from rich.console import Console

    widget = app.screen.query_one("#figures")
    console = Console(width=widget.content_size.width, color_system=None, file=None, legacy_windows=False)
    with console.capture() as captured:
        console.print(widget.content)
    return captured.get()


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
        shown = shown_figures(app)
        assert "On-time delivery" in shown and value_text(0.6667, "pct") == "67%" and "67%" in shown
        assert screen.trend == kpi.trend(db, supervisor, since, UNTIL)
        assert "2026-10-22 – 2026-11-20" in text_of(app, "#period")
        await scan(pilot, "3")
        assert screen.selected == 2
        await pilot.press("down")
        assert screen.selected == 3
        await scan(pilot, "8")
        assert screen.selected == 7  # plan attainment
        await scan(pilot, "9")  # no operations in this history: no OEE lines
        assert screen.message.is_error and text_of(app, "MessageLine") == "No figure 9"
        assert "No operations in this period" in shown_figures(app)


async def test_oee_per_work_centre_with_its_factors_and_its_own_chart(db, make_app, system, supervisor, tmp_path,
                                                                     monkeypatch):
    shop_floor_history(db, system, tmp_path)
    helpers.make_operator(db, "S001", ["supervisor"])
    monkeypatch.setattr(kpi_screen, "today", lambda: UNTIL)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpi(pilot)
        assert [o.json() for o in screen.figures.oee] == [
            {"work_center": "COAT-1", "availability": 0.75, "performance": 0.8889, "quality": 1.0, "oee": 0.6667},
            {"work_center": "SMT-1", "availability": 0.973, "performance": 0.7917, "quality": 0.9474,
             "oee": 0.7297}]
        rows = [" ".join(line.split()) for line in shown_figures(app).splitlines()]
        assert "8 Plan attainment 95%" in rows
        assert "OEE by work centre" in rows and "Avail Perf Qual OEE" in rows
        assert "9 COAT-1 75% 89% 100% 67%" in rows and "10 SMT-1 97% 79% 95% 73%" in rows
        assert "Type 1-10 to chart a figure (Enter = refresh)" in "\n".join(screen_lines(app))
        await scan(pilot, "10")
        assert screen.selected == 9
        assert "OEE SMT-1, rolling 30 days" in "\n".join(screen_lines(app))
        charted = [screen.entries()[9].value(day) for day in screen.trend]
        assert charted[:5] == [None] * 5 and charted[5:14] == [0.5] * 9  # nothing before the first operation
        assert charted[14:27] == [0.75] * 13 and charted[27:] == [0.7297] * 3  # ... the last point is the headline
        await scan(pilot, "11")
        assert text_of(app, "MessageLine") == "No figure 11"
        await pilot.press("down")  # from the last line back to the first
        assert screen.selected == 0


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
        assert headline == 30.0 and "30.00" in shown_figures(app)
        assert screen.selected == 0  # the turnover is charted
        charted = [p.inventory_turnover for p in screen.trend]
        assert charted[-1] == headline  # the chart's last point is the headline, not one day's 1.0
        assert "Inventory turnover, rolling 30 days" in "\n".join(screen_lines(app))


async def test_many_work_centres_scroll_the_column_to_the_chosen_line(db, make_app, system, tmp_path, monkeypatch):
    shop_floor_history(db, system, tmp_path)
    for n in range(6):  # 8 work centres: the OEE table runs past 80x24
        helpers.exec_sql(db, "INSERT INTO work_center (code, name, line) VALUES (:c, :c, 'L1')", c=f"WC-{n}")
        _operation(db, f"WO-0{n + 2}", 30 + n, f"WC-{n}", 3, "08:00", "09:00", 30, 0, "1")
    helpers.make_operator(db, "S001", ["supervisor"])
    monkeypatch.setattr(kpi_screen, "today", lambda: UNTIL)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kpi(pilot)
        column = screen.query_one("#figures-column")
        assert column.max_scroll_y > 0 and column.scroll_y == 0
        await scan(pilot, "16")
        await pilot.pause()
        assert column.scroll_y == column.max_scroll_y
        assert any(" ".join(line.split()).startswith("16 WC-5 100% 50% 100% 50%") for line in screen_lines(app))
        assert app.focused is screen.scan_field  # the column never takes the scan field's focus
        await scan(pilot, "1")
        await pilot.pause()
        assert column.scroll_y == 0
