"""Stock arriving for a short work order is reserved for it; backflush components are consumed at output."""

from decimal import Decimal

from core.services import issuing, picking, production, putaway, workorders
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
