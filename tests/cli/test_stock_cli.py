"""`lineside stock --json`: the contract's rows, quantities as numbers in the base unit (whole or fractional)."""

import json

from cli.main import app
from core.db import Database
from core.services.auth import system_actor
from tests import helpers
from tests.cli.numbers import assert_quantities_are_numbers


def test_stock_json_quantities_are_numbers(cli_env, db_url):
    db = Database(db_url)
    helpers.small_site(db)
    helpers.exec_sql(db, "INSERT INTO item (sku, name, uom, tracking) VALUES ('GLUE-1', 'Glue', 'KG', 'lot')")
    system = system_actor(db, "T")
    helpers.put_stock(db, system, "SCR-1", None, "A-01", 1000)
    helpers.put_stock(db, system, "GLUE-1", "G-1", "A-02", "2.4")
    db.dispose()
    result = cli_env.invoke(app, ["stock", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(set(r) == {"warehouse", "location", "sku", "lot", "status", "qty", "reserved", "expiry"} for r in rows)
    assert assert_quantities_are_numbers(rows) == 2 * len(rows) > 0
    assert sorted((r["sku"], r["qty"], r["reserved"]) for r in rows) == [("GLUE-1", 2.4, 0), ("SCR-1", 1000, 0)]
