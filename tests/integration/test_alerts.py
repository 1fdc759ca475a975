"""Alert rules: raised once while the condition holds, resolved when it clears, acknowledged with a comment."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.services import alerts, workorders
from core.services.ledger import Leg, post_moves
from tests import helpers


def _open(db):
    return sorted((a.rule, a.sku, a.lot) for a in alerts.list_alerts(db, helpers.actor(db, "SYSTEM")))


def test_each_rule_raises_once_and_resolves(db, system, supervisor):
    ids = helpers.production_site(db)
    helpers.exec_sql(db, "UPDATE item SET safety_stock = 100 WHERE sku = 'IC-1'")
    soon, past = date.today() + timedelta(days=10), date.today() - timedelta(days=1)
    helpers.put_stock(db, system, "IC-1", "SOON", "A-01", 40, expiry=soon)
    helpers.put_stock(db, system, "IC-1", "OLD", "A-02", 5, expiry=past)
    helpers.exec_sql(db, "UPDATE lot SET qc_status = 'pending', received_at = now() - interval '2 days'"
                         " WHERE lot_no = 'SOON'")
    helpers.exec_sql(db, "UPDATE stock_balance SET status = 'qc_hold' WHERE lot_id = (SELECT id FROM lot"
                         " WHERE lot_no = 'SOON')")
    helpers.add_work_order(db, "WO-1", "PCBA-1", 100, due=(date.today() + timedelta(days=3)).isoformat())
    assert alerts.evaluate_all(db) > 0
    assert _open(db) == [("below_safety_stock", "IC-1", None), ("expired", "IC-1", "OLD"),
                         ("expiring", "IC-1", "SOON"), ("qc_hold_aging", "IC-1", "SOON"),
                         ("shortage", "IC-1", None), ("shortage", "SCR-1", None)]
    assert alerts.evaluate_all(db) == 0  # raised once while the condition holds
    # stock arrives: safety stock and the IC shortage clear by themselves
    post_moves(db, system, "receipt", [Leg(ids["IC"], ids["LOT2"], Decimal(500), to_location_id=ids["A-01"],
                                           to_status="available")], key="r")
    alerts.evaluate_all(db)
    rules = [r for r, _, _ in _open(db)]
    assert "below_safety_stock" not in rules and ("shortage", "IC-1", None) not in _open(db)
    resolved = helpers.scalar(db, "SELECT count(*) FROM alert WHERE resolved_at IS NOT NULL")
    assert resolved == 2


def test_reserved_not_issued_and_scoped_evaluation(db, system, supervisor):
    ids = helpers.production_site(db)
    helpers.put_stock(db, system, "IC-1", "L-1", "A-01", 500, expiry="2031-01-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10)
    workorders.release(db, supervisor, "WO-1")
    helpers.exec_sql(db, "UPDATE reservation SET created_at = now() - interval '3 days'")
    with db.uow() as uow:
        alerts.evaluate(uow.session, items=[ids["SCREW"]])  # only what a transaction touched
        uow.commit()
    assert _open(db) == [("reserved_not_issued", "SCR-1", None)]


def test_acknowledge_needs_a_supervisor_and_a_comment(db, system, supervisor, clerk):
    helpers.small_site(db)
    helpers.exec_sql(db, "UPDATE item SET safety_stock = 1 WHERE sku = 'IC-1'")
    alerts.evaluate_all(db)
    alert = alerts.list_alerts(db, supervisor)[0]
    assert alert.message == "IC-1: 0 on hand, below safety stock 1"
    with pytest.raises(PermissionDenied):
        alerts.acknowledge(db, clerk, alert.id, "seen")
    with pytest.raises(InvalidInput):
        alerts.acknowledge(db, supervisor, alert.id, " ")
    alerts.acknowledge(db, supervisor, alert.id, "PO placed")
    view = alerts.list_alerts(db, supervisor)[0]
    assert view.acknowledged_by == "S900" and view.resolved_at is None
    assert alerts.open_count(db) == 0


def test_the_stock_transaction_itself_raises_and_resolves(db, system):
    ids = helpers.small_site(db)
    helpers.exec_sql(db, "UPDATE item SET safety_stock = 100 WHERE sku = 'IC-1'")
    leg = Leg(ids["IC"], ids["LOT1"], Decimal(10), to_location_id=ids["A-01"], to_status="available")
    post_moves(db, system, "receipt", [leg], key="r1")
    assert _open(db) == [("below_safety_stock", "IC-1", None)]  # no evaluate_all: the receipt raised it
    raised = alerts.list_alerts(db, helpers.actor(db, "SYSTEM"))[0]
    post_moves(db, system, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(5), to_location_id=ids["A-01"],
                                           to_status="available")], key="r-more")
    still = alerts.list_alerts(db, helpers.actor(db, "SYSTEM"))[0]  # the same alert, its figure current
    assert (still.id, still.message) == (raised.id, "IC-1: 15 on hand, below safety stock 100")
    post_moves(db, system, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(200), to_location_id=ids["A-01"],
                                           to_status="available")], key="r2")
    assert _open(db) == []


def test_a_plain_move_clears_dead_stock_without_a_full_evaluation(db, system):
    ids = helpers.small_site(db)
    post_moves(db, system, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(5), to_location_id=ids["A-01"],
                                           to_status="available")], key="r1")
    helpers.exec_sql(db, "UPDATE alert_rule SET threshold = 0 WHERE rule = 'dead_stock'")
    helpers.owner_sql(db, "ALTER TABLE movement DISABLE TRIGGER movement_append_only")
    helpers.owner_sql(db, "UPDATE movement SET created_at = now() - interval '2 days'")  # an old receipt
    helpers.owner_sql(db, "ALTER TABLE movement ENABLE TRIGGER movement_append_only")
    alerts.evaluate_all(db)
    assert ("dead_stock", "IC-1", None) in _open(db)
    post_moves(db, system, "move", [Leg(ids["IC"], ids["LOT1"], Decimal(5), ids["A-01"], "available", ids["A-02"],
                                        "available")], key="m1")
    assert ("dead_stock", "IC-1", None) not in _open(db)


def test_a_putaway_re_evaluates_shortages(db, system, supervisor):
    ids = helpers.production_site(db)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 5, due=(date.today() + timedelta(days=2)).isoformat())
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 100)
    post_moves(db, system, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(50), to_location_id=ids["DOCK"],
                                           to_status="available")], key="r1")
    assert ("shortage", "IC-1", None) in _open(db)  # on the dock it is not free for production yet
    post_moves(db, system, "putaway", [Leg(ids["IC"], ids["LOT1"], Decimal(50), ids["DOCK"], "available",
                                           ids["A-01"], "available")], key="p1")
    assert ("shortage", "IC-1", None) not in _open(db)


def test_the_feeds_wake_when_an_alert_changes_not_on_every_stock_transaction(db, system):
    from core.services.live import ALERTS, Listener

    ids = helpers.small_site(db)
    receipt = [Leg(ids["IC"], ids["LOT1"], Decimal(10), to_location_id=ids["A-01"], to_status="available")]
    with Listener(db, ALERTS) as feed:
        post_moves(db, system, "receipt", receipt, key="r1")  # evaluates the rules; nothing to raise
        assert not feed.wait(0.3)
        helpers.exec_sql(db, "UPDATE item SET safety_stock = 100 WHERE sku = 'IC-1'")
        post_moves(db, system, "receipt", receipt, key="r2")  # 20 on hand < 100: raised in the same transaction
        assert feed.wait(5)
    assert _open(db) == [("below_safety_stock", "IC-1", None)]


def test_blocking_a_lot_resolves_its_expiry_alerts_in_the_same_transaction(db, system, supervisor):
    from core.services import recall

    helpers.production_site(db)
    soon, past = date.today() + timedelta(days=10), date.today() - timedelta(days=1)
    helpers.put_stock(db, system, "IC-1", "OLD", "A-02", 5, expiry=past)
    helpers.put_stock(db, system, "IC-1", "SOON", "A-01", 40, expiry=soon)
    helpers.put_stock(db, system, "IC-1", "KEEP", "A-01", 40, expiry=soon)
    alerts.evaluate_all(db)
    assert [a for a in _open(db) if a[0] in ("expired", "expiring")] == [
        ("expired", "IC-1", "OLD"), ("expiring", "IC-1", "KEEP"), ("expiring", "IC-1", "SOON")]
    recall.block_lot(db, supervisor, key="b1", lot="OLD", reason="expired")
    recall.block_lot(db, supervisor, key="b2", lot="SOON", reason="expires before use")
    # no evaluate_all: the block itself resolved them; another lot's alert stays
    assert [a for a in _open(db) if a[0] in ("expired", "expiring")] == [("expiring", "IC-1", "KEEP")]
    alerts.evaluate_all(db)
    assert ("expired", "IC-1", "OLD") not in _open(db)  # nor raised again by a full evaluation
    recall.release_block(db, supervisor, key="u1", lot="OLD", reason="shelf life extended by QA")
    assert ("expired", "IC-1", "OLD") in _open(db)  # usable again: the condition holds again
