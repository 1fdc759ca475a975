"""Receiving: every refusal writes nothing; a good receipt writes lot, ledger, PO line, receipt and event."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.services.receiving import ReceiveCommand, receive
from tests import helpers

D = Decimal


@pytest.fixture
def site(db):
    ids = helpers.small_site(db)
    helpers.exec_sql(db, "UPDATE item SET qc_required = true, shelf_life_days = 365 WHERE sku = 'IC-1'")
    helpers.exec_sql(db, "INSERT INTO item (sku, name, uom, tracking) VALUES ('CTRL', 'Controller', 'EA', 'serial')")
    helpers.add_po_line(db, "PO-1", 1, "IC-1", 100)
    helpers.add_po_line(db, "PO-1", 2, "SCR-1", 1000)
    return ids


def _count(db, table):
    return helpers.scalar(db, f"SELECT count(*) FROM {table}")


def _nothing_written(db):
    assert [_count(db, t) for t in ("movement", "receipt", "outbox", "operation")] == [0, 0, 0, 0]


def test_receipt_against_po_lands_on_dock_in_qc_hold(db, clerk, site):
    r = receive(db, clerk, ReceiveCommand(key="k1", sku="IC-1", lot="LOT-A", qty=D(40), po_number="PO-1"))
    assert (r.status, r.location, r.expiry) == ("qc_hold", "DOCK", date.today() + timedelta(365))
    bal = helpers.rows(db, "SELECT b.status, b.qty FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                           " WHERE l.lot_no = 'LOT-A'")
    assert bal == [("qc_hold", 40)]
    line = helpers.rows(db, "SELECT received_qty, status FROM po_line WHERE line_no = 1")[0]
    assert (line.received_qty, line.status) == (40, "partly_received")
    assert helpers.scalar(db, "SELECT type FROM outbox") == "receipt.posted"
    assert helpers.scalar(db, "SELECT qc_status FROM lot WHERE lot_no = 'LOT-A'") == "pending"
    receive(db, clerk, ReceiveCommand(key="k2", sku="IC-1", lot="LOT-B", qty=D(60), po_number="PO-1"))
    assert helpers.scalar(db, "SELECT status FROM po_line WHERE line_no = 1") == "received"


def test_retried_receipt_has_one_effect(db, clerk, site):
    cmd = ReceiveCommand(key="same", sku="SCR-1", qty=D(500), po_number="PO-1")
    assert receive(db, clerk, cmd) == receive(db, clerk, cmd)
    assert helpers.scalar(db, "SELECT received_qty FROM po_line WHERE line_no = 2") == 500
    assert _count(db, "movement") == 1


@pytest.mark.parametrize(
    ("cmd", "error", "text"),
    [
        (ReceiveCommand(key="x", sku="CTRL", lot="S1", qty=D(1), po_number="PO-1"), InvalidInput, "not on PO-1"),
        (ReceiveCommand(key="x", sku="IC-1", lot="L", qty=D(111), po_number="PO-1"), InvalidInput, "Over-receipt"),
        (ReceiveCommand(key="x", sku="IC-1", lot="L", qty=D(1), po_number="PO-1",
                        expiry=date.today() - timedelta(days=1)), InvalidInput, "already past"),
        (ReceiveCommand(key="x", sku="IC-1", lot="", qty=D(1), po_number="PO-1"), InvalidInput, "lot number"),
        (ReceiveCommand(key="x", sku="IC-1", lot="L", qty=D(0), po_number="PO-1"), InvalidInput, "greater than"),
        (ReceiveCommand(key="x", sku="NOPE", lot="L", qty=D(1), po_number="PO-1"), NotFound, "NOPE"),
        (ReceiveCommand(key="x", sku="IC-1", lot="L", qty=D(1), po_number="PO-404"), NotFound, "PO-404"),
        (ReceiveCommand(key="x", sku="IC-1", lot="L", qty=D(1)), InvalidInput, "supplier"),
        (ReceiveCommand(key="x", sku="CTRL", lot="S1", qty=D(2), supplier="SUP-1"), InvalidInput, "one unit"),
    ],
)
def test_refusals_write_nothing(db, clerk, site, cmd, error, text):
    with pytest.raises(error, match=text):
        receive(db, clerk, cmd)
    _nothing_written(db)


def test_lot_number_of_another_item_is_refused(db, clerk, site):
    with pytest.raises(Conflict, match="already belongs to IC-1"):
        receive(db, clerk, ReceiveCommand(key="x", sku="CTRL", lot="L1", qty=D(1), supplier="SUP-1"))
    _nothing_written(db)


def test_serial_already_in_stock_is_refused(db, clerk, site):
    receive(db, clerk, ReceiveCommand(key="a", sku="CTRL", lot="SN-1", qty=D(1), supplier="SUP-1"))
    with pytest.raises(Conflict, match="already in stock"):
        receive(db, clerk, ReceiveCommand(key="b", sku="CTRL", lot="SN-1", qty=D(1), supplier="SUP-1"))
    assert _count(db, "movement") == 1


def test_over_receipt_needs_a_supervisors_approval(db, clerk, supervisor, site):
    within = ReceiveCommand(key="a", sku="IC-1", lot="L9", qty=D(110), po_number="PO-1")
    receive(db, clerk, within)  # 10% tolerance
    over = ReceiveCommand(key="b", sku="IC-1", lot="L9", qty=D(5), po_number="PO-1",
                          over_receipt_reason="supplier_overdelivery", approver=clerk)
    with pytest.raises(PermissionDenied):
        receive(db, clerk, over)
    approved = ReceiveCommand(key="b", sku="IC-1", lot="L9", qty=D(5), po_number="PO-1",
                              over_receipt_reason="supplier_overdelivery", approver=supervisor)
    receive(db, clerk, approved)
    row = helpers.rows(db, "SELECT over_receipt_reason, approved_by FROM receipt WHERE operation_key = 'b'")[0]
    assert row == ("supplier_overdelivery", supervisor.operator_id)


def test_inspector_cannot_receive(db, inspector, site):
    with pytest.raises(PermissionDenied):
        receive(db, inspector, ReceiveCommand(key="x", sku="SCR-1", qty=D(1), po_number="PO-1"))
    _nothing_written(db)


def test_a_terminal_without_a_warehouse_receives_where_the_item_lives(db, clerk, site):
    """Two warehouses whose codes sort the other way: a raw material goes to its home's dock, not 'AA-FG'."""
    helpers.exec_sql(db, "INSERT INTO warehouse (code, name) VALUES ('AA-FG', 'Finished goods')")
    helpers.exec_sql(db, "INSERT INTO location (warehouse_id, code, kind) SELECT id, 'DOCK-FG', 'dock'"
                         " FROM warehouse WHERE code = 'AA-FG'")
    assert receive(db, clerk, ReceiveCommand(key="k0", sku="SCR-1", qty=D(5), po_number="PO-1")).location \
        == "DOCK-FG"  # no home, no stock: the first warehouse by code, as before
    helpers.exec_sql(db, "UPDATE item SET home_location_id = :l WHERE sku = 'IC-1'", l=site["A-01"])
    r = receive(db, clerk, ReceiveCommand(key="k1", sku="IC-1", lot="LOT-A", qty=D(40), po_number="PO-1"))
    assert (r.warehouse, r.location) == ("RM", "DOCK")
    helpers.exec_sql(db, "INSERT INTO item (sku, name, uom, tracking) VALUES ('NUT-1', 'Nut', 'EA', 'none')")
    helpers.add_po_line(db, "PO-1", 3, "NUT-1", 100)
    helpers.exec_sql(db, "INSERT INTO stock_balance (location_id, item_id, status, qty)"
                         " SELECT :l, id, 'available', 1 FROM item WHERE sku = 'NUT-1'", l=site["A-02"])
    assert receive(db, clerk, ReceiveCommand(key="k2", sku="NUT-1", qty=D(5), po_number="PO-1")).location \
        == "DOCK"  # no home, but it already has stock in RM
    r = receive(db, clerk, ReceiveCommand(key="k3", sku="IC-1", lot="LOT-B", qty=D(1), po_number="PO-1",
                                          warehouse="AA-FG"))
    assert r.location == "DOCK-FG"  # the terminal's own warehouse always wins


def test_a_piece_unit_is_received_in_whole_pieces_only(db, clerk, site):
    with pytest.raises(InvalidInput, match="IC-1 is counted in whole EA: not 2.5"):
        receive(db, clerk, ReceiveCommand(key="p", sku="IC-1", lot="L", qty=D("2.5"), po_number="PO-1"))
    _nothing_written(db)
    assert receive(db, clerk, ReceiveCommand(key="p", sku="IC-1", lot="L", qty=D("3"), po_number="PO-1")).qty == 3
