"""`lineside bench kitting`: the release's SQL statement count does not grow with the BOM, and it really reserves."""

from bench import kitting as bench_kitting
from tests import helpers

SMALL = {"bins": 50, "items": 20, "lots": 200}


def test_statements_do_not_grow_with_lines(db):
    bench_kitting.build(db, [10, 200], SMALL)
    small, large = bench_kitting.release_once(db, 10), bench_kitting.release_once(db, 200)
    assert small["statements"] == large["statements"] > 5
    assert (small["lines"], large["lines"]) == (10, 200)
    assert large["shortages"] == 5  # every 40th component has too little stock
    # FEFO skipped the expired lot of every component, and every component got its reservation or a shortage
    assert helpers.scalar(db, "SELECT count(*) FROM reservation r JOIN lot l ON l.id = r.lot_id"
                              " WHERE l.expiry < current_date") == 0
    assert helpers.scalar(db, "SELECT count(DISTINCT r.item_id) FROM reservation r JOIN work_order w"
                              " ON w.id = r.work_order_id WHERE w.wo_number = 'WO-BENCH-200'") == 200


def test_the_schedule_scenario_is_500_orders_on_10_lines(db):
    bench_kitting.build(db, [10], SMALL)
    bench_kitting.build_schedule(db, SMALL)
    doc = bench_kitting.schedule_once(db)
    assert (doc["schedule_orders"], doc["schedule_lines"]) == (501, 11)  # and the bench's own WO on L1
    assert doc["schedule_statements"] <= 4 and doc["schedule_seconds"] > 0
    # both ways of timing an order are exercised: routed (odd products) and at the configured rate (even ones)
    assert helpers.scalar(db, "SELECT count(DISTINCT w.item_id) FROM work_order w JOIN routing r"
                              " ON r.item_id = w.item_id WHERE w.wo_number LIKE 'WO-S-%'") == 25
    assert helpers.scalar(db, "SELECT count(*) FROM wo_operation o JOIN work_order w ON w.id = o.work_order_id"
                              " WHERE w.wo_number LIKE 'WO-S-%'") > 0
