"""Alembic: head on an empty database, every step down to base and back, also with a real history in it."""

import uuid

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from core.db import Database, alembic_config, as_role, upgrade
from core.errors import MigrationRefused
from tests import helpers
from tests.conftest import RUNTIME, _admin, _url

LEFTOVERS = """
    SELECT 'table ' || table_name FROM information_schema.tables WHERE table_schema = 'public'
      AND table_name <> 'alembic_version'
    UNION ALL SELECT 'sequence ' || sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'
    UNION ALL SELECT 'function ' || routine_name FROM information_schema.routines WHERE routine_schema = 'public'
    UNION ALL SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')"""


@pytest.fixture
def empty_url(pg_admin_url):
    name = f"ls_m_{uuid.uuid4().hex[:12]}"
    _admin(pg_admin_url, f'CREATE DATABASE "{name}"')
    yield _url(pg_admin_url, name)
    _admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _query(url: str, sql: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)).scalars())
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    rows = _query(url, "SELECT version_num FROM alembic_version")
    return rows[0] if rows else None


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config("postgresql://")).get_current_head()


def test_empty_database_to_head_to_base_and_back(empty_url):
    assert _query(empty_url, LEFTOVERS) == []
    upgrade(empty_url)
    assert _revision(empty_url) == _head()
    tables = set(_query(empty_url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"))
    assert {"warehouse", "location", "item", "operator", "lot", "stock_balance", "movement", "audit_log",
            "outbox"} <= tables
    command.downgrade(alembic_config(empty_url), "base")
    assert _query(empty_url, LEFTOVERS) == []  # nothing left but alembic_version (empty)
    assert _revision(empty_url) is None
    upgrade(empty_url)
    assert _revision(empty_url) == _head()
    assert set(_query(empty_url, "SELECT table_name FROM information_schema.tables"
                                 " WHERE table_schema = 'public'")) == tables


def test_every_revision_steps_down_and_up(empty_url):
    upgrade(empty_url)
    cfg = alembic_config(empty_url)
    seen = [_revision(empty_url)]
    while _revision(empty_url) is not None:
        command.downgrade(cfg, "-1")
        seen.append(_revision(empty_url))
    assert len(seen) >= 3 and seen[-1] is None
    for rev in reversed(seen[:-1]):
        command.upgrade(cfg, "+1")
        assert _revision(empty_url) == rev


def test_base_and_back_with_a_real_history(db, db_url, owner_url, clerk, supervisor, system):
    helpers.built_history(db, clerk, supervisor, system)
    db.dispose()
    command.downgrade(alembic_config(owner_url), "base")
    assert _query(owner_url, LEFTOVERS) == []
    upgrade(owner_url, runtime_role=RUNTIME)  # the tables are new: the runtime role is granted them again
    fresh = Database(db_url)
    try:
        assert helpers.scalar(fresh, "SELECT count(*) FROM movement") == 0
        assert helpers.scalar(fresh, "SELECT badge FROM operator") == "SYSTEM"  # the migration's own row is back
    finally:
        fresh.dispose()


def _migration_0008():
    """The migration module itself: its frozen copy of the 0001-0007 (Python) hash."""
    import importlib.util

    from core.db import MIGRATIONS_DIR

    path = next((MIGRATIONS_DIR / "versions").glob("*_0008_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0008", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _python_chain_ok(url: str) -> bool:
    m = _migration_0008()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            prev = m.GENESIS
            for r in m._rows(conn):
                if r.prev_hash != prev or m._python_hash(prev, r) != r.hash:
                    return False
                prev = r.hash
            return prev != m.GENESIS
    finally:
        engine.dispose()


@pytest.fixture
def history_at_0007(db, owner_url, clerk, supervisor, system):
    """A real history, then down to 0007: the audit chain in its earlier (Python-hashed) form."""
    helpers.built_history(db, clerk, supervisor, system)
    db.dispose()
    command.downgrade(alembic_config(owner_url), "0007")
    return owner_url


def test_audit_chain_resealed_both_ways_with_a_real_history(history_at_0007):
    """0008 moves the seal into the server: a real chain goes down to 0007's form and back, verifying each time."""
    from core.services.checks import run_checks

    owner_url = history_at_0007
    assert _python_chain_ok(owner_url)
    upgrade(owner_url)
    fresh = Database(as_role(owner_url, RUNTIME))
    try:
        assert run_checks(fresh).ok
        assert helpers.scalar(fresh, "SELECT hash FROM audit_head") == helpers.scalar(
            fresh, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
    finally:
        fresh.dispose()


def test_upgrade_refuses_to_reseal_a_broken_chain(history_at_0007):
    owner_url = history_at_0007
    engine = create_engine(owner_url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text("UPDATE audit_log SET reason = 'edited' WHERE id = (SELECT min(id) FROM audit_log)"))
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
    engine.dispose()
    with pytest.raises(MigrationRefused, match="audit chain broken"):
        upgrade(owner_url)
    assert _revision(owner_url) == "0007"
