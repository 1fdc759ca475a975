"""The schedule (core/services/schedule.py): each line's sequence by due date and priority, a short order behind
the ones that can run, a supervisor's pin, start and end from the routing or the configured rate; recomputed as
stock moves (a receipt put away makes a short order kittable and it moves ahead)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services import putaway, schedule, workorders
from core.services.receiving import ReceiveCommand, receive
from tests import helpers

NOW = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def site(db, system):
    """PCBA-1 (2 IC-1 + 4 SCR-1 each); IC-1 150 in storage (enough for 75 boards), SCR-1 1000; no routing."""
    ids = helpers.production_site(db)
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 150, expiry="2030-06-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    return ids


def _seq(db, actor, line=None):
    return [(s.line, s.position, s.wo_number, s.kitting) for s in schedule.schedule(db, actor, line, now=NOW)]


def _priority(db, wo, p):
    helpers.exec_sql(db, "UPDATE work_order SET priority = :p WHERE wo_number = :w", p=p, w=wo)


def test_due_date_then_priority_per_line(db, system, site):
    helpers.add_work_order(db, "WO-C", "PCBA-1", 10, due="2030-01-09")
    helpers.add_work_order(db, "WO-A", "PCBA-1", 10, due="2030-01-05")
    helpers.add_work_order(db, "WO-B", "PCBA-1", 10, due="2030-01-05")
    helpers.add_work_order(db, "WO-L2", "PCBA-1", 10, due="2030-01-01", line="L2")
    _priority(db, "WO-A", 5)  # same due date: the lower priority number goes first
    assert _seq(db, system) == [("L1", 1, "WO-B", "kittable"), ("L1", 2, "WO-A", "kittable"),
                                ("L1", 3, "WO-C", "kittable"), ("L2", 1, "WO-L2", "kittable")]
    assert _seq(db, system, "L2") == [("L2", 1, "WO-L2", "kittable")]


def test_closed_and_cancelled_orders_are_not_scheduled(db, system, supervisor, site):
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10, due="2030-01-05")
    helpers.add_work_order(db, "WO-2", "PCBA-1", 10, due="2030-01-06")
    workorders.cancel(db, supervisor, "WO-1")
    assert [s[2] for s in _seq(db, system)] == ["WO-2"]


def test_a_short_order_goes_behind_every_order_that_can_run(db, system, site):
    helpers.add_work_order(db, "WO-BIG", "PCBA-1", 100, due="2030-01-02")  # needs 200 IC-1: short
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10, due="2030-01-05")
    helpers.add_work_order(db, "WO-HUGE", "PCBA-1", 500, due="2030-01-03")  # short too
    helpers.add_work_order(db, "WO-2", "PCBA-1", 20, due="2030-01-08")
    # the short ones keep their due order among themselves, behind the kittable ones
    assert _seq(db, system) == [("L1", 1, "WO-1", "kittable"), ("L1", 2, "WO-2", "kittable"),
                                ("L1", 3, "WO-BIG", "short"), ("L1", 4, "WO-HUGE", "short")]


def test_a_receipt_put_away_moves_the_short_order_ahead(db, system, clerk, site):
    helpers.add_work_order(db, "WO-BIG", "PCBA-1", 100, due="2030-01-02")
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10, due="2030-01-05")
    helpers.add_po_line(db, "PO-9", 1, "IC-1", 100)
    assert [s[2:] for s in _seq(db, system)] == [("WO-1", "kittable"), ("WO-BIG", "short")]
    receive(db, clerk, ReceiveCommand(key="r-9", sku="IC-1", qty=D(100), lot="IC-N", expiry=None, po_number="PO-9"))
    # on the dock it is not free stock yet: still short
    assert [s[2:] for s in _seq(db, system)] == [("WO-1", "kittable"), ("WO-BIG", "short")]
    putaway.confirm(db, clerk, key="pa-9", lot="IC-N", location="A-01")
    assert [s[2:] for s in _seq(db, system)] == [("WO-BIG", "kittable"), ("WO-1", "kittable")]


def test_a_release_that_reserves_the_stock_makes_the_next_order_short(db, system, supervisor, site):
    helpers.add_work_order(db, "WO-1", "PCBA-1", 60, due="2030-01-05")  # 120 IC-1
    helpers.add_work_order(db, "WO-2", "PCBA-1", 60, due="2030-01-04")
    assert [s[2:] for s in _seq(db, system)] == [("WO-2", "kittable"), ("WO-1", "kittable")]
    workorders.release(db, supervisor, "WO-1")  # reserves 120 of the 150: WO-2 can no longer run
    assert [s[2:] for s in _seq(db, system)] == [("WO-1", "kitted"), ("WO-2", "short")]


def test_a_pin_wins_over_due_date_and_kitting(db, system, supervisor, site):
    for wo, due in (("WO-1", "2030-01-02"), ("WO-2", "2030-01-03"), ("WO-3", "2030-01-04")):
        helpers.add_work_order(db, wo, "PCBA-1", 10, due=due)
    helpers.add_work_order(db, "WO-S", "PCBA-1", 1000, due="2030-01-09")  # short
    done = schedule.pin(db, supervisor, "WO-S", 2)
    assert (done.wo_number, done.line, done.position) == ("WO-S", "L1", 2)
    assert _seq(db, system) == [("L1", 1, "WO-1", "kittable"), ("L1", 2, "WO-S", "short"),
                                ("L1", 3, "WO-2", "kittable"), ("L1", 4, "WO-3", "kittable")]
    schedule.pin(db, supervisor, "WO-3", 1)
    assert [s[2] for s in _seq(db, system)] == ["WO-3", "WO-S", "WO-1", "WO-2"]
    schedule.pin(db, supervisor, "WO-2", 99)  # past the end: last
    assert [s[2] for s in _seq(db, system)] == ["WO-3", "WO-S", "WO-1", "WO-2"]
    schedule.unpin(db, supervisor, "WO-S")
    assert [s[2] for s in _seq(db, system)] == ["WO-3", "WO-1", "WO-S", "WO-2"]
    audit = helpers.rows(db, "SELECT action, entity_key, badge FROM audit_log"
                             " WHERE action LIKE 'schedule.%' ORDER BY id")
    assert [tuple(r) for r in audit] == [("schedule.pin", "WO-S", "S900"), ("schedule.pin", "WO-3", "S900"),
                                         ("schedule.pin", "WO-2", "S900"), ("schedule.unpin", "WO-S", "S900")]


def test_a_clerk_may_not_pin_and_nothing_is_written(db, clerk, supervisor, site):
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10)
    with pytest.raises(PermissionDenied):
        schedule.pin(db, clerk, "WO-1", 1)
    assert helpers.scalar(db, "SELECT schedule_position FROM work_order WHERE wo_number = 'WO-1'") is None
    assert helpers.scalar(db, "SELECT count(*) FROM audit_log WHERE action LIKE 'schedule.%'") == 0


def test_pin_refuses_a_bad_position_an_unknown_or_a_finished_order(db, supervisor, site):
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10)
    for bad in (0, -1):
        with pytest.raises(InvalidInput):
            schedule.pin(db, supervisor, "WO-1", bad)
    with pytest.raises(NotFound):
        schedule.pin(db, supervisor, "WO-404", 1)
    workorders.cancel(db, supervisor, "WO-1")
    with pytest.raises(InvalidInput, match="cancelled"):
        schedule.pin(db, supervisor, "WO-1", 1)
    assert helpers.scalar(db, "SELECT count(*) FROM work_order WHERE schedule_position IS NOT NULL") == 0


def test_times_chain_from_now_by_routing_or_the_configured_rate(db, system, site, monkeypatch):
    import core.config

    helpers.exec_sql(db, "INSERT INTO item (sku, name, uom, tracking) VALUES ('KIT-9', 'Kit', 'EA', 'none')")
    helpers.exec_sql(db, "INSERT INTO work_center (code, name, line) VALUES ('SMT-1', 'SMT', 'L1'),"
                         " ('COAT-1', 'Coat', 'L1')")
    helpers.exec_sql(db, "INSERT INTO routing (item_id, op_no, work_center_id, minutes_per_unit, setup_minutes)"
                         " SELECT (SELECT id FROM item WHERE sku = 'PCBA-1'), op, w.id, mpu, setup FROM"
                         " (VALUES (10, 'SMT-1', 1.5, 20), (20, 'COAT-1', 0.5, 5)) v(op, wc, mpu, setup)"
                         " JOIN work_center w ON w.code = v.wc")
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10, due="2030-01-02")  # 20 + 5 + (1.5 + 0.5) x 10 = 45 min
    helpers.add_work_order(db, "WO-2", "KIT-9", 30, due="2030-01-03")  # no routing: 30 at 60 an hour = 30 min
    slots = schedule.schedule(db, system, now=NOW)
    assert [(s.wo_number, s.start, s.end) for s in slots] == [
        ("WO-1", NOW, NOW + timedelta(minutes=45)),
        ("WO-2", NOW + timedelta(minutes=45), NOW + timedelta(minutes=75))]
    monkeypatch.setenv("LINESIDE_DEFAULT_RATE_PER_HOUR", "120")
    core.config.settings.cache_clear()
    try:
        slots = schedule.schedule(db, system, now=NOW)
    finally:
        monkeypatch.delenv("LINESIDE_DEFAULT_RATE_PER_HOUR")
        core.config.settings.cache_clear()
    assert slots[1].end - slots[1].start == timedelta(minutes=15)


def test_a_running_order_comes_first_and_the_next_starts_when_it_ends(db, system, supervisor, site):
    helpers.exec_sql(db, "INSERT INTO work_center (code, name, line) VALUES ('SMT-1', 'SMT', 'L1')")
    helpers.exec_sql(db, "INSERT INTO routing (item_id, op_no, work_center_id, minutes_per_unit, setup_minutes)"
                         " SELECT (SELECT id FROM item WHERE sku = 'PCBA-1'), 10, id, 2, 0 FROM work_center")
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10, due="2030-01-02")
    helpers.add_work_order(db, "WO-LATE", "PCBA-1", 30, due="2030-01-09")  # 60 minutes
    workorders.release(db, supervisor, "WO-LATE")
    started = NOW - timedelta(minutes=20)
    helpers.exec_sql(db, "UPDATE wo_operation SET status = 'running', started_at = :t", t=started)
    helpers.exec_sql(db, "UPDATE work_order SET status = 'in_progress' WHERE wo_number = 'WO-LATE'")
    slots = schedule.schedule(db, system, now=NOW)
    assert [(s.position, s.wo_number, s.running) for s in slots] == [(1, "WO-LATE", True), (2, "WO-1", False)]
    assert (slots[0].start, slots[0].end) == (started, started + timedelta(minutes=60))
    assert (slots[1].start, slots[1].end) == (slots[0].end, slots[0].end + timedelta(minutes=20))


def test_an_order_without_components_is_kitted(db, system, site):
    helpers.exec_sql(db, "INSERT INTO item (sku, name, uom, tracking) VALUES ('KIT-9', 'Kit', 'EA', 'none')")
    helpers.add_work_order(db, "WO-9", "KIT-9", 5)
    assert _seq(db, system) == [("L1", 1, "WO-9", "kitted")]


def test_the_status_query_agrees_with_kitting(db, system, supervisor, site):
    """The schedule reads kit_statuses (grouped in the server); it says what kitting() says, order by order."""
    from core.services.kitting import kit_statuses, kitting

    helpers.add_work_order(db, "WO-1", "PCBA-1", 30, due="2030-01-05")
    helpers.add_work_order(db, "WO-2", "PCBA-1", 10, due="2030-01-06")
    helpers.add_work_order(db, "WO-3", "PCBA-1", 500, due="2030-01-07")
    workorders.release(db, supervisor, "WO-1")
    statuses = kit_statuses(db, system)
    assert statuses == {k.wo_number: k.status for k in kitting(db, system)}
    assert statuses == {"WO-1": "kitted", "WO-2": "kittable", "WO-3": "short"}


def test_a_short_pick_that_takes_the_stock_moves_the_next_order_behind(db, system, supervisor, clerk, site):
    """A short pick blocks what the bin should hold and re-reserves elsewhere: the next order can no longer run."""
    from core.services import picking

    helpers.put_stock(db, system, "IC-1", "IC-B", "A-02", 200, expiry="2031-01-01")  # 350 IC-1 in all
    helpers.add_work_order(db, "WO-1", "PCBA-1", 60, due="2030-01-03")  # 120 IC-1
    helpers.add_work_order(db, "WO-2", "PCBA-1", 60, due="2030-01-04")  # 120
    helpers.add_work_order(db, "WO-3", "PCBA-1", 10, due="2030-01-08")  # 20
    workorders.release(db, supervisor, "WO-1")  # FEFO: 120 of IC-A
    assert [s[2:] for s in _seq(db, system)] == [("WO-1", "kitted"), ("WO-2", "kittable"), ("WO-3", "kittable")]
    task = next(t for t in picking.claim(db, clerk, "WO-1") if t.sku == "IC-1")
    picking.post_picks(db, clerk, key="short", wo_number="WO-1", drop_location="LS-L1",
                       lines=[picking.PickLine(task.id, D(0), task.lot, short=True, reason="not_found")])
    # 120 of IC-A blocked, WO-1 re-reserved from IC-A's rest and IC-B: 110 free, WO-2 needs 120
    assert [s[2:] for s in _seq(db, system)] == [("WO-1", "kitted"), ("WO-3", "kittable"), ("WO-2", "short")]
