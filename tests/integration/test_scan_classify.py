"""Scan classification against the database: exact look-ups win over GS1."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.scan import GS, classify
from tests import helpers


def _site(db):
    ids = helpers.small_site(db)
    helpers.exec_sql(db, "UPDATE item SET gtin = '6950001000018' WHERE sku = 'IC-1'")
    helpers.exec_sql(db, "INSERT INTO lot (item_id, lot_no) VALUES (:i, '10D9T')", i=ids["IC"])
    helpers.make_operator(db, "C001", ["clerk"])
    return ids


def test_exact_lookups(db):
    _site(db)
    assert (classify(db, "A-01").kind, classify(db, "A-01").warehouse) == ("location", "RM")
    assert classify(db, "IC-1").kind == "item"
    gtin = classify(db, "6950001000018")
    assert (gtin.kind, gtin.sku) == ("item", "IC-1")
    assert classify(db, "06950001000018").sku == "IC-1"
    lot = classify(db, "L1")
    assert (lot.kind, lot.lot, lot.sku) == ("lot", "L1", "IC-1")
    assert classify(db, "C001").kind == "operator"


def test_a_lot_named_like_an_ai_stays_a_lot(db):
    _site(db)
    r = classify(db, "10D9T")
    assert (r.kind, r.lot) == ("lot", "10D9T")


def test_gs1_maps_gtin_to_the_item(db):
    _site(db)
    r = classify(db, "]C10106950001000018" + f"10NEW-1{GS}3040")
    assert (r.kind, r.sku, r.lot, r.qty) == ("gs1", "IC-1", "NEW-1", Decimal(40))
    assert classify(db, "(240)SCR-1(30)5").sku == "SCR-1"


def test_a_work_order_number_is_a_work_order(db):
    helpers.production_site(db)
    helpers.add_work_order(db, "WO-7", "PCBA-1", 10)
    helpers.add_work_order(db, "A-01", "PCBA-1", 10)  # a work order named like a location: the location wins
    r = classify(db, "WO-7")
    assert (r.kind, r.code, r.sku, r.lot) == ("work_order", "WO-7", None, None)
    assert classify(db, "A-01").kind == "location"
    assert classify(db, "WO-8").kind == "unknown"


def test_unknown_scan(db):
    _site(db)
    assert classify(db, "NOPE-42").kind == "unknown"
    assert classify(db, "").kind == "unknown"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_random_scans_never_crash_and_never_write(db, s):
    before = helpers.scalar(db, "SELECT count(*) FROM movement") + helpers.scalar(db, "SELECT count(*) FROM lot")
    r = classify(db, s)
    assert r.kind in {"location", "work_order", "item", "lot", "operator", "gs1", "unknown"}
    after = helpers.scalar(db, "SELECT count(*) FROM movement") + helpers.scalar(db, "SELECT count(*) FROM lot")
    assert before == after
