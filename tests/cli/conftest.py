"""CLI tests: typer's CliRunner against the test database (settings and the cached Database reset)."""

import pytest
from typer.testing import CliRunner

import cli.common
import core.config
from tests.conftest import owner_url_of


@pytest.fixture
def cli_env(db_url, monkeypatch):
    """Point the CLI at this test's database; returns a runner whose invoke() returns (exit_code, stdout, stderr)."""
    monkeypatch.setenv("LINESIDE_DATABASE_URL", db_url)
    monkeypatch.setenv("LINESIDE_OWNER_DATABASE_URL", owner_url_of(db_url))
    monkeypatch.setenv("LINESIDE_LANG", "en")
    monkeypatch.setenv("LINESIDE_TERMINAL", "T-CLI")
    core.config.settings.cache_clear()
    cli.common.database.cache_clear()
    yield CliRunner()
    core.config.settings.cache_clear()
    db = cli.common.database.cache_info().currsize and cli.common.database()
    if db:
        db.dispose()
    cli.common.database.cache_clear()


ADMIN_BADGE, ADMIN_PIN = "A-CLI", "246810"


@pytest.fixture
def as_admin(cli_env, db_url, monkeypatch):
    """An admin who can sign in exists (so the CLI no longer acts as SYSTEM), and the CLI acts as them:
    LINESIDE_BADGE and LINESIDE_PIN set. Returns the runner, like cli_env."""
    from core.db import Database
    from tests import helpers

    db = Database(db_url)
    helpers.make_operator(db, ADMIN_BADGE, ["admin"], pin=ADMIN_PIN)
    db.dispose()
    monkeypatch.setenv("LINESIDE_BADGE", ADMIN_BADGE)
    monkeypatch.setenv("LINESIDE_PIN", ADMIN_PIN)
    return cli_env
