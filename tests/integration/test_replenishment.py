"""Line-side min/max: a consumption (issue, backflush, a move out) or a new min below the balance raises exactly
one open task up to max, from FEFO storage stock (never held, quarantined or expired), with its event; two
concurrent consumptions still raise one; the drop closes it; import refusals write nothing."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from core.errors import InvalidInput, WrongLocation
from core.services import issuing, production, replenishment, returns, workorders
from core.services.imports import run_import
from core.services.ledger import Leg, apply_legs, post_moves
from tests import helpers


def _line_stock(db, admin, tmp_path, rows: str):
    path = tmp_path / "line-stock.csv"
    path.write_text("location,sku,min_qty,max_qty\n" + rows, encoding="utf-8")
    return run_import(db, admin, "line-stock", path)


@pytest.fixture
def line(db, system, admin, tmp_path):
    """production_site; IC-1 in storage: IC-X expired (A-01), IC-H on qc_hold (A-01, earliest expiry), IC-Q in
    quarantine, IC-A (A-02, 2030-02) before IC-B (A-01, 2030-05); SCR-1: 30 at LS-L1, 1000 at A-02; WO-1."""
    ids = helpers.production_site(db)
    helpers.put_stock(db, system, "IC-1", "IC-X", "A-01", 500, expiry="2020-01-01")
    helpers.put_stock(db, system, "IC-1", "IC-H", "A-01", 500, expiry="2029-01-01")
    helpers.put_stock(db, system, "IC-1", "IC-Q", "QA", 500, expiry="2028-01-01")
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-02", 300, expiry="2030-02-01")
    helpers.put_stock(db, system, "IC-1", "IC-B", "A-01", 300, expiry="2030-05-01")
    hold = helpers.scalar(db, "SELECT id FROM lot WHERE lot_no = 'IC-H'")
    post_moves(db, system, "status", [Leg(ids["IC"], hold, Decimal(500), ids["A-01"], "available", ids["A-01"],
                                          "qc_hold")], key="hold")
    helpers.put_stock(db, system, "SCR-1", None, "LS-L1", 30)
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10)
    ids["supervisor"] = helpers.make_operator(db, "S001", ["supervisor"], pin="9876")
    ids["clerk"] = helpers.make_operator(db, "C001", ["clerk"])
    return ids


def _open(db):
    return [tuple(r) for r in helpers.rows(
        db, "SELECT l.code, i.sku, r.qty, f.code AS src, t.lot_no FROM replenishment_task r"
            " JOIN location l ON l.id = r.location_id JOIN item i ON i.id = r.item_id"
            " LEFT JOIN location f ON f.id = r.from_location_id LEFT JOIN lot t ON t.id = r.lot_id"
            " WHERE r.status = 'open' ORDER BY r.id")]


def _events(db):
    return [r.data for r in helpers.rows(db, "SELECT data FROM outbox WHERE type = 'replenishment.requested'"
                                             " ORDER BY id")]


def test_a_min_above_the_balance_raises_the_task_at_once_fefo_never_held_or_expired(db, admin, line, tmp_path):
    s = _line_stock(db, admin, tmp_path, "LS-L1,IC-1,50,100\n")
    assert (s.inserted, s.errors) == (1, [])
    assert _open(db) == [("LS-L1", "IC-1", 100, "A-02", "IC-A")]  # not IC-X (expired), IC-H (held), IC-Q (QA)
    (event,) = _events(db)
    assert (event["sku"], event["location"], event["qty"], event["from_location"], event["lot"]) == (
        "IC-1", "LS-L1", 100, "A-02", "IC-A")
    assert _line_stock(db, admin, tmp_path, "LS-L1,IC-1,50,100\n").updated == 1  # re-import: still one task
    assert len(_open(db)) == 1 and len(_events(db)) == 1


def test_an_issue_below_min_raises_one_task_up_to_max_and_another_issue_tops_it_up(db, admin, line, tmp_path):
    _line_stock(db, admin, tmp_path, "LS-L1,SCR-1,10,50\n")
    assert _open(db) == []  # 30 on hand: not below 10
    workorders.release(db, line["supervisor"], "WO-1")
    issuing.issue(db, line["clerk"], key="i1", wo_number="WO-1", qty=Decimal(25), sku="SCR-1")
    assert _open(db) == [("LS-L1", "SCR-1", 45, "A-02", None)]  # 5 left: up to 50
    issuing.issue(db, line["clerk"], key="i2", wo_number="WO-1", qty=Decimal(3), sku="SCR-1")
    assert _open(db) == [("LS-L1", "SCR-1", 48, "A-02", None)]  # the same task, topped up; no second event
    assert len(_events(db)) == 1


def test_a_backflush_below_min_raises_the_task(db, admin, line, tmp_path, system):
    helpers.exec_sql(db, "UPDATE bom_line SET backflush = true WHERE component_item_id = :s", s=line["SCREW"])
    _line_stock(db, admin, tmp_path, "LS-L1,SCR-1,10,50\n")
    helpers.put_stock(db, system, "IC-1", "IC-L", "LS-L1", 20, expiry="2030-02-01")
    workorders.release(db, line["supervisor"], "WO-1")
    issuing.issue(db, line["clerk"], key="i1", wo_number="WO-1", qty=Decimal(20), lot="IC-L")
    production.report_output(db, line["clerk"], key="o1", wo_number="WO-1", good=Decimal(6))  # 24 backflushed
    assert _open(db) == [("LS-L1", "SCR-1", 44, "A-02", None)]


def test_a_return_to_stock_or_a_move_out_of_the_line_below_min_raises_the_task(db, admin, line, tmp_path, system):
    _line_stock(db, admin, tmp_path, "LS-L1,SCR-1,10,50\n")
    where = returns.suggest(db, line["clerk"], reason="surplus", sku="SCR-1").location
    returns.return_to_stock(db, line["clerk"], key="r", sku="SCR-1", qty=Decimal(15), reason="surplus",
                            location=where)
    assert _open(db) == []  # 15 left
    post_moves(db, system, "move", [Leg(line["SCREW"], None, Decimal(10), line["LS-L1"], "available",
                                        line["A-01"], "available")], key="m")  # a plain move, in the server
    assert _open(db) == [("LS-L1", "SCR-1", 45, "A-01", None)]  # A-01 first on the pick path now


def test_moves_without_line_stock_raise_nothing(db, admin, line, system):
    post_moves(db, system, "move", [Leg(line["SCREW"], None, Decimal(25), line["LS-L1"], "available",
                                        line["A-01"], "available")], key="m1")
    assert _open(db) == [] and _events(db) == []


def test_two_concurrent_consumptions_raise_one_task(db, admin, line, tmp_path, system):
    helpers.put_stock(db, system, "IC-1", "IC-A", "LS-L1", 40, expiry="2030-02-01")
    helpers.put_stock(db, system, "IC-1", "IC-B", "LS-L1", 40, expiry="2030-05-01")
    _line_stock(db, admin, tmp_path, "LS-L1,IC-1,50,100\n")
    assert _open(db) == []  # 80 on hand
    lots = {n: helpers.scalar(db, "SELECT id FROM lot WHERE lot_no = :n", n=n) for n in ("IC-A", "IC-B")}

    def consume(uow, lot, qty):
        apply_legs(uow.session, system, "issue", [Leg(line["IC"], lots[lot], Decimal(qty), line["LS-L1"],
                                                      "available")])

    first = db.uow()
    first.__enter__()
    consume(first, "IC-A", 40)  # 40 left: below min, its task raised, not committed yet
    started, done = threading.Event(), threading.Event()

    def second():
        with db.uow() as uow:
            started.set()
            consume(uow, "IC-B", 35)  # alone it would see 45 and raise a task of its own
            uow.commit()
        done.set()

    thread = threading.Thread(target=second)
    thread.start()
    started.wait(5)
    assert not done.wait(1)  # the second waits for the first (the pair's lock)
    first.commit()
    first.__exit__(None, None, None)
    thread.join(10)
    assert done.is_set()
    assert len(_open(db)) == 1 and len(_events(db)) == 1
    assert _open(db)[0][2] == 95  # topped up to max - the 5 really left


def test_the_drop_closes_the_task_and_a_wrong_drop_or_lot_writes_nothing(db, admin, line, tmp_path, system):
    helpers.put_stock(db, system, "IC-1", "IC-E", "A-02", 100, expiry="2021-01-01")
    _line_stock(db, admin, tmp_path, "LS-L1,IC-1,50,100\n")
    clerk = line["clerk"]
    task = replenishment.claim_next(db, clerk)
    assert (task.location, task.sku, task.qty, task.from_location, task.lot) == ("LS-L1", "IC-1", 100, "A-02",
                                                                               "IC-A")
    before = helpers.scalar(db, "SELECT count(*) FROM movement")
    with pytest.raises(WrongLocation):
        replenishment.post_drop(db, clerk, key="d0", task_id=task.id, lot="IC-A", qty=Decimal(100),
                                drop_location="A-01")
    with pytest.raises(InvalidInput, match="expired"):  # never an expired substitute
        replenishment.check_material(db, clerk, task.id, lot="IC-E", sku=None)
    with pytest.raises(WrongLocation):  # IC-B is at A-01
        replenishment.check_material(db, clerk, task.id, lot="IC-B", sku=None)
    with pytest.raises(InvalidInput):
        replenishment.post_drop(db, clerk, key="d1", task_id=task.id, lot="IC-A", qty=Decimal(101),
                                drop_location="LS-L1")
    assert helpers.scalar(db, "SELECT count(*) FROM movement") == before
    done = replenishment.post_drop(db, clerk, key="d2", task_id=task.id, lot="IC-A", qty=Decimal(100),
                                   drop_location="LS-L1")
    assert (done.qty, done.from_location, done.location, done.raised) == (100, "A-02", "LS-L1", 0)
    assert helpers.scalar(db, "SELECT status FROM replenishment_task WHERE id = :i", i=task.id) == "done"
    assert helpers.scalar(db, "SELECT qty FROM stock_balance b JOIN location l ON l.id = b.location_id"
                              " WHERE l.code = 'LS-L1' AND b.item_id = :i", i=line["IC"]) == 100
    assert _open(db) == []
    with pytest.raises(InvalidInput, match="No replenishment task is open"):
        replenishment.claim_next(db, clerk)


def test_a_short_drop_closes_the_task_and_raises_the_next(db, admin, line, tmp_path):
    _line_stock(db, admin, tmp_path, "LS-L1,IC-1,50,100\n")
    task = replenishment.claim_next(db, line["clerk"])
    done = replenishment.post_drop(db, line["clerk"], key="d", task_id=task.id, lot="IC-A", qty=Decimal(30),
                                   drop_location="LS-L1")
    assert done.raised == 1
    assert _open(db) == [("LS-L1", "IC-1", 70, "A-02", "IC-A")]


def test_two_terminals_never_take_the_same_task(db, admin, line, tmp_path):
    _line_stock(db, admin, tmp_path, "LS-L1,IC-1,50,100\n")
    other = helpers.make_operator(db, "C002", ["clerk"])
    replenishment.claim_next(db, line["clerk"])
    with pytest.raises(InvalidInput, match="No replenishment task is open"):
        replenishment.claim_next(db, other)


def test_a_logout_gives_the_task_back(db, admin, line, tmp_path):
    from core.services import picking

    _line_stock(db, admin, tmp_path, "LS-L1,IC-1,50,100\n")
    other = helpers.make_operator(db, "C002", ["clerk"])
    taken = replenishment.claim_next(db, line["clerk"])
    assert picking.release_claims(db, line["clerk"]) == 1
    assert replenishment.claim_next(db, other).id == taken.id


def test_line_stock_import_refusals_write_nothing(db, admin, line, tmp_path):
    s = _line_stock(db, admin, tmp_path, "A-01,IC-1,1,2\nLS-L1,IC-1,10,5\nLS-L1,IC-1,-1,5\nLS-L1,SCR-1,1.5,3\n"
                                         "LS-L1,NOPE,1,2\n")
    assert [(e.row, e.column) for e in s.errors] == [(1, "location"), (2, "max_qty"), (3, "min_qty"),
                                                     (4, "min_qty"), (5, "sku")]
    assert "not a line-side location" in s.errors[0].message
    assert "negative" in s.errors[2].message
    assert helpers.scalar(db, "SELECT count(*) FROM line_stock") == 0 and _open(db) == []


def test_closing_a_work_order_lists_what_is_left_at_its_line(db, admin, line):
    workorders.release(db, line["supervisor"], "WO-1")
    issuing.issue(db, line["clerk"], key="i1", wo_number="WO-1", qty=Decimal(25), sku="SCR-1")
    done = workorders.close(db, line["supervisor"], "WO-1")
    assert [(r.sku, r.lot, r.qty, r.location) for r in done.to_return] == [("SCR-1", None, 5, "LS-L1")]
    assert done.json()["to_return"] == [{"sku": "SCR-1", "lot": None, "qty": 5, "location": "LS-L1"}]


def test_what_to_return_is_the_orders_components_not_what_the_line_keeps_or_other_orders_output(
        db, system, admin, line, tmp_path):
    """The screws are kept at LS-L1 by min/max (replenishment looks after them), and a finished PCBA-1 lot waiting
    for putaway is no component of WO-1: only the chips left over go back."""
    helpers.put_stock(db, system, "IC-1", "IC-L", "LS-L1", 4, expiry="2030-03-01")
    helpers.put_stock(db, system, "PCBA-1", "PC-9", "LS-L1", 2)
    assert _line_stock(db, admin, tmp_path, "LS-L1,SCR-1,5,40\n").errors == []
    workorders.release(db, line["supervisor"], "WO-1")
    done = workorders.close(db, line["supervisor"], "WO-1")
    assert [(r.sku, r.lot, r.qty, r.location) for r in done.to_return] == [("IC-1", "IC-L", 4, "LS-L1")]


def test_the_demo_keeps_glue_at_the_line_and_asks_for_it_fefo(db, system):
    from core.services.demo import load_demo

    load_demo(db, system)
    # none at LS-L1 yet: 2 KG asked for, from the earliest lot that has not expired (G2605 expired 2026-11-20)
    assert _open(db) == [("LS-L1", "GLUE-01", 2, "B-01-2", "G2609")]
