"""`lineside check`, `db current|downgrade|upgrade` and `operator set-pin` against a real database."""

import json

from cli.main import app
from core.db import Database
from core.errors import AuthFailed
from core.services.auth import login
from tests import helpers


def test_check_json_and_exit_code(cli_env, db_url):
    result = cli_env.invoke(app, ["check", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["ok"] is True and all(set(c) == {"name", "ok", "violations"} for c in doc["checks"])
    db = Database(db_url)
    helpers.small_site(db)
    helpers.exec_sql(db, "INSERT INTO stock_balance (location_id, item_id, status, qty) SELECT id, 2, 'available', 5"
                         " FROM location WHERE code = 'A-01'")
    db.dispose()
    result = cli_env.invoke(app, ["check", "--json"])
    assert result.exit_code == 1
    failing = [c for c in json.loads(result.stdout)["checks"] if not c["ok"]]
    assert [c["name"] for c in failing] == ["ledger_matches_balances"]


def test_db_current_downgrade_upgrade(cli_env, db_url):
    head = cli_env.invoke(app, ["db", "current"]).stdout.strip()
    assert head.isdigit()
    assert json.loads(cli_env.invoke(app, ["db", "current", "--json"]).stdout) == {"revision": head, "embedded": False}
    assert cli_env.invoke(app, ["db", "downgrade", "base"]).stdout.strip() == "base"
    db = Database(db_url)
    assert helpers.scalar(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                              " AND table_name <> 'alembic_version'") == 0
    db.dispose()
    assert cli_env.invoke(app, ["db", "upgrade"]).stdout.strip() == head


def test_set_pin_from_stdin(cli_env, db_url):
    db = Database(db_url)
    helpers.make_operator(db, "C5", ["clerk"])
    result = cli_env.invoke(app, ["operator", "set-pin", "C5", "--pin-stdin"], input="987654\n")
    assert result.exit_code == 0, result.output
    assert login(db, "C5", "987654", "T").badge == "C5"
    try:
        login(db, "C5", "1234", "T")
        raise AssertionError("old PIN still works")
    except AuthFailed:
        pass
    assert helpers.scalar(db, "SELECT count(*) FROM operator WHERE pin_hash LIKE '%987654%'") == 0
    db.dispose()
    assert cli_env.invoke(app, ["operator", "set-pin", "NOPE", "--pin-stdin"], input="1234\n").exit_code == 1
    assert cli_env.invoke(app, ["operator", "set-pin", "C5", "--pin-stdin"], input="12\n").exit_code == 1
