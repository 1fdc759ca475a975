"""`lineside workorder …` and `lineside kitting --json` against a real database."""

import json

from cli.main import app
from core.db import Database
from core.services.auth import system_actor
from tests import helpers
from tests.cli.numbers import assert_quantities_are_numbers


def _site(db_url):
    db = Database(db_url)
    helpers.production_site(db)
    system = system_actor(db, "T")
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 150, expiry="2030-02-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 50, due="2030-01-05")
    helpers.add_work_order(db, "WO-2", "PCBA-1", 100, due="2030-01-09")
    db.dispose()


def test_kitting_then_release(cli_env, db_url):
    _site(db_url)
    result = cli_env.invoke(app, ["kitting", "--json"])
    assert result.exit_code == 0, result.output
    kits = json.loads(result.stdout)
    assert [(k["wo_number"], k["status"]) for k in kits] == [("WO-1", "kittable"), ("WO-2", "short")]
    ic = next(c for c in kits[1]["components"] if c["sku"] == "IC-1")
    assert ic == {"sku": "IC-1", "required": 200, "reserved": 0, "issued": 0, "available": 150, "short": 50}

    result = cli_env.invoke(app, ["workorder", "release", "WO-1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "released"
    kits = json.loads(cli_env.invoke(app, ["kitting", "--json"]).stdout)
    assert kits[0]["status"] == "kitted"
    assert next(c for c in kits[1]["components"] if c["sku"] == "IC-1")["available"] == 50


def test_refusals_are_one_line_and_exit_1(cli_env, db_url):
    _site(db_url)
    result = cli_env.invoke(app, ["workorder", "close", "WO-1"])
    assert result.exit_code == 1 and result.stderr.strip() == "Work order WO-1 is planned; cannot close"
    assert cli_env.invoke(app, ["workorder", "release", "WO-404"]).exit_code == 1


def test_release_json_writes_shortages_as_numbers(cli_env, db_url):
    _site(db_url)
    assert cli_env.invoke(app, ["workorder", "release", "WO-1"]).exit_code == 0
    result = cli_env.invoke(app, ["workorder", "release", "WO-2", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["wo_number"] == "WO-2" and doc["status"] == "released"
    assert {"sku": "IC-1", "qty": 150} in doc["shortages"]
    result = cli_env.invoke(app, ["workorder", "cancel", "WO-2", "--json"])
    assert json.loads(result.stdout) == {"wo_number": "WO-2", "status": "cancelled"}


def test_workorder_and_kitting_json_quantities_are_numbers(cli_env, db_url):
    _site(db_url)
    kits = json.loads(cli_env.invoke(app, ["kitting", "--json"]).stdout)
    assert assert_quantities_are_numbers(kits) > 0 and isinstance(kits[0]["qty"], int)
    assert cli_env.invoke(app, ["workorder", "release", "WO-1"]).exit_code == 0
    for attempt in ("released", "replayed"):  # a second release answers with the stored result: numbers too
        result = cli_env.invoke(app, ["workorder", "release", "WO-2", "--json"])
        assert result.exit_code == 0, (attempt, result.output)
        doc = json.loads(result.stdout)
        assert assert_quantities_are_numbers(doc) >= 2, attempt  # pick_tasks and each shortage's qty
        assert {"sku": "IC-1", "qty": 150} in doc["shortages"] and isinstance(doc["pick_tasks"], int)
    cancelled = cli_env.invoke(app, ["workorder", "cancel", "WO-1", "--json"])
    assert cancelled.exit_code == 0 and assert_quantities_are_numbers(json.loads(cancelled.stdout)) == 0
