"""`lineside schedule [--line L] --json`, `schedule pin|unpin` as a named supervisor, `plan safety-stock --json`."""

import json
from datetime import datetime

from cli.main import app
from core.db import Database
from core.services.auth import system_actor
from tests import helpers
from tests.cli.numbers import assert_quantities_are_numbers

SCHEDULE_KEYS = ["line", "position", "wo_number", "due_date", "kitting", "start", "end"]
PLAN_KEYS = ["sku", "avg_daily_demand", "demand_sd", "lead_time_days", "service_level", "safety_stock",
             "reorder_point", "current_safety_stock"]


def _site(db_url):
    db = Database(db_url)
    helpers.production_site(db)
    system = system_actor(db, "T")
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 150, expiry="2030-02-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 100, due="2030-01-05")  # short: 200 IC-1
    helpers.add_work_order(db, "WO-2", "PCBA-1", 30, due="2030-01-09")
    helpers.add_work_order(db, "WO-3", "PCBA-1", 30, due="2030-01-01", line="L2")
    helpers.make_operator(db, "S-CLI", ["supervisor"], pin="135790")
    helpers.make_operator(db, "C-CLI", ["clerk"], pin="2468")
    db.dispose()


def test_schedule_json_shape_and_order(as_admin, db_url):
    _site(db_url)
    result = as_admin.invoke(app, ["schedule", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert all(list(row) == SCHEDULE_KEYS for row in doc)
    assert [(r["line"], r["position"], r["wo_number"], r["kitting"]) for r in doc] == [
        ("L1", 1, "WO-2", "kittable"), ("L1", 2, "WO-1", "short"), ("L2", 1, "WO-3", "kittable")]
    assert doc[0]["due_date"] == "2030-01-09"
    start, end = (datetime.fromisoformat(doc[0][k]) for k in ("start", "end"))
    assert start.utcoffset() is not None and (end - start).total_seconds() == 30 * 60  # 30 at 60 an hour
    assert doc[1]["start"] == doc[0]["end"]
    only = json.loads(as_admin.invoke(app, ["schedule", "--line", "L2", "--json"]).stdout)
    assert [r["wo_number"] for r in only] == ["WO-3"]


def test_pin_as_a_supervisor_and_a_clerk_is_refused(as_admin, db_url, monkeypatch):
    _site(db_url)
    monkeypatch.setenv("LINESIDE_BADGE", "C-CLI")
    monkeypatch.setenv("LINESIDE_PIN", "2468")
    result = as_admin.invoke(app, ["schedule", "pin", "WO-1", "1"])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    monkeypatch.setenv("LINESIDE_BADGE", "S-CLI")
    monkeypatch.setenv("LINESIDE_PIN", "135790")
    result = as_admin.invoke(app, ["schedule", "pin", "WO-1", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"wo_number": "WO-1", "line": "L1", "position": 1}
    doc = json.loads(as_admin.invoke(app, ["schedule", "--line", "L1", "--json"]).stdout)
    assert [r["wo_number"] for r in doc] == ["WO-1", "WO-2"]
    db = Database(db_url)
    try:
        assert helpers.scalar(db, "SELECT badge FROM audit_log WHERE action = 'schedule.pin'") == "S-CLI"
    finally:
        db.dispose()
    assert as_admin.invoke(app, ["schedule", "unpin", "WO-1"]).exit_code == 0
    doc = json.loads(as_admin.invoke(app, ["schedule", "--line", "L1", "--json"]).stdout)
    assert [r["wo_number"] for r in doc] == ["WO-2", "WO-1"]
    assert as_admin.invoke(app, ["schedule", "pin", "WO-1", "0"]).exit_code == 2  # usage: positions start at 1
    assert as_admin.invoke(app, ["schedule", "pin", "WO-404", "1"]).exit_code == 1


def test_pin_without_an_operator_is_refused(cli_env, db_url):
    _site(db_url)
    db = Database(db_url)
    helpers.make_operator(db, "A-1", ["admin"], pin="246810")
    db.dispose()
    result = cli_env.invoke(app, ["schedule", "pin", "WO-1", "1"])
    assert result.exit_code == 1
    assert cli_env.invoke(app, ["schedule", "--json"]).exit_code == 0  # reading needs no one


def test_plan_safety_stock_json_shape(as_admin, db_url):
    _site(db_url)
    db = Database(db_url)
    helpers.exec_sql(db, "UPDATE item SET safety_stock = 40 WHERE sku = 'SCR-1'")
    db.dispose()
    result = as_admin.invoke(app, ["plan", "safety-stock", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert all(list(row) == PLAN_KEYS for row in doc)
    assert_quantities_are_numbers(doc)
    scr = next(r for r in doc if r["sku"] == "SCR-1")
    assert scr == {"sku": "SCR-1", "avg_daily_demand": 0, "demand_sd": 0, "lead_time_days": None,
                   "service_level": 0.95, "safety_stock": None, "reorder_point": None, "current_safety_stock": 40}
    result = as_admin.invoke(app, ["plan", "safety-stock", "--service-level", "0.99", "--json"])
    assert json.loads(result.stdout)[0]["service_level"] == 0.99
    assert as_admin.invoke(app, ["plan", "safety-stock", "--service-level", "1", "--json"]).exit_code == 1
