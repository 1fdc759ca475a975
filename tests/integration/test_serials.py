"""A serial is one unit in one place: the database refuses a second place, `check` names one that got there."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.errors import Conflict
from core.services import checks
from core.services.ledger import Leg, apply_legs, post_moves, run_operation
from tests import helpers


@pytest.fixture
def serial_site(db):
    helpers.exec_sql(db, "INSERT INTO warehouse (code, name) VALUES ('FG', 'Finished goods')")
    for code in ("FG-1", "FG-2"):
        helpers.exec_sql(db, "INSERT INTO location (warehouse_id, code, kind) SELECT id, :c, 'storage'"
                             " FROM warehouse WHERE code = 'FG'", c=code)
    helpers.exec_sql(db, "INSERT INTO item (sku, name, uom, tracking) VALUES ('CTRL', 'Controller', 'EA', 'serial')")
    helpers.exec_sql(db, "INSERT INTO lot (lot_no, item_id) SELECT 'SN-1', id FROM item WHERE sku = 'CTRL'")
    ids = dict(helpers.rows(db, "SELECT code, id FROM location"))
    item = helpers.scalar(db, "SELECT id FROM item WHERE sku = 'CTRL'")
    lot = helpers.scalar(db, "SELECT id FROM lot WHERE lot_no = 'SN-1'")
    return ids, item, lot


def _put(db, actor, key, item, lot, location, qty=D(1)):
    payload = {"item": item, "lot": lot, "location": location, "qty": qty}
    return run_operation(db, actor, key=key, kind="count", permission="stock.adjust", payload=payload, body=lambda s: {
        "legs": apply_legs(s, actor, "adjust", [Leg(item, lot, qty, to_location_id=location, to_status="available")],
                           key=key)})


def test_a_serial_cannot_be_on_hand_in_two_places(db, system, serial_site):
    ids, item, lot = serial_site
    _put(db, system, "k1", item, lot, ids["FG-1"])
    before = helpers.scalar(db, "SELECT count(*) FROM movement")
    with pytest.raises(Conflict, match="Serial SN-1 is already on hand elsewhere"):
        _put(db, system, "k2", item, lot, ids["FG-2"])  # "found" at another bin: a second unit would appear
    with pytest.raises(Conflict):
        _put(db, system, "k3", item, lot, ids["FG-1"])  # two of one serial in one bin
    assert helpers.scalar(db, "SELECT count(*) FROM movement") == before  # nothing written
    moved = post_moves(db, system, "move", [Leg(item, lot, D(1), ids["FG-1"], "available", ids["FG-2"],
                                                "available")], key="m1")  # a move keeps it one unit
    assert not moved.replayed
    assert helpers.rows(db, "SELECT location_id, qty FROM stock_balance") == [(ids["FG-2"], 1)]
    assert checks.run_checks(db).ok


def test_check_names_a_serial_on_hand_twice(db, serial_site):
    ids, item, lot = serial_site
    # As a row written past the trigger would be (a restore of an old dump, a hand edit): check must see it.
    helpers.owner_sql(db, "ALTER TABLE stock_balance DISABLE TRIGGER serial_in_one_place")
    for loc in ("FG-1", "FG-2"):
        helpers.exec_sql(db, "INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty)"
                             " VALUES (:l, :i, :t, 'available', 1)", l=ids[loc], i=item, t=lot)
    report = checks.run_checks(db)
    serial = next(c for c in report.checks if c.name == "serial_unique")
    assert not serial.ok and serial.violations[0]["serial"] == "SN-1"
    assert serial.violations[0]["locations"] == "FG-1, FG-2"
