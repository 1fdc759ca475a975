"""Batch picking: two orders of one line sharing components in one walk, split back exactly at the drop."""

from decimal import Decimal

import pytest

from core.errors import InvalidInput, KeyReused, NotFound
from core.services import batch_picking, checks, picking, workorders
from core.services.batch_picking import BatchLine
from tests import helpers

D = Decimal


@pytest.fixture
def site(db, system, supervisor):
    """WO-1 (10 PCBA, due first) and WO-2 (5 PCBA) of line L1: both need IC-A at A-01 and screws at A-02."""
    ids = helpers.production_site(db)
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 30, expiry="2030-02-01")
    helpers.put_stock(db, system, "IC-1", "IC-B", "A-02", 300, expiry="2030-05-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.add_work_order(db, "WO-2", "PCBA-1", 5, due="2030-01-20")
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10, due="2030-01-10")
    workorders.release(db, supervisor, "WO-1")
    workorders.release(db, supervisor, "WO-2")
    return ids


def _walk(batch) -> list[tuple]:
    return [(w.location, w.sku, w.lot, w.qty, tuple((p.wo_number, p.qty) for p in w.parts)) for w in batch.walk]


def _reserved(db) -> list[tuple]:
    """(order, location, sku, lot, qty) of every reservation."""
    return [tuple(r) for r in helpers.rows(
        db, "SELECT w.wo_number, l.code, i.sku, lt.lot_no, r.qty FROM reservation r"
            " JOIN work_order w ON w.id = r.work_order_id JOIN location l ON l.id = r.location_id"
            " JOIN item i ON i.id = r.item_id LEFT JOIN lot lt ON lt.id = r.lot_id ORDER BY 1, 2, 3")]


def _moved(db) -> list[tuple]:
    """(reference, from, to, sku, lot, qty) of the pick movements."""
    return [tuple(r) for r in helpers.rows(
        db, "SELECT m.reference, f.code, t.code, i.sku, lt.lot_no, m.qty FROM movement m"
            " JOIN location f ON f.id = m.from_location_id JOIN location t ON t.id = m.to_location_id"
            " JOIN item i ON i.id = m.item_id LEFT JOIN lot lt ON lt.id = m.lot_id WHERE m.kind = 'pick'"
            " ORDER BY 1, 4")]


def _tasks(db) -> list[tuple]:
    return [tuple(r) for r in helpers.rows(
        db, "SELECT w.wo_number, l.code, i.sku, t.qty, t.picked_qty, t.status FROM pick_task t"
            " JOIN work_order w ON w.id = t.work_order_id JOIN location l ON l.id = t.from_location_id"
            " JOIN item i ON i.id = t.item_id ORDER BY 1, 2, 3, t.id")]


def _all(batch, **short) -> list[BatchLine]:
    return [BatchLine(w.task_ids, w.qty, w.lot) for w in batch.walk]


def test_two_orders_are_one_walk_split_back_exactly_at_the_drop(db, clerk, site):
    batch = batch_picking.claim_batch(db, clerk, ["WO-2", "WO-1"])
    assert batch.line == "L1" and batch.orders == ("WO-1", "WO-2")  # due order, whatever the scan order
    assert _walk(batch) == [
        ("A-01", "IC-1", "IC-A", 30, (("WO-1", 20), ("WO-2", 10))),
        ("A-02", "SCR-1", None, 60, (("WO-1", 40), ("WO-2", 20))),
    ]
    done = batch_picking.post_batch(db, clerk, key="b1", drop_location="LS-L1", lines=_all(batch))
    assert [(o.wo_number, o.lines, o.short_picks, o.shortages) for o in done.orders] == [
        ("WO-1", 2, (), ()), ("WO-2", 2, (), ())]
    assert _moved(db) == [("WO-1", "A-01", "LS-L1", "IC-1", "IC-A", 20), ("WO-1", "A-02", "LS-L1", "SCR-1", None, 40),
                          ("WO-2", "A-01", "LS-L1", "IC-1", "IC-A", 10), ("WO-2", "A-02", "LS-L1", "SCR-1", None, 20)]
    assert _reserved(db) == [("WO-1", "LS-L1", "IC-1", "IC-A", 20), ("WO-1", "LS-L1", "SCR-1", None, 40),
                             ("WO-2", "LS-L1", "IC-1", "IC-A", 10), ("WO-2", "LS-L1", "SCR-1", None, 20)]
    assert {s for *_, s in _tasks(db)} == {"picked"}
    assert helpers.rows(db, "SELECT l.code, b.qty, b.reserved FROM stock_balance b JOIN location l"
                            " ON l.id = b.location_id JOIN item i ON i.id = b.item_id WHERE i.sku = 'IC-1'"
                            " ORDER BY 1") == [("A-02", 300, 0), ("LS-L1", 30, 30)]
    assert helpers.scalar(db, "SELECT count(DISTINCT operation_key) FROM movement WHERE kind = 'pick'") == 1
    assert checks.run_checks(db).ok


def test_a_short_merged_line_re_plans_only_the_order_that_got_less(db, clerk, site):
    batch = batch_picking.claim_batch(db, clerk, ["WO-1", "WO-2"])
    ic, screws = batch.walk
    lines = [BatchLine(ic.task_ids, D(25), "IC-A", short=True, reason="not_found"),
             BatchLine(screws.task_ids, screws.qty)]
    done = batch_picking.post_batch(db, clerk, key="b1", drop_location="LS-L1", lines=lines)
    wo1, wo2 = done.orders
    assert (wo1.wo_number, wo1.short_picks, wo1.shortages) == ("WO-1", (), ())  # due first: got its 20
    assert [(s.missing, s.reason) for s in wo2.short_picks] == [(5, "not_found")]  # got 5 of its 10
    assert _moved(db)[:3] == [("WO-1", "A-01", "LS-L1", "IC-1", "IC-A", 20),
                              ("WO-1", "A-02", "LS-L1", "SCR-1", None, 40),
                              ("WO-2", "A-01", "LS-L1", "IC-1", "IC-A", 5)]
    # WO-2 alone is re-planned: its missing 5 from IC-B, the 5 IC-A left in A-01 blocked until a count
    assert _reserved(db) == [("WO-1", "LS-L1", "IC-1", "IC-A", 20), ("WO-1", "LS-L1", "SCR-1", None, 40),
                             ("WO-2", "A-02", "IC-1", "IC-B", 5), ("WO-2", "LS-L1", "IC-1", "IC-A", 5),
                             ("WO-2", "LS-L1", "SCR-1", None, 20)]
    assert [t for t in _tasks(db) if t[0] == "WO-1"] == [("WO-1", "A-01", "IC-1", 20, 20, "picked"),
                                                         ("WO-1", "A-02", "SCR-1", 40, 40, "picked")]
    assert [t for t in _tasks(db) if t[-1] != "picked"] == [("WO-2", "A-01", "IC-1", 10, 5, "short"),
                                                            ("WO-2", "A-02", "IC-1", 5, 0, "open")]
    assert helpers.rows(db, "SELECT b.qty FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                            " WHERE l.lot_no = 'IC-A' AND b.status = 'blocked'") == [(5,)]
    assert checks.run_checks(db).ok


def test_a_short_that_leaves_the_first_order_short_re_plans_both(db, clerk, site):
    batch = batch_picking.claim_batch(db, clerk, ["WO-1", "WO-2"])
    ic, _screws = batch.walk
    done = batch_picking.post_batch(db, clerk, key="b1", drop_location="LS-L1", lines=[
        BatchLine(ic.task_ids, D(15), "IC-A", short=True, reason="not_found")])
    assert [(o.wo_number, [(s.missing, s.reason) for s in o.short_picks]) for o in done.orders] == [
        ("WO-1", [(5, "not_found")]), ("WO-2", [(10, "not_found")])]
    assert [(r[0], r[4]) for r in _reserved(db) if r[1] == "LS-L1"] == [("WO-1", 15)]  # WO-2 got none of it
    assert checks.run_checks(db).ok


def test_orders_of_two_lines_are_refused_naming_the_odd_one(db, clerk, supervisor, site):
    helpers.exec_sql(db, "INSERT INTO location (warehouse_id, code, kind, pick_sequence, line)"
                         " SELECT warehouse_id, 'LS-L2', 'line_side', 91, 'L2' FROM location WHERE code = 'LS-L1'")
    helpers.add_work_order(db, "WO-9", "PCBA-1", 1, line="L2")
    workorders.release(db, supervisor, "WO-9")
    with pytest.raises(InvalidInput) as refused:
        batch_picking.claim_batch(db, clerk, ["WO-1", "WO-9", "WO-2"])
    assert str(refused.value) == "WO-9 is for line L2, not L1: a batch is one line"
    assert helpers.scalar(db, "SELECT count(*) FROM pick_task WHERE claimed_by IS NOT NULL") == 0


def test_an_order_not_released_is_refused(db, clerk, site):
    helpers.add_work_order(db, "WO-3", "PCBA-1", 1)
    with pytest.raises(InvalidInput, match="WO-3 is planned"):
        batch_picking.claim_batch(db, clerk, ["WO-1", "WO-3"])
    with pytest.raises(NotFound):
        batch_picking.claim_batch(db, clerk, ["WO-1", "NOPE"])


def test_a_retry_has_one_effect_and_a_key_reused_for_another_batch_is_refused(db, clerk, site):
    batch = batch_picking.claim_batch(db, clerk, ["WO-1", "WO-2"])
    lines = _all(batch)
    first = batch_picking.post_batch(db, clerk, key="b1", drop_location="LS-L1", lines=lines)
    movements = helpers.scalar(db, "SELECT count(*) FROM movement")
    again = batch_picking.post_batch(db, clerk, key="b1", drop_location="LS-L1", lines=list(lines))
    assert again == first
    assert helpers.scalar(db, "SELECT count(*) FROM movement") == movements
    with pytest.raises(KeyReused):
        batch_picking.post_batch(db, clerk, key="b1", drop_location="LS-L1", lines=lines[:1])
    with pytest.raises(KeyReused):  # one order's posting under the batch's key
        picking.post_picks(db, clerk, key="b1", wo_number="WO-1", drop_location="LS-L1",
                           lines=[picking.PickLine(batch.walk[0].id, D(1))])
    assert helpers.scalar(db, "SELECT count(*) FROM movement") == movements


def test_a_wrong_drop_or_too_much_writes_nothing(db, clerk, site):
    batch = batch_picking.claim_batch(db, clerk, ["WO-1", "WO-2"])
    ic = batch.walk[0]
    with pytest.raises(InvalidInput, match="Pick at most 30"):
        batch_picking.post_batch(db, clerk, key="b1", drop_location="LS-L1",
                                 lines=[BatchLine(ic.task_ids, D(31), "IC-A")])
    with pytest.raises(Exception, match="line side of L1"):
        batch_picking.post_batch(db, clerk, key="b2", drop_location="A-01", lines=_all(batch))
    assert helpers.scalar(db, "SELECT count(*) FROM movement WHERE kind = 'pick'") == 0
    assert {s for *_, s in _tasks(db)} == {"open"}


def test_a_substitute_lot_on_a_merged_line_moves_each_orders_reservation(db, clerk, system, site):
    helpers.put_stock(db, system, "IC-1", "IC-S", "A-01", 30, expiry="2030-01-01")  # expires sooner: allowed
    batch = batch_picking.claim_batch(db, clerk, ["WO-1", "WO-2"])
    ic = batch.walk[0]
    batch_picking.post_batch(db, clerk, key="b1", drop_location="LS-L1", lines=[BatchLine(ic.task_ids, D(30), "IC-S")])
    assert [r for r in _reserved(db) if r[2] == "IC-1"] == [("WO-1", "LS-L1", "IC-1", "IC-S", 20),
                                                            ("WO-2", "LS-L1", "IC-1", "IC-S", 10)]
    assert helpers.rows(db, "SELECT lt.lot_no, b.qty, b.reserved FROM stock_balance b JOIN lot lt"
                            " ON lt.id = b.lot_id JOIN location l ON l.id = b.location_id WHERE l.code = 'A-01'"
                            " ORDER BY 1") == [("IC-A", 30, 0)]
    assert checks.run_checks(db).ok
