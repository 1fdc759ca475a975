"""Issue (`4`): proposal, over-issue refused, F2 supervisor approval (badge, PIN, reason), refusals write nothing."""

from __future__ import annotations

from decimal import Decimal

from console.screens.issue import IssueScreen
from core.services import picking, recall
from tests import helpers
from tests.console import production_steps as ps
from tests.console.conftest import SIZE
from tests.console.steps import scan, table_rows, text_of, wait_until

plant = ps.plant


def _picked(db, clerk):
    tasks = picking.claim(db, clerk, "WO-1")
    picking.post_picks(db, clerk, key="pk", wo_number="WO-1", drop_location="LS-L1",
                       lines=[picking.PickLine(t.id, t.qty, t.lot) for t in tasks])


def _issued(db) -> Decimal:
    return helpers.scalar(db, "SELECT coalesce(sum(qty), 0) FROM wo_issue")


async def test_over_issue_is_refused_then_approved_by_a_supervisor(db, make_app, plant, system):
    clerk = helpers.actor(db, "C001")
    _picked(db, clerk)
    helpers.put_stock(db, system, "SCR-1", None, "LS-L1", 10)  # spare screws at the line
    helpers.make_operator(db, "C002", ["clerk"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "4", IssueScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "lot")
        await ps.step(pilot, "SCR-1", lambda: screen.step == "qty")
        assert text_of(app, "#prompt") == "Quantity to issue (Enter = 400)"
        assert "At the line: 410" in text_of(app, "#detail")
        assert await ps.refused(pilot, "405") == "Over-issue: 5 more than required · F2 Supervisor approval"
        assert _issued(db) == 0 and screen.step == "qty"
        await pilot.press("f2")  # the refused 405 goes out again with a supervisor's approval
        await wait_until(pilot, lambda: screen.step == "approver")
        assert text_of(app, "#prompt") == "Supervisor: scan your badge"
        assert "Over-issue of 405: a supervisor approves" in text_of(app, "#detail")
        await ps.step(pilot, "C001", lambda: screen.step == "approver_pin")
        assert screen.scan_field.password and text_of(app, "#prompt") == "PIN for badge C001"
        await scan(pilot, "1234")  # the clerk cannot approve their own over-issue
        await wait_until(pilot, lambda: screen.message.is_error)
        assert screen.step == "approver"
        assert text_of(app, "MessageLine") == "An approval needs a second person, not C001"
        await ps.step(pilot, "C002", lambda: screen.step == "approver_pin")
        await scan(pilot, "1234")  # another clerk's badge may not approve
        await wait_until(pilot, lambda: screen.message.is_error)
        assert screen.step == "approver" and text_of(app, "MessageLine") == "Badge C002 may not approve this"
        await ps.step(pilot, "S001", lambda: screen.step == "approver_pin")
        await scan(pilot, "0000")
        await wait_until(pilot, lambda: screen.message.is_error)
        # a wrong PIN is typed again at the PIN step
        assert screen.step == "approver_pin" and text_of(app, "MessageLine") == "Badge or PIN not recognised"
        assert _issued(db) == 0
        await ps.step(pilot, "9876", lambda: screen.step == "approval_reason")
        assert "Damaged material" in text_of(app, "#detail")
        await ps.step(pilot, "2", lambda: screen.step == "lot" and screen.message.text.startswith("Issued"))
        assert text_of(app, "MessageLine") == "Issued 405 SCR-1 to WO-1: 405 of 400"
        assert _issued(db) == 405
        approved = helpers.rows(db, "SELECT reason FROM audit_log WHERE action = 'issue'")
        assert [r.reason for r in approved] == ["damaged"]


async def test_lot_step_refusals_and_the_label_quantity(db, make_app, plant):
    clerk = helpers.actor(db, "C001")
    _picked(db, clerk)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "4", IssueScreen)
        screen = app.screen
        assert await ps.refused(pilot, "A-01") == "Not a work order: A-01"
        await ps.step(pilot, "WO-1", lambda: screen.step == "lot")
        assert await ps.refused(pilot, "PCBA-1") == "PCBA-1 is not a component of WO-1"
        assert await ps.refused(pilot, "IC-1") == "IC-1 is lot-tracked: scan the lot"
        assert await ps.refused(pilot, "LS-L1") == "Not a lot or an item: LS-L1"
        assert _issued(db) == 0
        # a lot label with a quantity fills the quantity step: issued at once
        await ps.step(pilot, "(240)IC-1(10)IC-B(30)30", lambda: screen.message.text.startswith("Issued"))
        assert screen.step == "lot" and _issued(db) == 30
        await ps.step(pilot, "IC-B", lambda: screen.step == "qty")
        assert text_of(app, "#prompt") == "Quantity to issue (Enter = 50)"
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.step == "lot")
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.step == "wo")


async def test_a_planned_work_order_is_refused(db, make_app, plant):
    helpers.add_work_order(db, "WO-2", "PCBA-1", 5)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "4", IssueScreen)
        assert await ps.refused(pilot, "WO-2") == "Work order WO-2 is planned, not released"
        assert app.screen.step == "wo"


async def test_a_backflushed_part_is_not_offered_and_half_a_piece_is_refused(db, make_app, plant):
    clerk = helpers.actor(db, "C001")
    helpers.exec_sql(db, "UPDATE bom_line SET backflush = true WHERE component_item_id = (SELECT id FROM item"
                         " WHERE sku = 'SCR-1')")
    _picked(db, clerk)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "4", IssueScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "lot")
        assert [r[:4] for r in table_rows(app)] == [["IC-1", "200", "0", "200"], ["SCR-1", "400", "0", "backflush"]]
        assert await ps.refused(pilot, "SCR-1") == "SCR-1 is backflushed at output: it is not issued by hand"
        assert await ps.refused(pilot, "09501101530003") == "SCR-1 is backflushed at output: it is not issued by hand"
        assert screen.step == "lot"
        await ps.step(pilot, "IC-A", lambda: screen.step == "qty")
        assert await ps.refused(pilot, "2.5") == "IC-1 is counted in whole EA: not 2.5"
        assert screen.step == "qty" and _issued(db) == 0


async def test_a_lot_that_is_not_at_the_line_side_is_refused_at_the_lot_step(db, make_app, plant, system):
    """Issue #12 item 7: a lot in storage (nothing at the line side) was accepted with "Enter = 0", and the next
    lot scan was read as a quantity. It is refused at the lot step, which stays asked."""
    clerk = helpers.actor(db, "C001")
    _picked(db, clerk)
    helpers.put_stock(db, system, "IC-1", "IC-C", "A-01", 40, expiry="2030-03-01")
    helpers.put_stock(db, system, "IC-1", "IC-Q", "LS-L1", 5, expiry="2030-03-01")
    recall.block_lot(db, system, key="blk", lot="IC-Q", reason="damaged")  # at the line, but blocked
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "4", IssueScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "lot")
        assert await ps.refused(pilot, "IC-C") == "Lot IC-C is at A-01, not at the line side of L1: pick it first"
        assert screen.step == "lot" and screen.material is None
        assert await ps.refused(pilot, "IC-Q") == "Lot IC-Q is on hold"
        assert screen.step == "lot" and _issued(db) == 0
        await ps.step(pilot, "IC-B", lambda: screen.step == "qty")  # the next scan is a lot again, not a quantity
        assert text_of(app, "#prompt") == "Quantity to issue (Enter = 80)"
