"""`lineside db upgrade|downgrade REV|current` on the configured (central) database."""

import json

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from cli.main import app
from core.db import Database
from tests import helpers


def _tables(db_url) -> set[str]:
    db = Database(db_url)
    try:
        return {r[0] for r in helpers.rows(db, "SELECT table_name FROM information_schema.tables"
                                               " WHERE table_schema = 'public'")}
    finally:
        db.dispose()


def test_current_downgrade_to_base_and_back(cli_env, db_url):
    head = cli_env.invoke(app, ["db", "current"]).stdout.strip()
    assert head.isdigit() and len(head) == 4
    assert json.loads(cli_env.invoke(app, ["db", "current", "--json"]).stdout) == {
        "revision": head, "database": make_url(db_url).database, "owner_role": helpers.OWNER,
        "runtime_role": helpers.RUNTIME}
    result = cli_env.invoke(app, ["db", "downgrade", "base", "--yes", "--destroy-data"])
    assert (result.exit_code, result.stdout.strip()) == (0, "base")
    assert _tables(db_url) == {"alembic_version"}
    assert json.loads(cli_env.invoke(app, ["db", "current", "--json"]).stdout)["revision"] is None
    result = cli_env.invoke(app, ["db", "upgrade"])
    assert (result.exit_code, result.stdout.strip()) == (0, head)
    assert {"movement", "audit_log", "stock_balance", "genealogy"} <= _tables(db_url)


def test_downgrade_one_step_and_upgrade_to_a_revision(cli_env, db_url):
    head = cli_env.invoke(app, ["db", "current"]).stdout.strip()
    assert cli_env.invoke(app, ["db", "downgrade", "0001", "--yes", "--destroy-data"]).stdout.strip() == "0001"
    assert "genealogy" not in _tables(db_url) and "movement" in _tables(db_url)
    assert cli_env.invoke(app, ["check", "--json"]).exit_code == 0  # the checks of later tables stand aside
    assert cli_env.invoke(app, ["db", "upgrade", "0003"]).stdout.strip() == "0003"
    assert cli_env.invoke(app, ["db", "upgrade", "head"]).stdout.strip() == head


def test_bad_revisions_are_one_line_and_exit_1(cli_env):
    for args in (["db", "downgrade", "nope", "--yes"], ["db", "upgrade", "nope"]):
        result = cli_env.invoke(app, args)
        assert result.exit_code == 1, args
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, args


def test_usage_errors_exit_2(cli_env):
    assert cli_env.invoke(app, ["db", "downgrade"]).exit_code == 2  # REV is required
    assert cli_env.invoke(app, ["db", "current", "--bogus"]).exit_code == 2


def test_an_upgrade_refused_by_a_migration_is_one_line(cli_env, db_url):
    """0008 will not re-seal a broken audit chain: the admin gets the reason in one line, exit 1, nothing moved."""
    # 0008 made audit_head, whose seeded row is the chain's head: dropping it is dropping data
    down = cli_env.invoke(app, ["db", "downgrade", "0007", "--yes", "--destroy-data"])
    assert down.exit_code == 0, down.stderr
    db = Database(db_url)
    try:
        helpers.exec_sql(db, "INSERT INTO audit_log (at, terminal, action, entity, prev_hash, hash)"
                             " VALUES (now(), 'X', 'forged', 'stock', repeat('0', 64), repeat('f', 64))")
    finally:
        db.dispose()
    result = cli_env.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "audit chain broken" in result.stderr
    assert cli_env.invoke(app, ["db", "current"]).stdout.strip() == "0007"


def test_a_downgrade_needs_yes(cli_env, db_url):
    head = cli_env.invoke(app, ["db", "current"]).stdout.strip()
    result = cli_env.invoke(app, ["db", "downgrade", "0001"])
    assert result.exit_code == 1 and result.stdout == "" and "--yes" in result.stderr
    assert cli_env.invoke(app, ["db", "current"]).stdout.strip() == head


def test_a_downgrade_that_would_drop_data_is_refused(cli_env, db_url):
    """`db downgrade base` dropped every table, ledger and audit included, with exit 0: now it needs --destroy-data."""
    head = cli_env.invoke(app, ["db", "current"]).stdout.strip()
    db = Database(db_url)
    try:
        helpers.make_operator(db, "C1", ["clerk"])
        before = helpers.scalar(db, "SELECT count(*) FROM operator")
    finally:
        db.dispose()
    result = cli_env.invoke(app, ["db", "downgrade", "base", "--yes"])
    assert result.exit_code == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "operator" in result.stderr
    assert "--destroy-data" in result.stderr
    assert cli_env.invoke(app, ["db", "current"]).stdout.strip() == head  # nothing moved, nothing dropped
    assert "movement" in _tables(db_url)
    db = Database(db_url)
    try:
        assert helpers.scalar(db, "SELECT count(*) FROM operator") == before
    finally:
        db.dispose()
    result = cli_env.invoke(app, ["db", "downgrade", "base", "--yes", "--destroy-data"])
    assert (result.exit_code, result.stdout.strip()) == (0, "base")
    assert _tables(db_url) == {"alembic_version"}


def test_a_downgrade_that_drops_only_empty_tables_needs_no_destroy_data(cli_env, db_url):
    db = Database(db_url)
    try:
        helpers.exec_sql(db, "INSERT INTO downtime_reason (code, name, planned) VALUES ('BRK', 'Break', true)")
    finally:
        db.dispose()
    result = cli_env.invoke(app, ["db", "downgrade", "0019", "--yes"])  # 0020 made the shop floor's tables
    assert result.exit_code == 1 and "downtime_reason" in result.stderr
    db = Database(db_url)
    try:
        helpers.exec_sql(db, "DELETE FROM downtime_reason")
    finally:
        db.dispose()
    assert cli_env.invoke(app, ["db", "downgrade", "0019", "--yes"]).stdout.strip() == "0019"


def test_the_dbas_grant_gives_a_role_the_runtime_rights_and_upgrades_keep_them(cli_env, db_url, pg_admin_url):
    """`db grant ROLE` (run as the owner) is what a DBA gives the console's login role; a later migration's new
    tables are granted to it by `db upgrade` on its own."""
    from core.db import as_role, ensure_roles

    ensure_roles(pg_admin_url, helpers.OWNER, "ls_test_grantee")
    assert cli_env.invoke(app, ["db", "grant", "ls_test_grantee"]).exit_code == 0
    grantee = Database(as_role(db_url, "ls_test_grantee"))
    try:
        helpers.exec_sql(grantee, "INSERT INTO warehouse (code, name) VALUES ('W9', 'Nine')")
        for sql in ("UPDATE audit_log SET reason = 'x'", "ALTER TABLE movement DISABLE TRIGGER movement_append_only"):
            with pytest.raises(DBAPIError, match="permission denied|must be owner"):
                helpers.exec_sql(grantee, sql)
        assert cli_env.invoke(app, ["db", "downgrade", "0014", "--yes", "--destroy-data"]).exit_code == 0
        assert cli_env.invoke(app, ["db", "upgrade"]).exit_code == 0
        assert helpers.scalar(grantee, "SELECT count(*) FROM login_throttle") == 0  # a table 0015 made again
    finally:
        grantee.dispose()


def test_grant_refuses_the_owner_and_an_unknown_role(cli_env):
    for role in (helpers.OWNER, "no_such_role_here"):
        result = cli_env.invoke(app, ["db", "grant", role])
        assert result.exit_code == 1 and result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
