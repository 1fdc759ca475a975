"""Stock arriving for a short work order is reserved for it; backflush components are consumed at output."""

from decimal import Decimal

import pytest

from core.errors import InvalidInput
from core.services import issuing, picking, production, putaway, trace, workorders
from core.services.checks import run_checks
from core.services.receiving import ReceiveCommand, receive
from core.services.workorders import Shortage
from tests import helpers

D = Decimal


def test_putaway_of_a_short_item_reserves_it_for_the_earliest_due_short_order(db, clerk, supervisor, system):
    helpers.production_site(db)
    helpers.exec_sql(db, "INSERT INTO supplier (code, name) VALUES ('SUP-1', 'S')")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.add_work_order(db, "WO-LATE", "PCBA-1", 10, due="2030-03-01")
    helpers.add_work_order(db, "WO-SOON", "PCBA-1", 10, due="2030-02-01")
    for wo in ("WO-LATE", "WO-SOON"):
        assert workorders.release(db, supervisor, wo).shortages == (Shortage("IC-1", D(20)),)
    receive(db, clerk, ReceiveCommand(key="r", sku="IC-1", lot="NEW", qty=D(30), supplier="SUP-1"))
    result = putaway.confirm(db, clerk, key="p", lot="NEW", location="A-01")
    assert result.replanned == ("WO-SOON", "WO-LATE")
    held = dict(helpers.rows(db, "SELECT w.wo_number, sum(r.qty) FROM reservation r JOIN work_order w"
                                 " ON w.id = r.work_order_id WHERE r.item_id = (SELECT id FROM item WHERE sku = 'IC-1')"
                                 " GROUP BY 1"))
    assert held == {"WO-SOON": 20, "WO-LATE": 10}  # earliest due first; the rest is still short
    open_requests = helpers.rows(db, "SELECT w.wo_number, r.qty FROM replenishment_request r JOIN work_order w"
                                     " ON w.id = r.work_order_id WHERE r.status = 'open'")
    assert open_requests == [("WO-LATE", 10)]
    assert helpers.scalar(db, "SELECT count(*) FROM pick_task WHERE status = 'open' AND lot_id ="
                              " (SELECT id FROM lot WHERE lot_no = 'NEW')") == 2


def test_backflush_consumes_fefo_from_the_line_side_at_output(db, clerk, supervisor, system):
    helpers.production_site(db)
    helpers.exec_sql(db, "UPDATE bom_line SET backflush = true WHERE component_item_id ="
                         " (SELECT id FROM item WHERE sku = 'SCR-1')")
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 100, expiry="2030-01-01")
    helpers.put_stock(db, system, "SCR-1", None, "LS-L1", 100)  # screws sit at the line, backflushed
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10)
    workorders.release(db, supervisor, "WO-1")
    tasks = [t for t in picking.claim(db, clerk, "WO-1") if t.sku == "IC-1"]
    picking.post_picks(db, clerk, key="pk", wo_number="WO-1", drop_location="LS-L1",
                       lines=[picking.PickLine(t.id, t.qty, t.lot) for t in tasks])
    issuing.issue(db, clerk, key="i", wo_number="WO-1", lot="IC-A", qty=D(20))
    production.report_output(db, clerk, key="o", wo_number="WO-1", good=D(9), scrap=D(1))
    issued = helpers.rows(db, "SELECT i.sku, w.qty, w.backflush FROM wo_issue w JOIN item i ON i.id = w.item_id"
                              " ORDER BY 1")
    assert issued == [("IC-1", 20, False), ("SCR-1", 40, True)]  # (9 good + 1 scrap) x 4 screws
    assert helpers.scalar(db, "SELECT sum(qty) FROM stock_balance WHERE item_id = (SELECT id FROM item"
                              " WHERE sku = 'SCR-1')") == 60


def _glue_site(db, system):
    """production_site plus conformal coating GLUE-1 (KG, lot-tracked), 0.004 per board, backflushed."""
    helpers.production_site(db)
    helpers.exec_sql(db, "INSERT INTO item (sku, name, uom, tracking) VALUES ('GLUE-1', 'Coating', 'KG', 'lot')")
    helpers.exec_sql(db, "INSERT INTO bom_line (parent_item_id, component_item_id, qty_per, backflush)"
                         " SELECT p.id, c.id, 0.004, true FROM item p, item c WHERE p.sku = 'PCBA-1'"
                         " AND c.sku = 'GLUE-1'")
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 200, expiry="2030-01-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 100)


def test_a_backflushed_part_is_picked_to_the_line_never_issued_and_consumed_once_fefo(db, clerk, supervisor,
                                                                                       system):
    _glue_site(db, system)
    helpers.put_stock(db, system, "GLUE-1", "G-OLD", "A-01", D("0.3"), expiry="2030-01-01")
    helpers.put_stock(db, system, "GLUE-1", "G-NEW", "A-02", 3, expiry="2030-06-01")
    workorders.release(db, supervisor, "WO-1")
    tasks = picking.claim(db, clerk, "WO-1")
    assert [(t.sku, t.lot, t.qty) for t in tasks if t.sku == "GLUE-1"] == [("GLUE-1", "G-OLD", D("0.3")),
                                                                           ("GLUE-1", "G-NEW", D("0.1"))]
    picking.post_picks(db, clerk, key="pk", wo_number="WO-1", drop_location="LS-L1",
                       lines=[picking.PickLine(t.id, t.qty, t.lot) for t in tasks])
    for lot in ("G-OLD", "G-NEW"):  # at the line, but output consumes it: never offered, never issued by hand
        with pytest.raises(InvalidInput, match="backflushed at output"):
            issuing.proposal(db, clerk, "WO-1", lot=lot)
        with pytest.raises(InvalidInput, match="backflushed at output"):
            issuing.issue(db, clerk, key=f"i-{lot}", wo_number="WO-1", lot=lot, qty=D("0.1"))
    issuing.issue(db, clerk, key="i1", wo_number="WO-1", lot="IC-A", qty=D(200))
    issuing.issue(db, clerk, key="i2", wo_number="WO-1", sku="SCR-1", qty=D(400))
    out = production.report_output(db, clerk, key="o", wo_number="WO-1", good=D(98), scrap=D(2))
    assert out.status == "completed"
    consumed = helpers.rows(db, "SELECT lt.lot_no, w.qty FROM wo_issue w JOIN lot lt ON lt.id = w.lot_id"
                                " WHERE w.backflush ORDER BY 1 DESC")
    assert consumed == [("G-OLD", D("0.3")), ("G-NEW", D("0.1"))]  # 0.4 for 100 units, once, earliest expiry first
    tree = trace.backward(db, clerk, out.lots[0])
    assert sorted((i.lot, i.qty) for i in tree.inputs) == [("G-NEW", D("0.1")), ("G-OLD", D("0.3")),
                                                           ("IC-A", D(200))]
    assert helpers.scalar(db, "SELECT count(*) FROM reservation") == 0
    assert run_checks(db).ok


def test_a_backflushed_part_already_at_the_line_is_reserved_there_not_picked(db, clerk, supervisor, system):
    _glue_site(db, system)
    helpers.put_stock(db, system, "GLUE-1", "G-LS", "LS-L1", 1, expiry="2031-01-01")
    helpers.put_stock(db, system, "GLUE-1", "G-RM", "A-02", 3, expiry="2030-06-01")
    released = workorders.release(db, supervisor, "WO-1")
    assert released.shortages == ()
    assert [t.sku for t in picking.claim(db, clerk, "WO-1")] == ["IC-1", "SCR-1"]
    assert helpers.rows(db, "SELECT l.code, r.qty FROM reservation r JOIN location l ON l.id = r.location_id"
                            " WHERE r.item_id = (SELECT id FROM item WHERE sku = 'GLUE-1')") == [("LS-L1", D("0.4"))]


def test_backflush_of_partial_outputs_adds_up_to_the_requirement_in_whole_pieces(db, clerk, supervisor, system):
    """Screws (EA) at 0.5 per board, backflushed: each output consumes what the units so far need, rounded up,
    less what was consumed already — 1, 1, 1 for outputs of 1, 2 and 3 boards, not 1 + 1 + 2."""
    helpers.production_site(db)
    helpers.exec_sql(db, "UPDATE bom_line SET backflush = true, qty_per = 0.5 WHERE component_item_id ="
                         " (SELECT id FROM item WHERE sku = 'SCR-1')")
    helpers.put_stock(db, system, "IC-1", "IC-A", "LS-L1", 100, expiry="2030-01-01")
    helpers.put_stock(db, system, "SCR-1", None, "LS-L1", 100)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10)
    workorders.release(db, supervisor, "WO-1")
    issuing.issue(db, clerk, key="i", wo_number="WO-1", lot="IC-A", qty=D(20))
    for n, good in enumerate((1, 2, 3)):
        production.report_output(db, clerk, key=f"o{n}", wo_number="WO-1", good=D(good))
    assert [r[0] for r in helpers.rows(db, "SELECT qty FROM wo_issue WHERE backflush ORDER BY id")] == [1, 1, 1]
