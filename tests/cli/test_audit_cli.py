"""`lineside audit anchor [--json]`: the head recorded in LINESIDE_HOME, then held by `check`; a downgrade that
would re-seal a tampered chain refuses."""

import json

import pytest

import core.config
from cli.main import app
from core.db import Database
from tests import helpers


@pytest.fixture
def home(cli_env, tmp_path, monkeypatch):
    monkeypatch.setenv("LINESIDE_HOME", str(tmp_path))
    core.config.settings.cache_clear()
    return tmp_path


@pytest.fixture
def receipt(db_url):
    db = Database(db_url)
    ids = helpers.small_site(db)
    helpers.put_stock(db, helpers.actor(db, "SYSTEM", terminal="T"), "SCR-1", None, "A-01", 10)
    db.dispose()
    return ids


def test_anchor_json_is_the_head_and_check_holds_it(cli_env, home, receipt, db_url, owner_url):
    result = cli_env.invoke(app, ["audit", "anchor", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"seq", "hash", "at"} and doc["seq"] > 0 and len(doc["hash"]) == 64
    (line,) = [json.loads(x) for x in (home / "audit-anchors.jsonl").read_text().splitlines()]
    assert (line["seq"], line["hash"], line["at"]) == (doc["seq"], doc["hash"], doc["at"])
    assert cli_env.invoke(app, ["check", "--json"]).exit_code == 0
    owner = Database(owner_url)  # the owner empties the trail and resets its head
    for sql in ("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate", "TRUNCATE audit_log",
                "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate",
                "UPDATE audit_head SET last_id = 0, hash = repeat('0', 64)"):
        helpers.exec_sql(owner, sql)
    owner.dispose()
    result = cli_env.invoke(app, ["check", "--json"])
    assert result.exit_code == 1
    failing = {c["name"]: c["violations"] for c in json.loads(result.stdout)["checks"] if not c["ok"]}
    assert failing["audit_anchors"][0]["problem"] == "the anchored row is gone"
    result = cli_env.invoke(app, ["audit", "anchor"])  # nor is the emptied chain anchored
    assert result.exit_code == 1 and "not anchored" in result.stderr


def test_downgrade_refuses_to_reseal_a_tampered_chain(cli_env, receipt, owner_url):
    owner = Database(owner_url)
    for sql in ("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
                "UPDATE audit_log SET reason = 'edited' WHERE id = (SELECT min(id) FROM audit_log)",
                "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"):
        helpers.exec_sql(owner, sql)
    owner.dispose()
    result = cli_env.invoke(app, ["db", "downgrade", "0007", "--yes", "--destroy-data"])
    assert result.exit_code == 1
    assert "audit chain broken" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    db = Database(owner_url)
    assert helpers.scalar(db, "SELECT version_num FROM alembic_version") == helpers.head()
    db.dispose()
