"""Shipping, trace backward/forward and recall on a built history."""

from decimal import Decimal

import pytest

from core.errors import InvalidInput, LotOnHold, PermissionDenied
from core.services import issuing, recall, shipping, trace
from tests import helpers

D = Decimal


@pytest.fixture
def history(db, clerk, supervisor, system):
    helpers.built_history(db, clerk, supervisor, system)
    shipping.ship(db, clerk, key="s1", so_number="SO-1", lot="WO-1-01", qty=D(30))
    return db


def test_shipping_refusals_and_fefo_proposal(history, clerk):
    db = history
    helpers.add_so_line(db, "SO-2", 1, "PCBA-1", 10)
    assert shipping.proposal(db, clerk, "SO-2").lot == "WO-1-01"
    with pytest.raises(InvalidInput, match="Over-shipment"):
        shipping.ship(db, clerk, key="s2", so_number="SO-2", lot="WO-2-01", qty=D(11))
    with pytest.raises(InvalidInput, match="fully shipped"):
        shipping.ship(db, clerk, key="s3", so_number="SO-1", lot="WO-2-01", qty=D(1))
    helpers.exec_sql(db, "UPDATE stock_balance SET status = 'blocked' WHERE lot_id ="
                         " (SELECT id FROM lot WHERE lot_no = 'WO-2-01')")
    with pytest.raises(LotOnHold):
        shipping.ship(db, clerk, key="s4", so_number="SO-2", lot="WO-2-01", qty=D(1))
    assert helpers.scalar(db, "SELECT count(*) FROM shipment") == 1
    assert helpers.scalar(db, "SELECT count(*) FROM outbox WHERE type = 'shipment.posted'") == 1


def test_backward_trace_reaches_supplier_lots_with_every_branch(history, clerk):
    tree = trace.backward(history, clerk, "WO-2-01")
    assert (tree.lot, tree.work_order, tree.line, tree.qty) == ("WO-2-01", "WO-2", "L1", D(50))
    assert [(i.lot, i.qty, i.supplier) for i in tree.inputs] == [("IC-A", D(50), "SUP-1"), ("IC-B", D(50), "SUP-1")]
    assert tree.operators == ("C900",)


def test_forward_trace_shows_every_work_order_customer_and_stock(history, clerk):
    tree = trace.forward(history, clerk, "IC-A")
    assert [(u.lot, u.work_order, u.qty) for u in tree.used_in] == [("WO-1-01", "WO-1", D(100)),
                                                                    ("WO-2-01", "WO-2", D(50))]
    shipped = tree.used_in[0].shipments
    assert [(s.so_number, s.customer, s.qty) for s in shipped] == [("SO-1", "CUST-1", D(30))]
    assert tree.used_in[0].on_hand == (trace.TraceStock(location="FG-1", status="available", qty=D(20)),)
    assert tree.used_in[1].on_hand == (trace.TraceStock(location="FG-1", status="available", qty=D(50)),)


def test_recall_blocks_exactly_the_affected_stock(history, clerk, supervisor, system):
    db = history
    helpers.put_stock(db, system, "IC-1", "IC-C", "A-01", 70, expiry="2030-09-01")  # not affected
    listing = recall.affected(db, clerk, "IC-B")
    assert [x.lot for x in listing.lots] == ["IC-B", "WO-2-01"]
    assert listing.customers == () and listing.work_orders == ("WO-2",)
    with pytest.raises(PermissionDenied):
        recall.raise_recall(db, clerk, key="r", lot="IC-B", reason="supplier notice", pin="1234")
    with pytest.raises(InvalidInput):
        recall.raise_recall(db, supervisor, key="r", lot="IC-B", reason="", pin="1234")
    r = recall.raise_recall(db, supervisor, key="r", lot="IC-B", reason="supplier notice", pin="1234")
    assert r.lots == 2 and r.blocked_balances == 2
    blocked = helpers.rows(db, "SELECT lt.lot_no, b.qty FROM stock_balance b JOIN lot lt ON lt.id = b.lot_id"
                               " WHERE b.status = 'blocked' ORDER BY 1")
    assert blocked == [("IC-B", 250), ("WO-2-01", 50)]
    assert helpers.scalar(db, "SELECT count(*) FROM stock_balance b JOIN lot lt ON lt.id = b.lot_id"
                              " WHERE lt.lot_no IN ('IC-A', 'IC-C', 'WO-1-01') AND b.status <> 'available'") == 0
    assert helpers.scalar(db, "SELECT count(*) FROM outbox WHERE type = 'recall.raised'") == 1
    helpers.add_work_order(db, "WO-9", "PCBA-1", 1)
    with pytest.raises(Exception):  # noqa: B017 — blocked stock cannot be issued (no usable stock)
        issuing.issue(db, clerk, key="x", wo_number="WO-9", lot="IC-B", qty=D(1))
    recall.release_block(db, supervisor, key="rel", lot="IC-B", reason="supplier cleared")
    assert helpers.scalar(db, "SELECT status FROM stock_balance b JOIN lot lt ON lt.id = b.lot_id"
                              " WHERE lt.lot_no = 'IC-B'") == "available"


def test_a_recall_goes_through_the_ledger_and_re_evaluates_alerts(history, supervisor):
    db = history
    on_hand = helpers.scalar(db, "SELECT sum(b.qty) FROM stock_balance b JOIN item i ON i.id = b.item_id"
                                 " WHERE i.sku = 'IC-1' AND b.status = 'available'")
    # Safety stock the item meets now, and no longer once its recalled lot IC-B is blocked.
    helpers.exec_sql(db, "UPDATE item SET safety_stock = :s WHERE sku = 'IC-1'", s=on_hand)
    assert helpers.scalar(db, "SELECT count(*) FROM alert WHERE rule = 'below_safety_stock'") == 0
    r = recall.raise_recall(db, supervisor, key="r", lot="IC-B", reason="supplier notice", pin="1234")
    assert r.blocked_balances == 2
    alerts = helpers.rows(db, "SELECT a.params->>'sku' AS sku FROM alert a WHERE a.rule = 'below_safety_stock'"
                              " AND a.resolved_at IS NULL")
    assert [a.sku for a in alerts] == ["IC-1"]  # raised in the recall's own transaction
    moves = helpers.rows(db, "SELECT lt.lot_no, m.qty, m.from_status, m.to_status, m.operation_key, m.reason"
                             " FROM movement m JOIN lot lt ON lt.id = m.lot_id WHERE m.kind = 'status' ORDER BY 1")
    assert moves == [("IC-B", 250, "available", "blocked", "r", "supplier notice"),
                     ("WO-2-01", 50, "available", "blocked", "r", "supplier notice")]
    assert recall.block_lot(db, supervisor, key="b", lot="WO-1-01", reason="expiring").blocked == 20
    with pytest.raises(InvalidInput, match="no stock to block"):
        recall.block_lot(db, supervisor, key="b2", lot="WO-1-01", reason="expiring")
