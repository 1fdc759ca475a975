"""`lineside check [--json]`: one document, exit 1 when an invariant fails; a readable table without --json."""

import json

import pytest

from cli.main import app
from core.db import Database
from tests import helpers
from tests.cli.numbers import assert_quantities_are_numbers


@pytest.fixture
def broken(db_url):
    """A balance nobody posted: the ledger says 0, the balance 5."""
    db = Database(db_url)
    helpers.small_site(db)
    helpers.exec_sql(db, "INSERT INTO stock_balance (location_id, item_id, status, qty) SELECT l.id, i.id,"
                         " 'available', 5 FROM location l, item i WHERE l.code = 'A-01' AND i.sku = 'SCR-1'")
    db.dispose()


def test_clean_database_passes(cli_env):
    result = cli_env.invoke(app, ["check", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["ok"] is True and len(doc["checks"]) == 13
    assert all(set(c) == {"name", "ok", "violations"} and c["ok"] and c["violations"] == [] for c in doc["checks"])


def test_a_broken_invariant_exits_1_and_still_prints_the_document(cli_env, broken):
    result = cli_env.invoke(app, ["check", "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["ok"] is False
    failing = [c for c in doc["checks"] if not c["ok"]]
    assert failing == [{"name": "ledger_matches_balances", "ok": False, "violations": [
        {"location": "A-01", "sku": "SCR-1", "lot": None, "status": "available", "ledger": 0, "balance": 5}]}]
    assert assert_quantities_are_numbers(doc) == 2  # the violation's ledger and balance are numbers


def test_table_view(cli_env, broken):
    result = cli_env.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "On-hand equals the sum of its ledger" in result.stdout and "FAIL" in result.stdout
    assert "ledger_matches_balances: location=A-01, sku=SCR-1" in result.stdout
    assert "Some invariants are broken" in result.stdout


def test_table_view_in_chinese(cli_env, monkeypatch):
    import core.config

    monkeypatch.setenv("LINESIDE_LANG", "zh_CN")
    core.config.settings.cache_clear()
    result = cli_env.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "审计链校验通过" in result.stdout and "所有不变量均成立" in result.stdout
