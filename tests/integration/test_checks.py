"""`run_checks`: a clean history passes; each invariant broken on purpose is reported."""

from decimal import Decimal

import pytest

from core.services.checks import run_checks
from core.services.ledger import Leg, post_moves
from tests import helpers


def _failing(db):
    return {c.name: c.violations for c in run_checks(db).checks if not c.ok}


@pytest.fixture
def history(db, clerk, supervisor, system):
    helpers.built_history(db, clerk, supervisor, system)
    return db


def test_a_real_history_passes(history):
    report = run_checks(history)
    assert report.ok, _failing(history)
    assert {c.name for c in report.checks} >= {"ledger_matches_balances", "no_negative_on_hand",
                                                "reserved_within_on_hand", "issued_lots_in_genealogy",
                                                "genealogy_acyclic", "movements_have_operator_and_terminal",
                                                "audit_chain_verifies"}


def test_balance_edited_behind_the_ledger(history):
    helpers.exec_sql(history, "UPDATE stock_balance SET qty = qty + 1 WHERE id = (SELECT min(id) FROM stock_balance)")
    assert list(_failing(history)) == ["ledger_matches_balances"]


def test_reservation_drift(history):
    helpers.exec_sql(history, "UPDATE stock_balance SET reserved = 1 WHERE reserved = 0 AND qty > 0"
                              " AND id = (SELECT min(id) FROM stock_balance WHERE reserved = 0 AND qty > 0)")
    assert list(_failing(history)) == ["reservations_match_balances"]


def test_genealogy_cycle_and_missing_link(history):
    helpers.exec_sql(history, "INSERT INTO genealogy (input_lot_id, output_lot_id, work_order_id, qty)"
                              " SELECT o.id, i.id, o.work_order_id, 1 FROM lot o, lot i"
                              " WHERE o.lot_no = 'WO-1-01' AND i.lot_no = 'IC-A'")
    assert "genealogy_acyclic" in _failing(history)
    helpers.exec_sql(history, "DELETE FROM genealogy WHERE input_lot_id = (SELECT id FROM lot WHERE lot_no = 'IC-B')")
    assert _failing(history)["issued_lots_in_genealogy"][0]["lot_id"] is not None


def test_tampered_audit_row(db, system):
    ids = helpers.small_site(db)
    post_moves(db, system, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(5), to_location_id=ids["A-01"],
                                           to_status="available")], key="r")
    helpers.exec_sql(db, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    helpers.exec_sql(db, "UPDATE audit_log SET reason = 'nothing to see' WHERE id = (SELECT max(id) FROM audit_log)")
    helpers.exec_sql(db, "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    assert list(_failing(db)) == ["audit_chain_verifies"]
