"""`lineside operations --json`, `lineside nc --json` and the shop-floor imports through the CLI."""

import json
from decimal import Decimal

from cli.main import app
from core.db import Database
from core.services import operations, workorders
from core.services.auth import system_actor
from tests import helpers
from tests.cli.numbers import assert_quantities_are_numbers
from tests.integration.shopfloor_site import FILES

OPERATION_KEYS = {"wo_number", "op_no", "work_center", "status", "started_at", "finished_at", "good", "scrap",
                  "operators"}
NC_KEYS = {"id", "wo_number", "op_no", "lot", "characteristic", "value", "reason", "qty", "disposition",
           "signed_by", "signed_at"}


def test_imports_then_operations_and_nc(cli_env, db_url, tmp_path):
    db = Database(db_url)
    helpers.production_site(db)
    for kind, content in FILES.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(content, encoding="utf-8")
        result = cli_env.invoke(app, ["import", kind, str(path), "--json"])
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        assert (summary["kind"], summary["rejected"], summary["errors"]) == (kind, 0, [])
    clerk = helpers.make_operator(db, "C1", ["clerk"])
    supervisor = helpers.make_operator(db, "S1", ["supervisor"])
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10)
    workorders.release(db, supervisor, "WO-1")
    operations.start(db, clerk, key="s1", work_center="SMT-1", wo_number="WO-1")
    operations.finish(db, clerk, key="f1", work_center="SMT-1", wo_number="WO-1", good=Decimal(9),
                      scrap=Decimal(1), scrap_reason="defect")
    operations.start(db, clerk, key="s2", work_center="COAT-1", wo_number="WO-1")
    operations.finish(db, clerk, key="f2", work_center="COAT-1", wo_number="WO-1", good=Decimal(9),
                      measurements={"thickness": "10", "temperature": "20"})
    db.dispose()

    result = cli_env.invoke(app, ["operations", "--wo", "WO-1", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(set(r) == OPERATION_KEYS for r in rows)
    assert [(r["op_no"], r["work_center"], r["status"], r["good"], r["scrap"], r["operators"]) for r in rows] == [
        (10, "SMT-1", "done", 9, 1, ["C1"]), (20, "COAT-1", "done", 9, 0, ["C1"])]
    assert rows[0]["started_at"][19:] in ("+00:00", "Z") or rows[0]["started_at"][-6] in "+-"
    assert_quantities_are_numbers(rows)

    result = cli_env.invoke(app, ["nc", "--json"])
    assert result.exit_code == 0, result.output
    (nc,) = json.loads(result.stdout)
    assert set(nc) == NC_KEYS
    assert (nc["wo_number"], nc["op_no"], nc["characteristic"], nc["value"], nc["disposition"]) == (
        "WO-1", 20, "thickness", 10, None)
    assert json.loads(cli_env.invoke(app, ["nc", "--all", "--json"]).stdout) == [nc]
    assert json.loads(cli_env.invoke(app, ["operations", "--wo", "NOPE", "--json"]).stdout) == []


def test_import_errors_of_a_routing(cli_env, db_url, tmp_path):
    db = Database(db_url)
    helpers.production_site(db)
    system_actor(db, "T")
    db.dispose()
    path = tmp_path / "routings.csv"
    path.write_text("sku,op_no,work_center,minutes_per_unit\nPCBA-1,10,NOPE,1\n", encoding="utf-8")
    result = cli_env.invoke(app, ["import", "routings", str(path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"] == [
        {"row": 1, "column": "work_center", "message": "Unknown work centre: NOPE"}]
