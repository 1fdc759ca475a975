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
        counting.decide(db, supervisor, key="d", line_id=line.id, approve=True, reason="", pin="1234")
    counting.decide(db, supervisor, key="d", line_id=line.id, approve=True, reason="damaged reel found", pin="1234")
    assert _qty(db, "IC-B") == 30


def test_close_counts_the_uncounted_as_zero_and_recount(db, clerk, supervisor, site):
    counting.create_task(db, supervisor, "A-01")
    counting.record_count(db, clerk, key="c1", location="A-01", lot="IC-A", qty=D(100))
    r = counting.close_location(db, clerk, key="f5", location="A-01")
    assert r == counting.Closed(location="A-01", uncounted_as_zero=1, pending_approval=1)
    (line,) = counting.pending_lines(db, supervisor)
    counting.decide(db, supervisor, key="d", line_id=line.id, approve=False, reason="count again", pin="1234")
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
    counting.decide(db, supervisor, key="d", line_id=line.id, approve=True, reason="found in the rack", pin="1234")
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


# Issue 13: counts that cannot write stock off --------------------------------------------------------------


def _count_movements(db, lot):
    return helpers.rows(db, "SELECT coalesce(t.code, ''), coalesce(f.code, ''), m.qty FROM movement m"
                            " JOIN lot l ON l.id = m.lot_id LEFT JOIN location t ON t.id = m.to_location_id"
                            " LEFT JOIN location f ON f.id = m.from_location_id"
                            " WHERE l.lot_no = :n AND m.kind = 'count' ORDER BY m.id", n=lot)


def test_a_clerk_cannot_write_stock_off_by_recounting(db, clerk, supervisor, system, site):
    """The attack: 3000 on hand, counted again and again within 5% of what the last count left -> 25."""
    from core.services import checks

    helpers.put_stock(db, system, "IC-1", "IC-Z", "A-01", 3000, expiry="2030-03-01")
    counting.create_task(db, supervisor, "A-01")
    qty = D(3000)
    results = []
    for n in range(103):
        qty = D(25) if n == 102 else (qty * D("0.96")).quantize(D(1))
        results.append(counting.record_count(db, clerk, key=f"r{n}", location="A-01", lot="IC-Z", qty=qty).status)
    assert results[0] == "posted" and set(results[1:]) == {"pending"}  # only the first count posts
    assert _qty(db, "IC-Z") == 2880  # 3000 less the first count's 4%, nothing more
    assert helpers.scalar(db, "SELECT count(*) FROM count_line c JOIN lot l ON l.id = c.lot_id"
                              " WHERE l.lot_no = 'IC-Z'") == 1  # one line, its count replaced
    (line,) = [p for p in counting.pending_lines(db, supervisor) if p.lot == "IC-Z"]
    assert (line.counted_qty, line.expected_qty) == (25, 3000)  # the supervisor sees the whole variance
    with pytest.raises(PermissionDenied):  # a clerk cannot approve it either
        counting.decide(db, clerk, key="d0", line_id=line.id, approve=True, reason="mine", pin="1234")
    assert _qty(db, "IC-Z") == 2880
    assert checks.run_checks(db).ok
    with pytest.raises(Exception, match="uq_count_line_item_lot"):  # the database holds one line per lot too
        helpers.exec_sql(db, "INSERT INTO count_line (task_id, item_id, lot_id, counted_qty, expected_qty,"
                             " within_tolerance, status, counted_by, counted_at) SELECT task_id, item_id, lot_id, 1,"
                             " 1, true, 'posted', counted_by, now() FROM count_line WHERE id = :id", id=line.id)


def test_a_recount_that_matches_posts_nothing_and_a_second_supervisor_approves(db, clerk, supervisor, site):
    counting.create_task(db, supervisor, "A-01")
    assert counting.record_count(db, clerk, key="c1", location="A-01", lot="IC-A", qty=D(97)).status == "posted"
    assert counting.record_count(db, clerk, key="c2", location="A-01", lot="IC-A", qty=D(97)).status == "posted"
    assert counting.record_count(db, clerk, key="c3", location="A-01", lot="IC-A", qty=D(96)).status == "pending"
    assert _qty(db, "IC-A") == 97
    boss = helpers.make_operator(db, "S901", ["supervisor"])
    (line,) = counting.pending_lines(db, supervisor)
    counting.decide(db, boss, key="d", line_id=line.id, approve=True, reason="recounted, one reel short", pin="1234")
    assert _qty(db, "IC-A") == 96
    assert _count_movements(db, "IC-A") == [("", "A-01", 3), ("", "A-01", 1)]


def test_approval_posts_the_variance_at_the_count_not_against_the_book_now(db, clerk, supervisor, system, site):
    """150 on hand, counted 120, 100 moved out before approval: approval posts -30 (20 left), not +70."""
    from core.services import checks
    from core.services.ledger import Leg, post_moves

    helpers.put_stock(db, system, "IC-1", "IC-P", "A-01", 150, expiry="2030-04-01")
    counting.create_task(db, supervisor, "A-01")
    assert counting.record_count(db, clerk, key="c1", location="A-01", lot="IC-P", qty=D(120)).status == "pending"
    counting.record_count(db, clerk, key="c2", location="A-01", lot="IC-A", qty=D(100))
    counting.record_count(db, clerk, key="c3", location="A-01", lot="IC-B", qty=D(50))
    counting.close_location(db, clerk, key="f5", location="A-01")
    lot_id = helpers.scalar(db, "SELECT id FROM lot WHERE lot_no = 'IC-P'")
    item_id = helpers.scalar(db, "SELECT id FROM item WHERE sku = 'IC-1'")
    a01, a02 = (helpers.scalar(db, "SELECT id FROM location WHERE code = :c", c=c) for c in ("A-01", "A-02"))
    post_moves(db, clerk, "move", [Leg(item_id, lot_id, D(100), a01, "available", a02, "available")], key="mv")
    (line,) = counting.pending_lines(db, supervisor)
    boss = helpers.make_operator(db, "S901", ["supervisor"])
    counting.decide(db, boss, key="d", line_id=line.id, approve=True, reason="counted short", pin="1234")
    assert _count_movements(db, "IC-P") == [("", "A-01", 30)]  # -30 at A-01
    assert helpers.scalar(db, "SELECT qty FROM stock_balance WHERE lot_id = :l AND location_id = :a",
                          l=lot_id, a=a01) == 20
    assert checks.run_checks(db).ok


def test_the_counter_cannot_approve_their_own_variance(db, clerk, supervisor, site):
    counting.create_task(db, supervisor, "A-01")
    counting.record_count(db, supervisor, key="c1", location="A-01", lot="IC-B", qty=D(30))  # a supervisor counts
    counting.record_count(db, clerk, key="c2", location="A-01", lot="IC-B", qty=D(31))  # a clerk recounts
    (line,) = counting.pending_lines(db, supervisor)
    with pytest.raises(PermissionDenied, match="You counted this line"):
        counting.decide(db, supervisor, key="d1", line_id=line.id, approve=True, reason="mine", pin="1234")
    with pytest.raises(PermissionDenied, match="You counted this line"):
        counting.decide(db, supervisor, key="d2", line_id=line.id, approve=False, reason="mine", pin="1234")
    assert _qty(db, "IC-B") == 50 and helpers.scalar(db, "SELECT status FROM count_line") == "pending"
    counting.decide(db, helpers.make_operator(db, "S901", ["supervisor"]), key="d3", line_id=line.id, approve=True,
                    reason="second pair of eyes", pin="1234")
    assert _qty(db, "IC-B") == 31


def test_check_catches_a_hand_forged_count_adjustment(db, clerk, supervisor, system, site):
    from core.services import checks
    from core.services.ledger import Leg, post_moves

    counting.create_task(db, supervisor, "A-01")
    counting.record_count(db, clerk, key="c1", location="A-01", lot="IC-A", qty=D(97))
    assert checks.run_checks(db).ok
    line_id = helpers.scalar(db, "SELECT id FROM count_line")
    lot_id = helpers.scalar(db, "SELECT id FROM lot WHERE lot_no = 'IC-A'")
    item_id = helpers.scalar(db, "SELECT id FROM item WHERE sku = 'IC-1'")
    a01 = helpers.scalar(db, "SELECT id FROM location WHERE code = 'A-01'")
    # a write-off through the ledger (balances agree) naming the real line, and one naming none
    post_moves(db, system, "count", [Leg(item_id, lot_id, D(40), from_location_id=a01, from_status="available")],
               key="forged1", reference=counting.line_reference(line_id), permission="stock.adjust")
    post_moves(db, system, "count", [Leg(item_id, lot_id, D(7), from_location_id=a01, from_status="available")],
               key="forged2", reference="cycle count", permission="stock.adjust")
    report = checks.run_checks(db)
    failing = {c.name: c.violations for c in report.checks if not c.ok}
    assert list(failing) == ["count_variance"]
    by_line, by_movement = sorted(failing["count_variance"], key=lambda v: v["movement_id"] is not None)
    assert (by_line["count_line"], by_line["counted"], by_line["book"], by_line["adjusted"]) == (line_id, 97, 100, -43)
    assert (by_movement["lot"], by_movement["adjusted"], by_movement["count_line"]) == ("IC-A", 7, None)
    # hiding it in the line's own figures fails the variance instead
    helpers.exec_sql(db, "UPDATE count_line SET adjusted_qty = -43 WHERE id = :id", id=line_id)
    (v, _orphan) = sorted(next(c for c in checks.run_checks(db).checks if c.name == "count_variance").violations,
                          key=lambda v: v["movement_id"] is not None)
    assert (v["count_line"], v["adjusted"]) == (line_id, -43)
