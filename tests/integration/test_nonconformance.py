"""Nonconformance dispositions, each signed: scrap through the ledger, rework held until it passes, use as is."""

from decimal import Decimal

import pytest

from core.errors import InvalidInput, PermissionDenied, SignatureLocked, SignatureRefused
from core.reasons import UseAsIsReason
from core.services import nonconformance, operations, production
from core.services.checks import run_checks
from tests import helpers
from tests.integration.shopfloor_site import floor_site, released_and_issued

D = Decimal
BAD = {"thickness": "90", "temperature": "20"}
OK = {"thickness": "50", "temperature": "20"}


@pytest.fixture
def held(db, system, clerk, supervisor, tmp_path):
    """WO-1: 10 through SMT, 10 coated out of limits, output 10 on hold, one open nonconformance."""
    floor_site(db, system, tmp_path)
    released_and_issued(db, clerk, supervisor)
    for n, wc in ((1, "SMT-1"), (2, "COAT-1")):
        operations.start(db, clerk, key=f"s{n}", work_center=wc, wo_number="WO-1")
        operations.finish(db, clerk, key=f"f{n}", work_center=wc, wo_number="WO-1", good=D(10),
                          measurements=BAD if wc == "COAT-1" else None)
    out = production.report_output(db, clerk, key="o1", wo_number="WO-1", good=D(10))
    return helpers.scalar(db, "SELECT id FROM nonconformance"), out.lots[0]


def _lot(db, lot):
    return helpers.rows(db, "SELECT b.status, b.qty FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                            " WHERE l.lot_no = :l", l=lot)


def test_scrap_disposition_scraps_the_held_lot_and_carries_the_signature(db, inspector, held):
    nc_id, lot = held
    assert _lot(db, lot) == [("qc_hold", 10)]
    done = nonconformance.dispose(db, inspector, key="d1", nc_id=nc_id, disposition="scrap", pin="1234")
    assert (done.status, done.qty, done.badge, done.meaning) == ("closed", 10, "Q900", "scrapped")
    assert _lot(db, lot) == []
    assert helpers.scalar(db, "SELECT sum(qty) FROM movement WHERE kind = 'scrap'") == 10
    audit = helpers.scalar(db, "SELECT new FROM audit_log WHERE action = 'nc.dispose'")
    assert (audit["signed_by"], audit["badge"], audit["meaning"]) == ("Operator Q900", "Q900", "scrapped")
    assert audit["signed_at"]
    with pytest.raises(InvalidInput, match="already disposed"):
        nonconformance.dispose(db, inspector, key="d2", nc_id=nc_id, disposition="use_as_is",
                               reason=UseAsIsReason.COSMETIC,
                               pin="1234")
    assert run_checks(db).ok


def test_a_wrong_pin_writes_nothing_and_counts_toward_the_lockout(db, inspector, held):
    nc_id, lot = held
    for n in range(4):
        with pytest.raises(SignatureRefused):
            nonconformance.dispose(db, inspector, key=f"w{n}", nc_id=nc_id, disposition="scrap", pin="9999")
    assert helpers.scalar(db, "SELECT failed_attempts FROM operator WHERE badge = 'Q900'") == 4
    with pytest.raises(SignatureRefused):  # the fifth wrong PIN locks the badge
        nonconformance.dispose(db, inspector, key="w5", nc_id=nc_id, disposition="scrap", pin="9999")
    with pytest.raises(SignatureLocked):  # locked: refused even with the right PIN
        nonconformance.dispose(db, inspector, key="w6", nc_id=nc_id, disposition="scrap", pin="1234")
    assert _lot(db, lot) == [("qc_hold", 10)]
    assert helpers.scalar(db, "SELECT status FROM nonconformance") == "open"


def test_rework_keeps_the_lot_held_until_the_rework_passes(db, clerk, supervisor, held):
    nc_id, lot = held
    with pytest.raises(InvalidInput, match="needs a work centre"):
        nonconformance.dispose(db, supervisor, key="d0", nc_id=nc_id, disposition="rework", pin="1234")
    done = nonconformance.dispose(db, supervisor, key="d1", nc_id=nc_id, disposition="rework",
                                  work_center="REW-1", pin="1234")
    assert (done.status, done.work_center, done.op_no, done.meaning) == ("open", "REW-1", 21, "rework")
    assert _lot(db, lot) == [("qc_hold", 10)]
    operations.start(db, clerk, key="r1", work_center="REW-1", wo_number="WO-1")  # the order is completed
    again = operations.finish(db, clerk, key="r2", work_center="REW-1", wo_number="WO-1", good=D(10),
                              measurements=BAD)
    assert again.failed == ("thickness",) and _lot(db, lot) == [("qc_hold", 10)]  # failed again: a new NC
    second = again.nonconformances[0]
    nonconformance.dispose(db, supervisor, key="d2", nc_id=second, disposition="rework", work_center="REW-1",
                           pin="1234")
    operations.start(db, clerk, key="r3", work_center="REW-1", wo_number="WO-1")
    passed = operations.finish(db, clerk, key="r4", work_center="REW-1", wo_number="WO-1", good=D(10),
                               measurements=OK)
    assert passed.failed == () and passed.rework
    assert _lot(db, lot) == [("available", 10)]
    assert helpers.rows(db, "SELECT status FROM nonconformance ORDER BY id") == [("closed",), ("closed",)]


def test_use_as_is_releases_with_a_reason_from_the_list(db, inspector, held):
    nc_id, lot = held
    for missing in (None, "  ", "Customer deviation 42"):  # none, or not on the list: refused in core
        with pytest.raises(InvalidInput, match="used as is"):
            nonconformance.dispose(db, inspector, key="d1", nc_id=nc_id, disposition="use_as_is", reason=missing,
                                   pin="1234")
    assert [r.label for r in UseAsIsReason.choices()] == [
        "Within tolerance after review", "Customer concession", "Cosmetic only", "Other"]
    done = nonconformance.dispose(db, inspector, key="d1", nc_id=nc_id, disposition="use_as_is",
                                  reason="customer_concession", pin="1234")  # the code, as the CLI/JSON send it
    assert (done.status, done.qty, done.meaning) == ("closed", 10, "use_as_is")
    assert _lot(db, lot) == [("available", 10)]
    assert helpers.scalar(db, "SELECT disposition_reason FROM nonconformance") == "customer_concession"
    audit = helpers.scalar(db, "SELECT reason FROM audit_log WHERE action = 'nc.dispose'")
    assert audit == "customer_concession"


def test_only_quality_or_a_supervisor_disposes_and_quality_raises_on_a_lot(db, clerk, inspector, held):
    nc_id, lot = held
    with pytest.raises(PermissionDenied):
        nonconformance.dispose(db, clerk, key="d1", nc_id=nc_id, disposition="scrap", pin="1234")
    nonconformance.dispose(db, inspector, key="d2", nc_id=nc_id, disposition="use_as_is",
                           reason=UseAsIsReason.WITHIN_TOLERANCE,
                           pin="1234")
    raised = nonconformance.raise_on_lot(db, inspector, key="n1", lot=lot, reason="Scratched")
    assert (raised.qty, raised.lot) == (10, lot) and _lot(db, lot) == [("qc_hold", 10)]
    assert helpers.scalar(db, "SELECT count(*) FROM outbox WHERE type = 'nc.raised'") == 2
    with pytest.raises(InvalidInput, match="no work order to rework"):
        helpers.exec_sql(db, "UPDATE nonconformance SET work_order_id = NULL WHERE id = :n", n=raised.id)
        nonconformance.dispose(db, inspector, key="d3", nc_id=raised.id, disposition="rework",
                               work_center="REW-1", pin="1234")
