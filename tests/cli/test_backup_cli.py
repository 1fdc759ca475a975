"""`lineside backup FILE [--force]` / `lineside restore FILE --yes` on the central test server: a round trip
after which `check` passes, the refusals (no --yes, a clerk, a database holding data, an existing FILE)."""

import json
import uuid

import pytest

import cli.common
import core.config
from cli.main import app
from core.db import Database, as_role
from tests import helpers
from tests.cli.conftest import ADMIN_BADGE, ADMIN_PIN
from tests.conftest import OWNER, RUNTIME, _admin, _url, owner_url_of


@pytest.fixture
def home(tmp_path, monkeypatch):
    """LINESIDE_HOME in this test's folder (the anchors file lives there)."""
    monkeypatch.setenv("LINESIDE_HOME", str(tmp_path / "home"))
    core.config.settings.cache_clear()
    return tmp_path / "home"


@pytest.fixture
def target(pg_admin_url):
    """A freshly created, never migrated database, as the runtime role."""
    name = f"ls_t_{uuid.uuid4().hex[:12]}"
    _admin(pg_admin_url, f'CREATE DATABASE "{name}" OWNER {OWNER}')
    yield as_role(_url(pg_admin_url, name), RUNTIME)
    _admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def point_at(monkeypatch, url: str) -> None:
    """The CLI's configured database becomes `url` (its owner for migrations and restore)."""
    monkeypatch.setenv("LINESIDE_DATABASE_URL", url)
    monkeypatch.setenv("LINESIDE_OWNER_DATABASE_URL", owner_url_of(url))
    core.config.settings.cache_clear()
    if cli.common.database.cache_info().currsize:
        cli.common.database().dispose()
    cli.common.database.cache_clear()


def tables(url: str) -> list[str]:
    db = Database(url)
    try:
        return [r[0] for r in helpers.rows(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    finally:
        db.dispose()


def with_stock(db_url: str) -> None:
    db = Database(db_url)
    try:
        helpers.small_site(db)
        helpers.put_stock(db, helpers.actor(db, "SYSTEM"), "IC-1", "LOT-9", "A-01", 40)
    finally:
        db.dispose()


def test_round_trip_then_check_passes(as_admin, db_url, target, home, tmp_path, monkeypatch):
    with_stock(db_url)
    file = tmp_path / "plant.dump"
    result = as_admin.invoke(app, ["backup", str(file), "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["file"] == str(file) and doc["bytes"] == file.stat().st_size > 0 and "pg_dump" in doc
    assert as_admin.invoke(app, ["stock", "--json"]).stdout.count('"LOT-9"') == 1
    stock_before = json.loads(as_admin.invoke(app, ["stock", "--json"]).stdout)

    point_at(monkeypatch, target)
    result = as_admin.invoke(app, ["restore", str(file), "--yes"])  # as A-CLI: an admin in the restored data
    assert result.exit_code == 0, result.stderr
    assert "Restored" in result.stdout
    check = as_admin.invoke(app, ["check", "--json"])
    assert check.exit_code == 0 and json.loads(check.stdout)["ok"] is True, check.stdout
    assert json.loads(as_admin.invoke(app, ["stock", "--json"]).stdout) == stock_before
    db = Database(target)
    try:
        assert helpers.scalar(db, "SELECT badge FROM audit_log WHERE action = 'database.restored'") == ADMIN_BADGE
        assert helpers.scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'database.backup'") == 0
    finally:
        db.dispose()
    again = as_admin.invoke(app, ["restore", str(file), "--yes"])  # now it holds data
    assert again.exit_code == 1 and "holds data" in again.stderr and len(again.stderr.strip().splitlines()) == 1


def test_restore_without_yes_does_nothing(cli_env, db_url, target, home, tmp_path, monkeypatch):
    file = tmp_path / "a.dump"
    assert cli_env.invoke(app, ["backup", str(file)]).exit_code == 0  # no admin yet: the exemption
    point_at(monkeypatch, target)
    result = cli_env.invoke(app, ["restore", str(file)])
    assert result.exit_code == 1 and "--yes" in result.stderr
    assert tables(target) == []


def test_a_clerk_may_neither_back_up_nor_restore(as_admin, db_url, target, home, tmp_path, monkeypatch):
    db = Database(db_url)
    helpers.make_operator(db, "C-CLI", ["clerk"], pin="1357")
    db.dispose()
    file = tmp_path / "c.dump"
    monkeypatch.setenv("LINESIDE_PIN", "1357")
    result = as_admin.invoke(app, ["backup", str(file), "--as", "C-CLI"])
    assert result.exit_code == 1 and "Not allowed" in result.stderr and not file.exists()
    monkeypatch.setenv("LINESIDE_PIN", ADMIN_PIN)
    monkeypatch.delenv("LINESIDE_BADGE")
    refused = as_admin.invoke(app, ["backup", str(file)])  # an admin exists: nobody named, refused
    assert refused.exit_code == 1 and "--as BADGE" in refused.stderr and not file.exists()
    assert as_admin.invoke(app, ["backup", str(file), "--as", ADMIN_BADGE]).exit_code == 0

    point_at(monkeypatch, target)
    monkeypatch.setenv("LINESIDE_PIN", "1357")
    result = as_admin.invoke(app, ["restore", str(file), "--yes", "--as", "C-CLI"])
    assert result.exit_code == 1 and "Not allowed" in result.stderr
    assert tables(target) == []  # emptied again: a clerk's restore leaves nothing behind


def test_backup_keeps_an_existing_file_unless_force(as_admin, tmp_path, home):
    file = tmp_path / "keep.dump"
    file.write_bytes(b"mine")
    result = as_admin.invoke(app, ["backup", str(file)])
    assert result.exit_code == 1 and "--force" in result.stderr and file.read_bytes() == b"mine"
    assert as_admin.invoke(app, ["backup", str(file), "--force"]).exit_code == 0
    assert file.read_bytes().startswith(b"PGDMP")
    assert "--force" in as_admin.invoke(app, ["backup", "--help"]).stdout


def test_the_refusal_reads_in_chinese(cli_env, tmp_path, monkeypatch):
    monkeypatch.setenv("LINESIDE_LANG", "zh_CN")
    core.config.settings.cache_clear()
    result = cli_env.invoke(app, ["restore", str(tmp_path / "x.dump")])
    assert result.exit_code == 1 and result.stderr.strip() == "恢复会替换整个数据库：请加 --yes"
