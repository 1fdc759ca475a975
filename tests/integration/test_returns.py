"""Return to stock: line-side stock back to putaway's suggested location, reservations released, damaged to
quarantine blocked; refusals write nothing; a replayed key has one effect."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import InvalidInput, PermissionDenied, WrongLocation
from core.services import picking, returns, workorders
from tests import helpers


@pytest.fixture
def line(db, system):
    """WO-1 released, lot IC-A picked to LS-L1 (reserved for WO-1); 10 free SCR-1 there too."""
    helpers.production_site(db)
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 300, expiry="2030-02-01")
    helpers.put_stock(db, system, "SCR-1", None, "LS-L1", 10)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 100)
    clerk = helpers.make_operator(db, "C001", ["clerk"])
    supervisor = helpers.make_operator(db, "S001", ["supervisor"], pin="9876")
    workorders.release(db, supervisor, "WO-1")
    tasks = [t for t in picking.claim(db, clerk, "WO-1") if t.lot == "IC-A"]
    picking.post_picks(db, clerk, key="pk", wo_number="WO-1", drop_location="LS-L1",
                       lines=[picking.PickLine(t.id, t.qty, t.lot) for t in tasks])
    return clerk


def _balances(db):
    return [tuple(r) for r in helpers.rows(
        db, "SELECT l.code, i.sku, lt.lot_no, b.status, b.qty, b.reserved FROM stock_balance b"
            " JOIN item i ON i.id = b.item_id LEFT JOIN lot lt ON lt.id = b.lot_id"
            " JOIN location l ON l.id = b.location_id WHERE b.qty > 0 ORDER BY 1, 2, 3")]


def _reserved(db):
    return helpers.scalar(db, "SELECT coalesce(sum(qty), 0) FROM reservation r JOIN location l"
                              " ON l.id = r.location_id WHERE l.kind = 'line_side'")


def _counts(db):
    return (helpers.scalar(db, "SELECT count(*) FROM movement"), helpers.scalar(db, "SELECT count(*) FROM audit_log"))


def test_return_releases_the_work_orders_reservation(db, line):
    assert returns.at_line(db, line, lot="IC-A").qty == 200
    reserved = _reserved(db)
    s = returns.suggest(db, line, lot="IC-A", reason="surplus")
    assert (s.location, s.status) == ("A-01", "available")  # consolidate with the rest of IC-1
    done = returns.return_to_stock(db, line, key="r1", lot="IC-A", qty=Decimal(50), reason="surplus",
                                   location="A-01")
    assert (done.qty, done.location, done.status, done.work_orders) == (50, "A-01", "available", ("WO-1",))
    assert _reserved(db) == reserved - done.released
    legs = helpers.rows(db, "SELECT kind, qty, reason FROM movement WHERE kind = 'return'")
    assert [(r.kind, r.qty, r.reason) for r in legs] == [("return", 50, "surplus")]
    audit = helpers.rows(db, "SELECT action, reason FROM audit_log WHERE action = 'return'")
    assert [(a.action, a.reason) for a in audit] == [("return", "surplus")]


def test_damaged_goes_to_quarantine_blocked(db, line):
    s = returns.suggest(db, line, sku="SCR-1", reason="damaged")
    assert (s.location, s.status, s.rule) == ("QA", "blocked", "quarantine")
    done = returns.return_to_stock(db, line, key="r2", sku="SCR-1", qty=Decimal(4), reason="damaged", location="QA")
    assert (done.location, done.status, done.released) == ("QA", "blocked", 0)
    assert ("QA", "SCR-1", None, "blocked", 4, 0) in _balances(db)
    assert ("LS-L1", "SCR-1", None, "available", 6, 0) in _balances(db)


@pytest.mark.parametrize("kwargs, error, text", [
    ({"lot": "IC-A", "qty": Decimal(201), "reason": "surplus", "location": "A-01"}, InvalidInput,
     "Only 200 of IC-A at the line side"),
    ({"lot": "IC-A", "qty": Decimal(5), "reason": "surplus", "location": "A-02"}, WrongLocation,
     "Wrong location A-02: return it to A-01"),
    ({"sku": "IC-1", "qty": Decimal(5), "reason": "surplus", "location": "A-01"}, InvalidInput,
     "IC-1 is lot-tracked: scan the lot"),
    ({"lot": "IC-A", "qty": Decimal(5), "reason": "bored", "location": "A-01"}, InvalidInput,
     "Choose a reason for the return"),
    ({"lot": "IC-A", "qty": Decimal(0), "reason": "surplus", "location": "A-01"}, InvalidInput,
     "Quantity must be greater than zero"),
])
def test_refusals_write_nothing(db, line, kwargs, error, text):
    before, balances = _counts(db), _balances(db)
    with pytest.raises(error) as caught:
        returns.return_to_stock(db, line, key="bad", **kwargs)
    assert str(caught.value) == text
    assert _counts(db) == before and _balances(db) == balances


def test_not_at_the_line_side_is_refused(db, line, system):
    helpers.put_stock(db, system, "IC-1", "IC-B", "A-02", 30)
    with pytest.raises(InvalidInput) as caught:
        returns.at_line(db, line, lot="IC-B")
    assert str(caught.value) == "IC-B is not at the line side"


def test_a_replayed_key_has_one_effect(db, line):
    location = returns.suggest(db, line, sku="SCR-1", reason="surplus").location
    args = dict(key="r3", sku="SCR-1", qty=Decimal(3), reason="surplus", location=location)
    first = returns.return_to_stock(db, line, **args)
    counts = _counts(db)
    again = returns.return_to_stock(db, line, **args)
    assert again == first and _counts(db) == counts


def test_a_fraction_of_a_piece_and_an_inspector_write_nothing(db, line):
    """EA counts pieces; and returning stock is a clerk's (issue.post), refused in core for an inspector."""
    before, balances = _counts(db), _balances(db)
    with pytest.raises(InvalidInput):
        returns.return_to_stock(db, line, key="frac", lot="IC-A", qty=Decimal("1.5"), reason="surplus",
                                location="A-01")
    inspector = helpers.make_operator(db, "Q001", ["inspector"])
    with pytest.raises(PermissionDenied):
        returns.return_to_stock(db, inspector, key="insp", lot="IC-A", qty=Decimal(5), reason="surplus",
                                location="A-01")
    assert _counts(db) == before and _balances(db) == balances
