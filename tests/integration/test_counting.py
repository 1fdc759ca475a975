"""Blind cycle counts, ABC tolerance, supervisor approval, recount, and the pick freeze."""

from decimal import Decimal

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.services import counting, picking, workorders
from tests import helpers

D = Decimal


@pytest.fixture
def site(db, system):
    ids = helpers.production_site(db)
    helpers.exec_sql(db, "UPDATE item SET abc = 'C' WHERE sku = 'IC-1'")
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 100, expiry="2030-01-01")
    helpers.put_stock(db, system, "IC-1", "IC-B", "A-01", 50, expiry="2030-02-01")
    return ids


def _qty(db, lot):
    return helpers.scalar(db, "SELECT coalesce(sum(b.qty), 0) FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                              " WHERE l.lot_no = :n", n=lot)


def test_small_variance_posts_large_waits_for_approval(db, clerk, supervisor, site):
    with pytest.raises(PermissionDenied):
        counting.create_task(db, clerk, "A-01")
    counting.create_task(db, supervisor, "A-01")
    r = counting.record_count(db, clerk, key="c1", location="A-01", lot="IC-A", qty=D(97))  # C: 5% tolerance
    assert r == counting.Counted(location="A-01", sku="IC-1", lot="IC-A", counted=D(97), status="posted")
    assert "expected" not in str(r)  # blind
    assert _qty(db, "IC-A") == 97
    assert helpers.scalar(db, "SELECT count(*) FROM outbox WHERE type = 'stock.adjusted'") == 1
    r = counting.record_count(db, clerk, key="c2", location="A-01", lot="IC-B", qty=D(30))
    assert r.status == "pending" and _qty(db, "IC-B") == 50
    (line,) = counting.pending_lines(db, supervisor)
    assert (line.lot, line.expected_qty, line.counted_qty) == ("IC-B", 50, 30)
    with pytest.raises(InvalidInput):
        counting.decide(db, supervisor, key="d", line_id=line.id, approve=True, reason="")
    counting.decide(db, supervisor, key="d", line_id=line.id, approve=True, reason="damaged reel found")
    assert _qty(db, "IC-B") == 30


def test_close_counts_the_uncounted_as_zero_and_recount(db, clerk, supervisor, site):
    counting.create_task(db, supervisor, "A-01")
    counting.record_count(db, clerk, key="c1", location="A-01", lot="IC-A", qty=D(100))
    r = counting.close_location(db, clerk, key="f5", location="A-01")
    assert r == counting.Closed(location="A-01", uncounted_as_zero=1, pending_approval=1)
    (line,) = counting.pending_lines(db, supervisor)
    counting.decide(db, supervisor, key="d", line_id=line.id, approve=False, reason="count again")
    assert helpers.scalar(db, "SELECT source FROM count_task WHERE status = 'open'") == "recount"
    assert _qty(db, "IC-B") == 50
    with pytest.raises(InvalidInput, match="No open count"):
        counting.record_count(db, clerk, key="c9", location="A-02", lot="IC-A", qty=D(1))


def test_counting_freezes_picks(db, clerk, supervisor, system, site):
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10)
    workorders.release(db, supervisor, "WO-1")
    counting.create_task(db, supervisor, "A-01")
    tasks = picking.claim(db, clerk, "WO-1")
    ic = next(t for t in tasks if t.sku == "IC-1")
    with pytest.raises(InvalidInput, match="count is open"):
        picking.post_picks(db, clerk, key="p", wo_number="WO-1", drop_location="LS-L1",
                           lines=[picking.PickLine(ic.id, ic.qty, ic.lot)])
    counting.close_location(db, clerk, key="f5", location="A-01")
    picking.post_picks(db, clerk, key="p", wo_number="WO-1", drop_location="LS-L1",
                       lines=[picking.PickLine(ic.id, ic.qty, ic.lot)])


def test_abc_schedule(db, supervisor, site):
    assert counting.schedule_abc(db, supervisor) == 1
    assert counting.schedule_abc(db, supervisor) == 0


def _serial_at(db, system, location):
    helpers.exec_sql(db, "INSERT INTO item (sku, name, uom, tracking, abc) VALUES ('CTRL', 'Controller', 'EA',"
                         " 'serial', 'C')")
    helpers.put_stock(db, system, "CTRL", "SN-04", location, 1)


def _places(db, serial):
    return helpers.rows(db, "SELECT c.code, b.qty FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                            " JOIN location c ON c.id = b.location_id WHERE l.lot_no = :n AND b.qty > 0", n=serial)


def test_a_serial_found_elsewhere_is_moved_never_a_second_unit(db, clerk, supervisor, system, site):
    from core.services import checks

    _serial_at(db, system, "LS-L1")  # the book has it at the line side; the counter finds it in A-01
    counting.create_task(db, supervisor, "A-01")
    with pytest.raises(InvalidInput, match="A serial is one unit"):
        counting.record_count(db, clerk, key="c0", location="A-01", lot="SN-04", qty=D(2))
    r = counting.record_count(db, clerk, key="c1", location="A-01", lot="SN-04", qty=D(1))
    assert (r.status, r.booked_at) == ("pending", "LS-L1")  # the count proposes a move; nothing moved yet
    assert _places(db, "SN-04") == [("LS-L1", 1)]
    assert helpers.scalar(db, "SELECT f.code FROM count_line c JOIN location f ON f.id = c.from_location_id") == "LS-L1"
    (line,) = counting.pending_lines(db, supervisor)
    assert (line.lot, line.expected_qty, line.counted_qty, line.from_location) == ("SN-04", 0, 1, "LS-L1")
    counting.decide(db, supervisor, key="d", line_id=line.id, approve=True, reason="found in the rack")
    assert _places(db, "SN-04") == [("A-01", 1)]  # one unit, moved: no Conflict, no second unit
    legs = helpers.rows(db, "SELECT f.code, t.code, m.qty FROM movement m JOIN lot l ON l.id = m.lot_id"
                            " JOIN location f ON f.id = m.from_location_id JOIN location t ON t.id = m.to_location_id"
                            " WHERE l.lot_no = 'SN-04' AND m.kind = 'count'")
    assert legs == [("LS-L1", "A-01", 1)]
    assert checks.run_checks(db).ok


def test_a_serial_found_where_the_book_has_it_changes_nothing(db, clerk, supervisor, system, site):
    _serial_at(db, system, "A-01")
    counting.create_task(db, supervisor, "A-01")
    r = counting.record_count(db, clerk, key="c1", location="A-01", lot="SN-04", qty=D(1))
    assert (r.status, r.booked_at) == ("posted", None)
    assert _places(db, "SN-04") == [("A-01", 1)]
