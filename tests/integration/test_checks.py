"""`run_checks`: a clean history passes; each invariant broken on purpose is reported, naming what is wrong."""

from decimal import Decimal

import pytest

from core.services import issuing, production, workorders
from core.services.checks import run_checks
from core.services.ledger import Leg, post_moves
from tests import helpers

ALL = {"ledger_matches_balances", "no_negative_on_hand", "reserved_within_on_hand", "reservations_match_balances",
       "issued_lots_in_genealogy", "genealogy_acyclic", "serial_unique", "movements_have_operator_and_terminal",
       "count_variance", "movements_in_audit_chain", "audit_chain_verifies", "audit_anchors",
       "runtime_role_cannot_alter"}


def _failing(db):
    return {c.name: c.violations for c in run_checks(db).checks if not c.ok}


@pytest.fixture
def history(db, clerk, supervisor, system):
    helpers.built_history(db, clerk, supervisor, system)
    return db


def test_a_real_history_passes(history):
    report = run_checks(history)
    assert report.ok, _failing(history)
    assert {c.name for c in report.checks} == ALL
    assert helpers.scalar(history, "SELECT count(*) FROM genealogy") > 0  # the genealogy checks had work to do


def test_balance_edited_behind_the_ledger(history):
    helpers.exec_sql(history, "UPDATE stock_balance SET qty = qty + 1 WHERE id = (SELECT b.id FROM stock_balance b"
                              " JOIN lot l ON l.id = b.lot_id WHERE l.lot_no = 'IC-B')")
    failing = _failing(history)
    assert list(failing) == ["ledger_matches_balances"]
    (v,) = failing["ledger_matches_balances"]
    assert (v["location"], v["sku"], v["lot"], v["balance"] - v["ledger"]) == ("A-02", "IC-1", "IC-B", 1)


def test_negative_on_hand_and_reserved_above_on_hand(history):
    # the schema's CHECKs forbid both; drop them so the check itself is what catches the damage
    helpers.owner_sql(history, "ALTER TABLE stock_balance DROP CONSTRAINT ck_stock_balance_qty_nonneg,"
                              " DROP CONSTRAINT ck_stock_balance_reserved_within_qty")
    helpers.exec_sql(history, "UPDATE stock_balance SET qty = -1 WHERE item_id = (SELECT id FROM item"
                              " WHERE sku = 'SCR-1') AND location_id = (SELECT id FROM location WHERE code = 'A-02')")
    failing = _failing(history)
    assert failing["no_negative_on_hand"] == [{"location": "A-02", "sku": "SCR-1", "lot": None,
                                               "status": "available", "qty": -1}]
    assert set(failing) == {"no_negative_on_hand", "reserved_within_on_hand", "ledger_matches_balances"}
    helpers.exec_sql(history, "UPDATE stock_balance SET qty = 5, reserved = 7 WHERE id = (SELECT b.id FROM"
                              " stock_balance b JOIN lot l ON l.id = b.lot_id WHERE l.lot_no = 'IC-B')")
    violations = _failing(history)["reserved_within_on_hand"]
    assert {"lot": "IC-B", "qty": 5, "reserved": 7} in [{k: v[k] for k in ("lot", "qty", "reserved")}
                                                         for v in violations]


def test_reservation_drift(history):
    helpers.exec_sql(history, "UPDATE stock_balance SET reserved = 1 WHERE reserved = 0 AND qty > 0"
                              " AND id = (SELECT min(id) FROM stock_balance WHERE reserved = 0 AND qty > 0"
                              " AND status = 'available')")
    assert list(_failing(history)) == ["reservations_match_balances"]


def test_movement_without_terminal(history, owner_db):
    helpers.exec_sql(owner_db, "ALTER TABLE movement DISABLE TRIGGER movement_append_only")
    helpers.exec_sql(owner_db, "UPDATE movement SET terminal = ' ' WHERE id = (SELECT min(id) FROM movement)")
    helpers.exec_sql(owner_db, "ALTER TABLE movement ENABLE TRIGGER movement_append_only")
    failing = _failing(history)
    # the edited row is no longer what the audit chain covers, either
    assert list(failing) == ["movements_have_operator_and_terminal", "movements_in_audit_chain"]
    assert failing["movements_have_operator_and_terminal"][0]["movement_id"] == helpers.scalar(
        history, "SELECT min(id) FROM movement")


def test_genealogy_cycle_and_missing_link(history):
    helpers.exec_sql(history, "INSERT INTO genealogy (input_lot_id, output_lot_id, work_order_id, qty)"
                              " SELECT o.id, i.id, o.work_order_id, 1 FROM lot o, lot i"
                              " WHERE o.lot_no = 'WO-1-01' AND i.lot_no = 'IC-A'")
    failing = _failing(history)
    # IC-A -> WO-1-01 -> IC-A is the cycle; WO-2-01, downstream of IC-A, is not on it
    assert {v["lot"] for v in failing["genealogy_acyclic"]} == {"IC-A", "WO-1-01"}
    helpers.exec_sql(history, "DELETE FROM genealogy WHERE input_lot_id = (SELECT id FROM lot WHERE lot_no = 'IC-B')")
    assert _failing(history)["issued_lots_in_genealogy"] == [
        {"work_order": "WO-2", "issued_lot": "IC-B", "output_lot": "WO-2-01"}]


def test_a_lot_issued_after_a_partial_output_is_not_yet_missing(db, clerk, supervisor, system):
    helpers.production_site(db)
    for lot in ("IC-A", "IC-B"):
        helpers.put_stock(db, system, "IC-1", lot, "LS-L1", 10)
    helpers.put_stock(db, system, "SCR-1", None, "LS-L1", 100)
    helpers.add_work_order(db, "WO-9", "PCBA-1", 10)
    workorders.release(db, supervisor, "WO-9")
    issuing.issue(db, clerk, key="i1", wo_number="WO-9", lot="IC-A", qty=Decimal(10))
    production.report_output(db, clerk, key="o1", wo_number="WO-9", good=Decimal(5))
    issuing.issue(db, clerk, key="i2", wo_number="WO-9", lot="IC-B", qty=Decimal(10))
    assert run_checks(db).ok, _failing(db)  # IC-B went in after WO-9-01 came out: nothing to link yet
    production.report_output(db, clerk, key="o2", wo_number="WO-9", good=Decimal(5))
    assert run_checks(db).ok, _failing(db)
    helpers.exec_sql(db, "DELETE FROM genealogy WHERE output_lot_id = (SELECT id FROM lot WHERE lot_no = 'WO-9-02')"
                         " AND input_lot_id = (SELECT id FROM lot WHERE lot_no = 'IC-B')")
    assert _failing(db) == {"issued_lots_in_genealogy": [
        {"work_order": "WO-9", "issued_lot": "IC-B", "output_lot": "WO-9-02"}]}


def test_genealogy_checks_pass_while_the_table_is_absent(history):
    helpers.owner_sql(history, "DROP TABLE genealogy")  # a schema older than production
    report = run_checks(history)
    assert report.ok, _failing(history)
    assert {c.name for c in report.checks} == ALL


def test_tampered_audit_row(db, system):
    ids = helpers.small_site(db)
    post_moves(db, system, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(5), to_location_id=ids["A-01"],
                                           to_status="available")], key="r")
    assert run_checks(db).ok
    helpers.owner_sql(db, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    helpers.owner_sql(db, "UPDATE audit_log SET reason = 'nothing to see' WHERE id = (SELECT max(id) FROM audit_log)")
    helpers.owner_sql(db, "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    failing = _failing(db)
    assert list(failing) == ["audit_chain_verifies"]
    assert failing["audit_chain_verifies"] == [{"audit_id": helpers.scalar(db, "SELECT max(id) FROM audit_log"),
                                                "problem": "hash does not match the row's content"}]


def test_newest_audit_row_deleted(db, system):
    """Deleting the newest rows leaves an intact-looking chain; the head, locked by every append, says otherwise."""
    ids = helpers.small_site(db)
    for key in ("r1", "r2"):
        post_moves(db, system, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(5), to_location_id=ids["A-01"],
                                               to_status="available")], key=key)
    newest = helpers.scalar(db, "SELECT max(id) FROM audit_log")
    helpers.owner_sql(db, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    helpers.owner_sql(db, "DELETE FROM audit_log WHERE id = :i", i=newest)
    helpers.owner_sql(db, "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    failing = _failing(db)
    assert failing["audit_chain_verifies"] == [{"audit_id": newest,
                                                "problem": "the chain head does not match the newest row"}]
    # and the receipt that row covered is now in no audit row
    assert [v["problem"] for v in failing.pop("movements_in_audit_chain")] == ["movements no audit row covers"]
    assert list(failing) == ["audit_chain_verifies"]


def test_audit_row_forged_past_the_seal(db, system):
    """A row written with the seal trigger off, with a made-up hash, breaks the chain where it stands."""
    ids = helpers.small_site(db)
    post_moves(db, system, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(5), to_location_id=ids["A-01"],
                                           to_status="available")], key="r1")
    helpers.owner_sql(db, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_seal")
    helpers.owner_sql(db, "INSERT INTO audit_log (at, terminal, action, entity, prev_hash, hash)"
                         " SELECT now(), 'X', 'forged', 'stock', hash, repeat('f', 64) FROM audit_head")
    helpers.owner_sql(db, "ALTER TABLE audit_log ENABLE TRIGGER audit_log_seal")
    forged = helpers.scalar(db, "SELECT id FROM audit_log WHERE action = 'forged'")
    failing = _failing(db)["audit_chain_verifies"]
    assert {"audit_id": forged, "problem": "hash does not match the row's content"} in failing
