"""The runtime role (what the console, the CLI and the relay connect as) attacking what protects the ledger.

Before the two roles, migrations and the console ran as one role that owned every table: it could disable the
append-only triggers, replace the audit seal, rewind the chain's head. Each statement below is what such a user
would try; as the runtime role every one is refused, and `check` says the role is clean. As the owner (or a
single-role installation) the `runtime_role_cannot_alter` invariant fails.
"""

from decimal import Decimal

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from core.db import Database, as_role, ensure_database, upgrade
from core.services import checks
from core.services.ledger import Leg, post_moves
from tests import helpers
from tests.conftest import _admin, _url

ATTACKS = [
    "ALTER TABLE movement DISABLE TRIGGER movement_append_only",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_seal",
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "ALTER TABLE stock_balance DROP CONSTRAINT ck_stock_balance_qty_nonneg",
    "DROP TABLE genealogy",
    "CREATE TABLE my_own (id int)",
    "CREATE OR REPLACE FUNCTION audit_seal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "CREATE OR REPLACE FUNCTION lineside_refuse_change() RETURNS trigger LANGUAGE plpgsql"
    " AS $$ BEGIN RETURN OLD; END $$",
    "ALTER FUNCTION audit_hash(text, timestamptz, bigint, text, text, text, text, text, text, jsonb, jsonb)"
    " RENAME TO old_hash",
    "UPDATE movement SET qty = 1",
    "DELETE FROM movement",
    "TRUNCATE movement CASCADE",
    "UPDATE audit_log SET reason = 'x'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "UPDATE audit_head SET last_id = 0, hash = repeat('0', 64)",
    "DELETE FROM audit_head",
    "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), 1)",
    "SET session_replication_role = replica",
    "DELETE FROM alembic_version",
]


def _history(db, clerk):
    ids = helpers.small_site(db)
    post_moves(db, clerk, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(10), None, None, ids["A-01"], "available")],
               key="r1", permission="receiving.post")
    return ids


@pytest.mark.parametrize("sql", ATTACKS)
def test_the_runtime_role_cannot_alter_what_protects_the_ledger(db, clerk, sql):
    _history(db, clerk)
    before = (helpers.scalar(db, "SELECT count(*) FROM movement"), helpers.scalar(db, "SELECT hash FROM audit_head"))
    with pytest.raises(DBAPIError, match="permission denied|must be owner"):
        helpers.exec_sql(db, sql)
    after = (helpers.scalar(db, "SELECT count(*) FROM movement"), helpers.scalar(db, "SELECT hash FROM audit_head"))
    assert after == before


def test_the_runtime_role_still_does_the_floors_work_and_check_says_it_is_clean(db, clerk):
    ids = _history(db, clerk)
    post_moves(db, clerk, "move", [Leg(ids["IC"], ids["LOT1"], Decimal(4), ids["A-01"], "available", ids["A-02"],
                                       "available")], key="m1")
    assert helpers.scalar(db, "SELECT last_id FROM audit_head") == helpers.scalar(db, "SELECT max(id) FROM audit_log")
    report = checks.run_checks(db)
    assert report.ok, [c for c in report.checks if not c.ok]
    assert helpers.scalar(db, "SELECT current_user") == helpers.RUNTIME
    helpers.exec_sql(db, "GRANT UPDATE ON movement TO CURRENT_USER")  # PostgreSQL only warns: nothing granted
    with pytest.raises(DBAPIError, match="permission denied"):
        helpers.exec_sql(db, "UPDATE movement SET qty = 1")


def test_check_fails_when_the_console_connects_as_the_owner(owner_db, db, clerk):
    _history(db, clerk)
    report = checks.run_checks(owner_db)
    failed = {c.name: c.violations for c in report.checks if not c.ok}
    assert set(failed) == {checks.RUNTIME_ROLE}
    problems = " ".join(v["problem"] for v in failed[checks.RUNTIME_ROLE])
    assert "TRUNCATE movement" in problems and "owns" in problems


def test_check_fails_for_a_superuser(pg_admin_url, db_url, db, clerk):
    _history(db, clerk)
    superuser = Database(make_superuser_url(pg_admin_url, db_url))
    try:
        failed = {c.name for c in checks.run_checks(superuser).checks if not c.ok}
    finally:
        superuser.dispose()
    assert failed == {checks.RUNTIME_ROLE}


def make_superuser_url(pg_admin_url: str, db_url: str) -> str:
    return _url(pg_admin_url, make_url(db_url).database)


def test_a_single_role_database_is_taken_over_by_the_owner(pg_admin_url):
    """An embedded database from before the two roles (everything owned by the server's superuser) is given to the
    owner role on start, and the runtime role granted; the history stays and `check` passes as the runtime role."""
    name = "ls_takeover_" + helpers.RUNTIME[-4:] + str(id(pg_admin_url))[-6:]
    _admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(pg_admin_url, f'CREATE DATABASE "{name}"')
    try:
        old = _url(pg_admin_url, name)
        upgrade(old)
        legacy = Database(old)
        try:
            system = helpers.actor(legacy, "SYSTEM", terminal="T-OLD")
            clerk = helpers.make_operator(legacy, "C1", ["clerk"])
            _history(legacy, clerk)
            assert system.operator_id
        finally:
            legacy.dispose()
        ensure_database(pg_admin_url, name, owner=helpers.OWNER, runtime=helpers.RUNTIME)
        upgrade(as_role(old, helpers.OWNER), runtime_role=helpers.RUNTIME)
        runtime = Database(as_role(old, helpers.RUNTIME))
        try:
            report = checks.run_checks(runtime)
            assert report.ok, [c for c in report.checks if not c.ok]
            assert helpers.scalar(runtime, "SELECT sum(qty) FROM movement") == 10
            with pytest.raises(DBAPIError, match="permission denied|must be owner"):
                helpers.exec_sql(runtime, "ALTER TABLE movement DISABLE TRIGGER movement_append_only")
        finally:
            runtime.dispose()
        engine = create_engine(old)
        try:
            with engine.connect() as conn:
                owners = set(conn.execute(text(
                    "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class"
                    " WHERE relnamespace = 'public'::regnamespace")).scalars())
        finally:
            engine.dispose()
        assert owners == {helpers.OWNER}
    finally:
        _admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
