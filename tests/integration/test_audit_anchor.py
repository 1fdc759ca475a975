"""Anchors outside the database: tampering by whoever holds the owner's credentials, each attack of issue 13
(every one passed `check` before anchors), now fails `check` once an anchor was taken before it."""

import json
import threading
from decimal import Decimal

import pytest
from alembic import command

from core.db import alembic_config
from core.errors import AuditChainBroken, MigrationRefused
from core.services import anchors
from core.services.anchors import Periodic, anchor
from core.services.audit import GENESIS
from core.services.checks import run_checks
from core.services.ledger import Leg, post_moves
from tests import helpers

# What an attacker with the owner's rights runs to make an edited chain verify again: every hash recomputed with
# the server's own functions, the head moved to the newest row.
RESEAL = f"""
    DO $$
    DECLARE r record; prev text := '{GENESIS}'; h text;
    BEGIN
        FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
            h := audit_cover(audit_hash(prev, r.at, r.operator_id, r.badge, r.terminal, r.action, r.entity,
                                        r.entity_key, r.reason, r.old, r.new), r.movement_batch, r.movements);
            UPDATE audit_log SET prev_hash = prev, hash = h WHERE id = r.id;
            prev := h;
        END LOOP;
        UPDATE audit_head SET last_id = coalesce((SELECT max(id) FROM audit_log), 0), hash = prev;
    END $$"""


@pytest.fixture
def history(db, clerk, supervisor, system):
    ids = helpers.built_history(db, clerk, supervisor, system)
    return ids


def _failing(db, home):
    return {c.name: c.violations for c in run_checks(db, anchors_path=home / anchors.FILE_NAME).checks if not c.ok}


def _as_owner(owner_db, *statements, triggers=("audit_log_append_only",)):
    """Statements run with the append-only triggers off, as the owner could."""
    tables = [t.removesuffix("_append_only").removesuffix("_no_truncate") for t in triggers]
    for table, trigger in zip(tables, triggers, strict=True):
        helpers.exec_sql(owner_db, f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    for sql in statements:
        helpers.exec_sql(owner_db, sql)
    for table, trigger in zip(tables, triggers, strict=True):
        helpers.exec_sql(owner_db, f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


def _receipt(db, system, key, qty=5):
    ids = {k: helpers.scalar(db, f"SELECT id FROM {t} WHERE {c} = '{v}'") for k, t, c, v in (
        ("IC", "item", "sku", "IC-1"), ("A-01", "location", "code", "A-01"))}
    post_moves(db, system, "receipt", [Leg(ids["IC"], None, Decimal(qty), to_location_id=ids["A-01"],
                                           to_status="available")], key=key)


def test_an_anchor_is_the_committed_head_on_file_and_as_an_event(db, history, tmp_path):
    done = anchor(db, home=tmp_path, terminal="T-TEST")
    head = helpers.scalar(db, "SELECT last_id FROM audit_head")
    assert (done.seq, done.hash) == (head, helpers.scalar(db, "SELECT hash FROM audit_log WHERE id = :i", i=head))
    (line,) = [json.loads(x) for x in (tmp_path / "audit-anchors.jsonl").read_text().splitlines()]
    assert line["seq"] == done.seq and line["hash"] == done.hash and line["at"] == done.at.isoformat()
    assert line["database"] == helpers.scalar(db, "SELECT current_database()")
    assert line["chain"] == helpers.scalar(db, "SELECT CAST(chain_id AS text) FROM audit_head")
    event = helpers.scalar(db, "SELECT data FROM outbox WHERE type = 'audit.anchored'")
    assert (event["seq"], event["hash"], event["terminal"]) == (done.seq, done.hash, "T-TEST")
    assert _failing(db, tmp_path) == {}


def test_no_anchors_file_holds_nothing_and_passes(db, history, tmp_path):
    assert _failing(db, tmp_path / "nowhere") == {}


def test_rehashing_the_chain_after_an_edit_fails(db, owner_db, history, tmp_path, system):
    anchor(db, home=tmp_path)
    _receipt(db, system, "after")  # the chain went on after the anchor
    _as_owner(owner_db, "UPDATE audit_log SET reason = 'nothing happened' WHERE id = (SELECT min(id) FROM audit_log)",
              RESEAL)
    failing = _failing(db, tmp_path)
    assert list(failing) == ["audit_anchors"]  # the chain verifies again: only the anchor knows
    assert [v["problem"] for v in failing["audit_anchors"]] == ["the anchored row's hash differs"]


def test_deleting_the_tail_and_rewinding_the_head_fails(db, owner_db, history, tmp_path):
    seq = anchor(db, home=tmp_path).seq
    _as_owner(owner_db, f"DELETE FROM audit_log WHERE id >= {seq - 2}",
              "UPDATE audit_head SET (last_id, hash) = (SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1)")
    failing = _failing(db, tmp_path)
    assert "audit_chain_verifies" not in failing  # what is left links up and the head names its newest row
    assert [v["problem"] for v in failing["audit_anchors"]] == ["the anchored row is gone",
                                                                 "the chain head is below the latest anchor"]


def test_truncating_the_trail_and_resetting_the_head_fails(db, owner_db, history, tmp_path):
    anchor(db, home=tmp_path)
    _as_owner(owner_db, "TRUNCATE audit_log", f"UPDATE audit_head SET last_id = 0, hash = '{GENESIS}'",
              triggers=("audit_log_no_truncate",))
    failing = _failing(db, tmp_path)
    assert "audit_chain_verifies" not in failing  # an empty chain verifies
    assert [v["problem"] for v in failing["audit_anchors"]] == ["the anchored row is gone",
                                                                 "the chain head is below the latest anchor"]


def _edit_a_receipt_and_its_balance(owner_db):
    """Five more of SCR-1 into A-02 (its opening stock), in the ledger and the balance alike: ledger = balances."""
    _as_owner(owner_db,
              "UPDATE movement SET qty = qty + 5 WHERE id = (SELECT min(id) FROM movement m WHERE to_location_id ="
              " (SELECT id FROM location WHERE code = 'A-02') AND item_id = (SELECT id FROM item WHERE sku = 'SCR-1'))",
              "UPDATE stock_balance SET qty = qty + 5 WHERE item_id = (SELECT id FROM item WHERE sku = 'SCR-1')"
              " AND location_id = (SELECT id FROM location WHERE code = 'A-02')",
              triggers=("movement_append_only",))


def test_a_movement_edited_with_its_balance_fails(db, owner_db, history, tmp_path):
    anchor(db, home=tmp_path)
    _edit_a_receipt_and_its_balance(owner_db)
    failing = _failing(db, tmp_path)
    assert list(failing) == ["movements_in_audit_chain"]
    assert [v["problem"] for v in failing["movements_in_audit_chain"]] == [
        "movements differ from what the audit chain holds"]


def test_a_movement_edited_with_its_audit_digest_and_a_resealed_chain_fails(db, owner_db, history, tmp_path):
    anchor(db, home=tmp_path)
    _edit_a_receipt_and_its_balance(owner_db)
    _as_owner(owner_db, "UPDATE audit_log a SET movements = movement_digest(a.movement_batch)"
                        " WHERE movement_batch IS NOT NULL", RESEAL)
    assert list(_failing(db, tmp_path)) == ["audit_anchors"]


def test_anchors_of_other_databases_are_not_held_but_a_replaced_chain_is_caught(db, history, tmp_path):
    path = tmp_path / anchors.FILE_NAME
    chain = helpers.scalar(db, "SELECT CAST(chain_id AS text) FROM audit_head")
    name = helpers.scalar(db, "SELECT current_database()")
    path.write_text(json.dumps({"seq": 10**9, "hash": "a" * 64, "at": "2026-01-01T00:00:00+00:00", "chain": chain,
                                "database": "some_other_db"}) + "\nnot json\n")
    assert _failing(db, tmp_path) == {}
    with path.open("a") as fh:  # this database's name, another chain: the chain was replaced under the name
        fh.write(json.dumps({"seq": 3, "hash": "b" * 64, "at": "2026-01-01T00:00:00+00:00",
                             "chain": "00000000-0000-0000-0000-000000000000", "database": name}) + "\n")
    assert [v["problem"] for v in _failing(db, tmp_path)["audit_anchors"]] == ["anchored under another chain id"]


def test_a_chain_broken_since_the_last_anchor_is_not_anchored(db, owner_db, history, tmp_path, system):
    anchor(db, home=tmp_path)
    _receipt(db, system, "after")
    _as_owner(owner_db, "UPDATE audit_log SET reason = 'edited' WHERE id = (SELECT max(id) FROM audit_log)")
    with pytest.raises(AuditChainBroken):
        anchor(db, home=tmp_path)
    assert len((tmp_path / anchors.FILE_NAME).read_text().splitlines()) == 1


def test_anchors_taken_while_terminals_post_are_committed_rows(db, history, tmp_path, system):
    """Several anchoring threads (as several processes would) and posting threads at once: every line is whole
    and names a committed row with its hash."""
    stop = threading.Event()

    def post(n):
        i = 0
        while not stop.is_set():
            _receipt(db, system, f"c{n}-{i}", qty=1)
            i += 1

    def anchoring():
        for _ in range(6):
            anchor(db, home=tmp_path)

    posters = [threading.Thread(target=post, args=(n,)) for n in range(2)]
    anchorers = [threading.Thread(target=anchoring) for _ in range(3)]
    for t in posters + anchorers:
        t.start()
    for t in anchorers:
        t.join()
    stop.set()
    for t in posters:
        t.join()
    lines = [json.loads(x) for x in (tmp_path / anchors.FILE_NAME).read_text().splitlines()]
    assert len(lines) == 18
    for line in lines:
        assert helpers.scalar(db, "SELECT hash FROM audit_log WHERE id = :i", i=line["seq"]) == line["hash"]
    assert _failing(db, tmp_path) == {}


def test_the_periodic_anchor_records_when_due_and_only_a_moved_head(db, history, tmp_path, system):
    now = [0.0]
    periodic = Periodic(db, 5, home=tmp_path, clock=lambda: now[0])
    path = tmp_path / anchors.FILE_NAME
    assert periodic.tick() is None and not path.exists()  # not yet due
    now[0] = 301
    first = periodic.tick()
    assert first is not None and len(path.read_text().splitlines()) == 1
    now[0] = 602
    assert periodic.tick() == first and len(path.read_text().splitlines()) == 1  # the head has not moved
    _receipt(db, system, "moved")
    now[0] = 903
    assert periodic.tick().seq > first.seq and len(path.read_text().splitlines()) == 2


def test_a_downgrade_that_would_reseal_a_tampered_chain_refuses(db, owner_db, owner_url, history):
    _as_owner(owner_db, "UPDATE audit_log SET reason = 'edited' WHERE id = (SELECT min(id) FROM audit_log)")
    db.dispose()
    owner_db.dispose()
    with pytest.raises(MigrationRefused, match="audit chain broken"):
        command.downgrade(alembic_config(owner_url), "0007")
    assert helpers.scalar(owner_db, "SELECT version_num FROM alembic_version") == helpers.head()
