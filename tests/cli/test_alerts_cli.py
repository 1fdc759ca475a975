"""`lineside alerts evaluate` then `lineside alerts --json`: the contract's shape."""

import json

from cli.main import app
from core.db import Database
from tests import helpers

KEYS = {"id", "rule", "severity", "sku", "lot", "location", "work_order", "message", "raised_at", "acknowledged_by",
        "acknowledged_at", "resolved_at"}


def test_evaluate_then_list(cli_env, db_url):
    db = Database(db_url)
    helpers.small_site(db)
    helpers.exec_sql(db, "UPDATE item SET safety_stock = 10 WHERE sku = 'SCR-1'")
    db.dispose()
    assert json.loads(cli_env.invoke(app, ["alerts", "--json"]).stdout) == []
    assert cli_env.invoke(app, ["alerts", "evaluate"]).exit_code == 0
    result = cli_env.invoke(app, ["alerts", "--json"])
    assert result.exit_code == 0, result.output
    (alert,) = json.loads(result.stdout)
    assert set(alert) == KEYS
    assert isinstance(alert["id"], int)  # numbers are numbers; an alert has no quantity field, its message says it
    assert (alert["rule"], alert["sku"], alert["severity"]) == ("below_safety_stock", "SCR-1", "warning")
    assert alert["message"] == "SCR-1: 0 on hand, below safety stock 10"
    assert "+" in alert["raised_at"] or alert["raised_at"].endswith("Z")
