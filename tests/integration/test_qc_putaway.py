"""QC inspection and directed putaway on real PostgreSQL."""

from decimal import Decimal

import pytest

from core.errors import InvalidInput, PermissionDenied, WrongLocation
from core.services import putaway, qc
from core.services.receiving import ReceiveCommand, receive
from tests import helpers

D = Decimal


@pytest.fixture
def site(db):
    ids = helpers.small_site(db)
    helpers.exec_sql(db, "UPDATE item SET qc_required = true, abc = 'A' WHERE sku = 'IC-1'")
    helpers.exec_sql(db, "INSERT INTO supplier (code, name) VALUES ('SUP-1', 'S')")
    helpers.exec_sql(db, "INSERT INTO location (warehouse_id, code, kind, pick_sequence, capacity_lots)"
                         " VALUES (:w, 'C-99', 'storage', 99, 1)", w=ids["wh"])
    return ids


def _receive(db, clerk, lot, sku="IC-1", qty=10):
    return receive(db, clerk, ReceiveCommand(key=f"r-{lot}-{sku}", sku=sku, lot=lot if sku == "IC-1" else None,
                                             qty=D(qty), supplier="SUP-1"))


def _where(db, lot):
    return helpers.rows(db, "SELECT l.code, b.status, b.qty FROM stock_balance b"
                            " JOIN location l ON l.id = b.location_id"
                            " JOIN lot t ON t.id = b.lot_id WHERE t.lot_no = :n", n=lot)


def test_held_lot_goes_to_quarantine_then_passes_and_goes_to_storage(db, clerk, inspector, site):
    _receive(db, clerk, "H1")
    s = putaway.suggest(db, clerk, "H1")
    assert (s.location, s.rule, s.status) == ("QA", "quarantine", "qc_hold")
    putaway.confirm(db, clerk, key="p1", lot="H1", location="QA")
    assert _where(db, "H1") == [("QA", "qc_hold", 10)]
    r = qc.inspect(db, inspector, key="q1", lot="H1", passed=True, pin="1234")
    assert r.status == "available" and r.passed and r.qty == 10
    assert helpers.rows(db, "SELECT qc_status, inspected_by FROM lot WHERE lot_no = 'H1'")[0] == (
        "passed", inspector.operator_id)
    s = putaway.suggest(db, clerk, "H1")
    assert (s.location, s.rule) == ("A-01", "empty")  # class A: nearest the exit
    putaway.confirm(db, clerk, key="p2", lot="H1", location="A-01")
    assert _where(db, "H1") == [("A-01", "available", 10)]
    assert helpers.scalar(db, "SELECT putaway_at IS NOT NULL FROM receipt") is True
    assert helpers.scalar(db, "SELECT count(*) FROM outbox WHERE type = 'putaway.confirmed'") == 2


def test_failed_inspection_rejects_into_quarantine(db, clerk, inspector, site):
    _receive(db, clerk, "F1")
    with pytest.raises(InvalidInput):
        qc.inspect(db, inspector, key="q1", lot="F1", passed=False, pin="1234")
    qc.inspect(db, inspector, key="q1", lot="F1", passed=False, reason="damaged", pin="1234")
    assert _where(db, "F1") == [("QA", "rejected", 10)]
    with pytest.raises(InvalidInput, match="not in QC hold"):
        qc.inspect(db, inspector, key="q2", lot="F1", passed=True, pin="1234")


def test_only_inspectors_inspect(db, clerk, supervisor, site):
    _receive(db, clerk, "X1")
    for who in (clerk, supervisor):
        with pytest.raises(PermissionDenied):
            qc.inspect(db, who, key="q", lot="X1", passed=True, pin="1234")
    assert _where(db, "X1") == [("DOCK", "qc_hold", 10)]


def test_consolidation_and_home_location(db, clerk, site):
    helpers.exec_sql(db, "UPDATE item SET home_location_id = (SELECT id FROM location WHERE code = 'A-02')"
                         " WHERE sku = 'IC-1'")
    helpers.exec_sql(db, "UPDATE item SET qc_required = false WHERE sku = 'IC-1'")
    _receive(db, clerk, "K1")
    assert putaway.suggest(db, clerk, "K1").rule == "home"
    putaway.confirm(db, clerk, key="p1", lot="K1", location="A-02")
    helpers.exec_sql(db, "UPDATE item SET home_location_id = NULL WHERE sku = 'IC-1'")
    _receive(db, clerk, "K2")
    s = putaway.suggest(db, clerk, "K2")
    assert (s.location, s.rule) == ("A-02", "consolidate")


def test_wrong_location_refused_unless_f3_reason(db, clerk, site):
    helpers.exec_sql(db, "UPDATE item SET qc_required = false WHERE sku = 'IC-1'")
    _receive(db, clerk, "W1")
    with pytest.raises(WrongLocation, match="put it in A-01"):
        putaway.confirm(db, clerk, key="p1", lot="W1", location="A-02")
    assert _where(db, "W1") == [("DOCK", "available", 10)]
    with pytest.raises(WrongLocation, match="not a storage"):
        putaway.confirm(db, clerk, key="p1", lot="W1", location="LS-L1", override_reason="other")
    r = putaway.confirm(db, clerk, key="p1", lot="W1", location="C-99", override_reason="location_full")
    assert (r.location, r.suggested) == ("C-99", "A-01")
    assert helpers.scalar(db, "SELECT reason FROM movement WHERE kind = 'putaway'") == "location_full"
    _receive(db, clerk, "W2")
    with pytest.raises(WrongLocation, match="full"):
        putaway.confirm(db, clerk, key="p2", lot="W2", location="C-99", override_reason="other")


def test_nothing_to_put_away(db, clerk, site):
    with pytest.raises(InvalidInput, match="waiting for putaway"):
        putaway.suggest(db, clerk, "L1")


def test_a_failed_lot_in_a_warehouse_without_quarantine_says_which_warehouse(db, clerk, inspector, site):
    from core.errors import NotFound

    _receive(db, clerk, "NQ-1")
    helpers.exec_sql(db, "UPDATE location SET kind = 'storage' WHERE kind = 'quarantine'")
    with pytest.raises(NotFound) as refused:
        qc.inspect(db, inspector, key="q", lot="NQ-1", passed=False, reason="damaged", pin="1234")
    assert str(refused.value) == "No quarantine location in warehouse RM"
    assert _where(db, "NQ-1") == [("DOCK", "qc_hold", 10)]  # nothing moved
