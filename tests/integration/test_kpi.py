"""KPIs on a small hand-checked history."""

import json
from datetime import date, timedelta
from decimal import Decimal

from cli.main import app
from core.db import Database
from core.services import kpi
from core.services.ledger import Leg, post_moves
from tests import helpers


def today() -> date:
    """Today, asked when a test runs (not when the file is collected: a run may cross midnight)."""
    return date.today()


def _history(db, system):
    ids = helpers.production_site(db)
    helpers.exec_sql(db, "UPDATE item SET unit_cost = 2 WHERE sku = 'IC-1'")
    post_moves(db, system, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(100), to_location_id=ids["A-01"],
                                           to_status="available")], key="r")
    post_moves(db, system, "issue", [Leg(ids["IC"], ids["LOT1"], Decimal(50), from_location_id=ids["A-01"],
                                         from_status="available")], key="i")
    # two work orders completed today: one on time, one late
    helpers.add_work_order(db, "WO-1", "PCBA-1", 1, due=today().isoformat())
    helpers.add_work_order(db, "WO-2", "PCBA-1", 1, due=(today() - timedelta(days=2)).isoformat())
    helpers.exec_sql(db, "UPDATE work_order SET status = 'completed', completed_at = now(), released_at = now()"
                         " - interval '1 day'")
    # receipts: 2 h and 4 h dock-to-stock; a third not yet put away. Received today whatever the hour (5 hours
    # ago, or at midnight in the first five hours of the day): the period is today.
    for lot, hours in (("L1", 2), ("L2", 4), ("L2", None)):
        helpers.exec_sql(db, "INSERT INTO receipt (operation_key, item_id, lot_id, qty, location_id, status,"
                             " operator_id, terminal, received_at, putaway_at) SELECT :k, item_id, id, 1, :loc,"
                             " 'available', :op, 'T', r.at, r.at + make_interval(hours => :h) FROM lot,"
                             " (SELECT greatest(CAST(CAST(:today AS date) AS timestamptz), now() - interval '5 hours')"
                             " AS at) r WHERE lot_no = :l",
                         k=f"rc-{lot}-{hours}", loc=ids["DOCK"], op=system.operator_id, h=hours, l=lot,
                         today=today().isoformat())
    # count lines: one within tolerance, one not (two counts of A-01: one line per item and lot in a task)
    for ok in (True, False):
        helpers.exec_sql(db, "INSERT INTO count_task (location_id, source, status) VALUES (:l, 'manual', 'closed')",
                         l=ids["A-01"])
        helpers.exec_sql(db, "INSERT INTO count_line (task_id, item_id, counted_qty, expected_qty, within_tolerance,"
                             " status, counted_by, counted_at) SELECT max(id), :i, 1, 1, :ok, 'posted', :op, now()"
                             " FROM count_task", i=ids["IC"], ok=ok, op=system.operator_id)
    # picks: 3 lines by one operator within one hour
    for _ in range(3):
        helpers.exec_sql(db, "INSERT INTO pick_task (work_order_id, item_id, from_location_id, qty, picked_qty,"
                             " status, picked_by, picked_at) SELECT w.id, :i, :l, 1, 1, 'picked', :op,"
                             " date_trunc('hour', now()) FROM work_order w WHERE wo_number = 'WO-1'",
                         i=ids["IC"], l=ids["A-01"], op=system.operator_id)
    # a shortage found after release (no longer a stoppage by itself), and a work centre that stood still for
    # want of material: one stoppage
    helpers.exec_sql(db, "INSERT INTO replenishment_request (item_id, work_order_id, qty, need_date)"
                         " SELECT :i, id, 5, due_date FROM work_order WHERE wo_number = 'WO-1'", i=ids["IC"])
    helpers.exec_sql(db, "INSERT INTO work_center (code, name, line) VALUES ('WC-1', 'Press', 'L1')")
    helpers.exec_sql(db, "INSERT INTO downtime_reason (code, name, planned) VALUES ('no-material', 'No material',"
                         " false), ('BREAK', 'Break', true)")
    for reason in ("no-material", "BREAK"):
        helpers.exec_sql(db, "INSERT INTO downtime (work_center_id, reason_id, started_at, ended_at, operator_id,"
                             " terminal) SELECT w.id, r.id, now(), now(), :op, 'T' FROM work_center w,"
                             " downtime_reason r WHERE r.code = :r", op=system.operator_id, r=reason)
    return ids


def test_kpis_on_a_hand_checked_history(db, system, supervisor):
    _history(db, system)
    doc = kpi.kpis(db, supervisor, today(), today())
    assert doc == kpi.Kpis(
        since=today(), until=today(),
        inventory_turnover=1.0,  # 50 x 2 issued / average on-hand value 50 x 2
        kitting_rate=1.0,  # WO-1 is due in the period and completed (WO-2 was due before it)
        on_time_delivery=0.5,
        inventory_accuracy=0.5,
        dock_to_stock_hours_p50=3.0,
        pick_lines_per_hour=3.0,
        stockout_stoppages=1,
        plan_attainment=0.0,  # WO-1 is due today and marked completed, but no good output was posted
        oee=(),
    )


def test_turnover_averages_on_hand_over_the_days(db, system, supervisor):
    _history(db, system)
    doc = kpi.kpis(db, supervisor, today() - timedelta(days=1), today())
    # yesterday's end: 0 on hand; today's end: 100 -> average 50
    assert doc.inventory_turnover == 2.0


def test_cli_kpi_json(cli_env_for_kpi):
    runner, db_url = cli_env_for_kpi
    db = Database(db_url)
    _history(db, helpers.actor(db, "SYSTEM"))
    db.dispose()
    result = runner.invoke(app, ["kpi", "--since", today().isoformat(), "--until", today().isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"since", "until", "inventory_turnover", "kitting_rate", "on_time_delivery",
                        "inventory_accuracy", "dock_to_stock_hours_p50", "pick_lines_per_hour", "stockout_stoppages",
                        "plan_attainment", "oee"}
    assert doc["since"] == today().isoformat() and doc["on_time_delivery"] == 0.5
    assert doc["oee"] == []
    figures = {k: v for k, v in doc.items() if k not in ("since", "until", "oee")}
    assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in figures.values()), figures
    assert runner.invoke(app, ["kpi", "--since", "yesterday"]).exit_code == 2


def test_the_trend_is_the_headline_quantity_and_ends_on_the_headline(db, system, supervisor):
    _history(db, system)
    since = today() - timedelta(days=29)
    headline = kpi.kpis(db, supervisor, since, today())
    trend = kpi.trend(db, supervisor, since, today())
    assert len(trend) == 30 and trend[-1] == headline  # the chart's figure for the period is the headline
    # 100 issued today over an average of 100 x 2 on hand for one day in 30: a 30-day turnover of 30, not a day's 1
    assert headline.inventory_turnover == 30.0 and trend[-1].inventory_turnover == 30.0
    assert all(point.until - point.since == timedelta(days=29) for point in trend)  # every point: 30 days
