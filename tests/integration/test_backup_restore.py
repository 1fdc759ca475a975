"""Backup and restore on the real test server: a round trip with data passes `check` with equal counts, a backup
taken while a thread posts moves restores to a consistent copy, a restore onto a database holding data is refused
with nothing changed, a clerk may not back up."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import pytest
from sqlalchemy.engine import make_url

from core.db import Database, Urls, as_role
from core.errors import Conflict, InvalidInput, LinesideError, PermissionDenied
from core.services import anchors
from core.services.backup import backup, restore
from core.services.checks import run_checks
from core.services.ledger import Leg, post_moves
from tests import helpers
from tests.conftest import OWNER, RUNTIME, _admin, _url, owner_url_of

COUNTED = ("item", "lot", "location", "stock_balance", "movement", "audit_log", "operator", "outbox")


def urls_of(runtime: str) -> Urls:
    owner = owner_url_of(runtime)
    return Urls(runtime=runtime, owner=owner, admin=owner, embedded=False)


@pytest.fixture
def empty_target(pg_admin_url):
    """A freshly created database (CREATE DATABASE, never migrated), owned by the owner role, as the runtime role."""
    name = f"ls_t_{uuid.uuid4().hex[:12]}"
    _admin(pg_admin_url, f'CREATE DATABASE "{name}" OWNER {OWNER}')
    yield as_role(_url(pg_admin_url, name), RUNTIME)
    _admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def migrated_target(pg_admin_url, template_db):
    """Another migrated, empty database (what the embedded server leaves after its auto-migration)."""
    name = f"ls_t_{uuid.uuid4().hex[:12]}"
    _admin(pg_admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}" OWNER {OWNER}')
    yield as_role(_url(pg_admin_url, name), RUNTIME)
    _admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def counts(db: Database) -> dict[str, int]:
    return {t: helpers.scalar(db, f"SELECT count(*) FROM {t}") for t in COUNTED}


def with_history(db: Database, clerk, supervisor, system) -> None:
    helpers.built_history(db, clerk, supervisor, system)


def checked(db: Database, tmp_path) -> dict:
    report = run_checks(db, anchors_path=tmp_path / "anchors.jsonl")
    return {c.name: c.violations for c in report.checks if not c.ok}


@pytest.mark.parametrize("target", ["empty_target", "migrated_target"])
def test_round_trip_with_data_passes_check_and_keeps_counts(db, db_url, admin, clerk, supervisor, system,
                                                            tmp_path, target, request):
    with_history(db, clerk, supervisor, system)
    before = counts(db)
    assert before["movement"] > 0 and before["audit_log"] > 0
    done = backup(urls_of(db_url), tmp_path / "plant.dump", admin)
    assert done.bytes > 0 and done.file.exists() and done.tool.major >= 14
    assert helpers.scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'database.backup'") == 1

    restored_url = request.getfixturevalue(target)
    result = restore(urls_of(restored_url), done.file, runtime_role=RUNTIME, anchors_path=tmp_path / "anchors.jsonl")
    assert result.revision == helpers.scalar(db, "SELECT version_num FROM alembic_version")
    copy = Database(restored_url)
    try:
        after = counts(copy)
        assert after["audit_log"] == before["audit_log"] + 1  # the restore's own audit row
        assert {**after, "audit_log": before["audit_log"]} == before
        assert checked(copy, tmp_path) == {}
        assert helpers.scalar(copy, "SELECT count(*) FROM audit_log WHERE action = 'database.restored'") == 1
        # the owner owns every object; the runtime role can post again
        owners = helpers.rows(copy, "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class"
                                    " WHERE relnamespace = current_schema()::regnamespace")
        assert [r[0] for r in owners] == [OWNER]
        ids = {r.code: r.id for r in helpers.rows(copy, "SELECT code, id FROM location")}
        item = helpers.scalar(copy, "SELECT id FROM item ORDER BY id LIMIT 1")
        post_moves(copy, helpers.actor(copy, clerk.badge), "receipt",
                   [Leg(item, None, Decimal(1), to_location_id=next(iter(ids.values())), to_status="available")],
                   key="after-restore")
        assert checked(copy, tmp_path) == {}
    finally:
        copy.dispose()


def test_backup_while_a_thread_posts_moves_restores_consistent(db, db_url, admin, clerk, tmp_path, empty_target):
    ids = helpers.small_site(db)
    post_moves(db, clerk, "opening", [Leg(ids["IC"], ids["LOT1"], Decimal(1000), to_location_id=ids["A-01"],
                                          to_status="available")], key="open")
    stop, posted, errors = threading.Event(), [0], []

    def mover() -> None:
        n = 0
        while not stop.is_set():
            a, b = ("A-01", "A-02") if n % 2 == 0 else ("A-02", "A-01")
            try:
                post_moves(db, clerk, "move", [Leg(ids["IC"], ids["LOT1"], Decimal(1), ids[a], "available",
                                                    ids[b], "available")], key=f"mv-{n}")
                posted[0] += 1
            except Exception as exc:  # noqa: BLE001 — reported below
                errors.append(exc)
                return
            n += 1

    thread = threading.Thread(target=mover)
    thread.start()
    try:
        while posted[0] < 20:
            threading.Event().wait(0.01)
        done = backup(urls_of(db_url), tmp_path / "busy.dump", admin)
        during = posted[0]
    finally:
        stop.set()
        thread.join()
    assert not errors and during >= 20 and posted[0] > 20
    restore(urls_of(empty_target), done.file, runtime_role=RUNTIME, anchors_path=tmp_path / "anchors.jsonl")
    copy = Database(empty_target)
    try:
        assert checked(copy, tmp_path) == {}
        moved = helpers.scalar(copy, "SELECT count(*) FROM movement WHERE reason = 'move'") or helpers.scalar(
            copy, "SELECT count(*) FROM movement") - 1
        assert 20 <= moved <= posted[0]
        assert helpers.scalar(copy, "SELECT sum(qty) FROM stock_balance") == Decimal(1000)
    finally:
        copy.dispose()


def test_restore_refused_onto_a_database_holding_data(db, db_url, admin, clerk, tmp_path, migrated_target):
    done = backup(urls_of(db_url), tmp_path / "a.dump", admin)
    target = Database(migrated_target)
    try:
        helpers.small_site(target)
        before = counts(target)
        with pytest.raises(Conflict, match="holds data"):
            restore(urls_of(migrated_target), done.file, runtime_role=RUNTIME, anchors_path=tmp_path / "anchors.jsonl")
        assert counts(target) == before
    finally:
        target.dispose()


def test_backup_refuses_to_overwrite_without_force_and_a_clerk(db, db_url, admin, clerk, tmp_path):
    file = tmp_path / "b.dump"
    file.write_bytes(b"keep")
    with pytest.raises(Conflict, match="--force"):
        backup(urls_of(db_url), file, admin)
    assert file.read_bytes() == b"keep"
    with pytest.raises(PermissionDenied):
        backup(urls_of(db_url), tmp_path / "c.dump", clerk)
    assert not (tmp_path / "c.dump").exists()
    backup(urls_of(db_url), file, admin, force=True)
    assert file.read_bytes().startswith(b"PGDMP")
    assert [p.name for p in tmp_path.iterdir()] == ["b.dump"]  # no temporary file left


def test_restore_refuses_a_file_that_is_no_backup(tmp_path, empty_target):
    junk = tmp_path / "junk.dump"
    junk.write_text("not a dump")
    with pytest.raises(InvalidInput):
        restore(urls_of(empty_target), junk, runtime_role=RUNTIME, anchors_path=tmp_path / "anchors.jsonl")


def test_restore_into_the_same_home_holds_the_anchors(db, db_url, admin, clerk, supervisor, system, tmp_path,
                                                     pg_admin_url):
    """Anchored before and after the backup, the database dropped and restored under its own name (the same
    LINESIDE_HOME): check passes, the anchor taken after the backup is superseded by the restore's line, and the
    chain can be anchored again."""
    with_history(db, clerk, supervisor, system)
    path = anchors.anchors_file(tmp_path)
    anchors.anchor(db, home=tmp_path)
    done = backup(urls_of(db_url), tmp_path / "same.dump", admin)
    ids = {r.code: r.id for r in helpers.rows(db, "SELECT code, id FROM location")}
    item = helpers.scalar(db, "SELECT id FROM item WHERE sku = 'SCR-1'")
    for n in range(3):  # history after the backup, anchored: the restore sets it back
        post_moves(db, clerk, "receipt", [Leg(item, None, Decimal(1), to_location_id=ids["A-02"],
                                              to_status="available")], key=f"late-{n}")
    late = anchors.anchor(db, home=tmp_path)
    name = make_url(db_url).database
    db.dispose()
    _admin(pg_admin_url, f'DROP DATABASE "{name}" WITH (FORCE)')
    _admin(pg_admin_url, f'CREATE DATABASE "{name}" OWNER {OWNER}')
    result = restore(urls_of(db_url), done.file, runtime_role=RUNTIME, anchors_path=path)
    assert result.superseded_anchors == 1
    copy = Database(db_url)
    try:
        head = helpers.scalar(copy, "SELECT last_id FROM audit_head")
        assert head < late.seq
        report = run_checks(copy, anchors_path=path)
        assert [c.name for c in report.checks if not c.ok] == []
        assert any(c.name == anchors_check() for c in report.checks)
        assert anchors.anchor(copy, home=tmp_path).seq == head
    finally:
        copy.dispose()


def test_without_the_restore_line_a_set_back_chain_fails_the_anchors(db, db_url, admin, clerk, supervisor, system,
                                                                    tmp_path, pg_admin_url):
    """The other half: the same set-back chain, its restore line removed from the file, breaks the anchors check
    (so the line is what lets a deliberate restore pass, nothing looser)."""
    with_history(db, clerk, supervisor, system)
    path = anchors.anchors_file(tmp_path)
    done = backup(urls_of(db_url), tmp_path / "same.dump", admin)
    ids = {r.code: r.id for r in helpers.rows(db, "SELECT code, id FROM location")}
    item = helpers.scalar(db, "SELECT id FROM item WHERE sku = 'SCR-1'")
    for n in range(3):
        post_moves(db, clerk, "receipt", [Leg(item, None, Decimal(1), to_location_id=ids["A-02"],
                                              to_status="available")], key=f"late-{n}")
    anchors.anchor(db, home=tmp_path)
    name = make_url(db_url).database
    db.dispose()
    _admin(pg_admin_url, f'DROP DATABASE "{name}" WITH (FORCE)')
    _admin(pg_admin_url, f'CREATE DATABASE "{name}" OWNER {OWNER}')
    restore(urls_of(db_url), done.file, runtime_role=RUNTIME, anchors_path=path)
    lines = path.read_text().splitlines()
    assert '"restored":true' in lines[-1]
    path.write_text("\n".join(lines[:-1]) + "\n")
    copy = Database(db_url)
    try:
        failed = [c.name for c in run_checks(copy, anchors_path=path).checks if not c.ok]
        assert failed == [anchors_check()]
    finally:
        copy.dispose()


def anchors_check() -> str:
    from core.services.checks import AUDIT_ANCHORS

    return AUDIT_ANCHORS


def test_restore_refused_when_the_owner_role_does_not_own_the_schema(db_url, admin, tmp_path, pg_admin_url):
    """A database the DBA created for themselves: one clear line, nothing in it changed."""
    done = backup(urls_of(db_url), tmp_path / "d.dump", admin)
    name = f"ls_t_{uuid.uuid4().hex[:12]}"
    _admin(pg_admin_url, f'CREATE DATABASE "{name}"')
    try:
        url = as_role(_url(pg_admin_url, name), RUNTIME)
        with pytest.raises(LinesideError, match="cannot empty the schema") as refused:
            restore(urls_of(url), done.file, runtime_role=RUNTIME, anchors_path=tmp_path / "anchors.jsonl")
        assert len(str(refused.value).splitlines()) == 1
        dba = Database(_url(pg_admin_url, name))
        try:
            assert helpers.scalar(dba, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
            assert helpers.scalar(dba, "SELECT to_regnamespace('public') IS NOT NULL")
        finally:
            dba.dispose()
    finally:
        _admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
