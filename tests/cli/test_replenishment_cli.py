"""`lineside import line-stock`, `lineside replenishment [--all] --json` and `workorder close --json`'s to_return."""

import json
from decimal import Decimal

from cli.main import app
from core.db import Database
from core.services import issuing, replenishment, workorders
from core.services.auth import system_actor
from tests import helpers
from tests.cli.numbers import assert_quantities_are_numbers

KEYS = {"id", "location", "sku", "qty", "status", "from_location", "lot", "created_at"}


def test_line_stock_import_then_the_open_tasks_then_all(cli_env, db_url, tmp_path):
    db = Database(db_url)
    helpers.production_site(db)
    system = system_actor(db, "T")
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-02", 300, expiry="2030-02-01")
    path = tmp_path / "line-stock.csv"
    path.write_text("location,sku,min_qty,max_qty\nLS-L1,IC-1,50,120\n", encoding="utf-8")
    result = cli_env.invoke(app, ["import", "line-stock", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["inserted"] == 1

    result = cli_env.invoke(app, ["replenishment", "--json"])
    assert result.exit_code == 0, result.output
    (task,) = json.loads(result.stdout)
    assert set(task) == KEYS
    assert_quantities_are_numbers([task])
    assert (task["location"], task["sku"], task["qty"], task["status"], task["from_location"], task["lot"]) == (
        "LS-L1", "IC-1", 120, "open", "A-02", "IC-A")
    assert "+" in task["created_at"] or task["created_at"].endswith("Z")  # ISO 8601 with offset
    table = cli_env.invoke(app, ["replenishment"])
    assert table.exit_code == 0 and "LS-L1" in table.stdout and "IC-A" in table.stdout

    clerk = helpers.make_operator(db, "C1", ["clerk"])
    replenishment.claim_next(db, clerk)
    replenishment.post_drop(db, clerk, key="d", task_id=task["id"], lot="IC-A", qty=Decimal(120),
                            drop_location="LS-L1")
    db.dispose()
    assert json.loads(cli_env.invoke(app, ["replenishment", "--json"]).stdout) == []
    (done,) = json.loads(cli_env.invoke(app, ["replenishment", "--all", "--json"]).stdout)
    assert (done["id"], done["status"]) == (task["id"], "done")


def test_workorder_close_json_lists_what_to_return(cli_env, db_url):
    db = Database(db_url)
    helpers.production_site(db)
    system = system_actor(db, "T")
    helpers.put_stock(db, system, "SCR-1", None, "LS-L1", 30)
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 300, expiry="2030-02-01")
    helpers.add_work_order(db, "WO-1", "PCBA-1", 5)
    supervisor = helpers.make_operator(db, "S1", ["supervisor"], pin="9876")
    clerk = helpers.make_operator(db, "C1", ["clerk"])
    workorders.release(db, supervisor, "WO-1")
    issuing.issue(db, clerk, key="i", wo_number="WO-1", qty=Decimal(20), sku="SCR-1")
    db.dispose()
    result = cli_env.invoke(app, ["workorder", "close", "WO-1", "--json", "--as", "S1", "--pin-stdin"],
                            input="9876\n")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["status"] == "closed"
    assert document["to_return"] == [{"sku": "SCR-1", "lot": None, "qty": 10, "location": "LS-L1"}]
