"""Picking (`3`): refusals write nothing, F2 short pick with a reason, substitute lot, GS1 quantity, Esc."""

from __future__ import annotations

import threading

import pytest

from console.screens.home import HomeScreen
from console.screens.picking import PickingScreen
from tests import helpers
from tests.console import production_steps as ps
from tests.console.conftest import SIZE
from tests.console.steps import cut_columns, hints_fit, scan, screen_lines, table_rows, text_of, wait_until

plant = ps.plant


def _writes(db) -> int:
    return helpers.scalar(db, "SELECT count(*) FROM movement") + helpers.scalar(db, "SELECT count(*) FROM operation")


async def test_refused_scans_stay_on_the_step_and_write_nothing(db, make_app, plant):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen, before = app.screen, _writes(db)
        assert await ps.refused(pilot, "WO-9") == "Not a work order: WO-9"
        assert await ps.refused(pilot, "IC-A") == "Not a work order: IC-A"
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        assert await ps.refused(pilot, "A-02") == "Wrong location A-02: go to A-01"
        await ps.step(pilot, "A-01", lambda: screen.step == "lot")
        assert await ps.refused(pilot, "SCR-1") == "Wrong item SCR-1: pick IC-1"
        assert await ps.refused(pilot, "IC-1") == "IC-1 is lot-tracked: scan the lot"
        assert await ps.refused(pilot, "WO-1-77") == "Not a lot or an item: WO-1-77"
        assert screen.step == "lot"
        await ps.step(pilot, "IC-A", lambda: screen.step == "qty")
        assert await ps.refused(pilot, "121") == "Pick at most 120"
        assert await ps.refused(pilot, "abc") == "Not a quantity: abc"
        assert screen.step == "qty" and _writes(db) == before


async def test_short_pick_with_a_reason_then_the_drop(db, make_app, plant):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        await ps.step(pilot, "A-01", lambda: screen.step == "lot")
        await ps.step(pilot, "IC-A", lambda: screen.step == "qty")
        await pilot.press(*"100", "f2")  # only 100 of 120 are there
        await wait_until(pilot, lambda: screen.step == "reason")
        assert "Not found in the bin" in text_of(app, "#detail")
        assert await ps.refused(pilot, "9") == "No choice 9"
        await ps.step(pilot, "3", lambda: screen.step == "location")
        assert table_rows(app)[0][5] == "100 !"
        for location, material, step in (("A-02", "IC-B", "lot"), ("A-02", "SCR-1", "item")):
            await ps.step(pilot, location, lambda step=step: screen.step == step)
            await ps.step(pilot, material, lambda: screen.step == "qty")
            await scan(pilot, "")
        assert await ps.refused(pilot, "A-01") == "Drop at the line side of L1, not A-01"
        assert ps.line_side(db) == []
        await ps.step(pilot, "LS-L1", lambda: screen.message.text.startswith("Posted"))
        # the 20 missing of IC-A were re-reserved from IC-B: a new task, same work order, next step
        await wait_until(pilot, lambda: screen.step == "location")
        assert [r[1:5] for r in table_rows(app)] == [["A-02", "IC-1", "IC-B", "20"]]
        assert ps.line_side(db) == [("IC-1", "IC-A", 100, 100), ("IC-1", "IC-B", 80, 80),
                                    ("SCR-1", None, 400, 400)]
        assert helpers.scalar(db, "SELECT qty FROM stock_balance WHERE status = 'blocked'") == 20
        assert helpers.scalar(db, "SELECT status FROM pick_task WHERE qty = 120") == "short"
        # choice 3 is "less than the system says": recorded on the block and in the audit trail
        assert helpers.scalar(db, "SELECT reason FROM movement WHERE kind = 'status'") == "short_pick: less"
        assert helpers.scalar(db, "SELECT new -> 'short_picks' -> 0 ->> 'reason' FROM audit_log"
                                  " WHERE action = 'pick'") == "less"


async def test_substitute_lot_and_a_label_that_carries_the_quantity(db, make_app, plant, system):
    helpers.put_stock(db, system, "IC-1", "IC-A2", "A-01", 50, expiry="2030-01-01")  # expires sooner: allowed
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        await ps.step(pilot, "A-01", lambda: screen.step == "lot")
        await ps.step(pilot, "(240)IC-1(10)IC-A2(30)50", lambda: screen.step == "location")  # qty step skipped
        assert table_rows(app)[0][3:] == ["IC-A2", "120", "50"]
        await pilot.press("escape")  # back to the first task's quantity, its pick kept
        await wait_until(pilot, lambda: screen.step == "qty")
        assert "Substitute for lot IC-A" in text_of(app, "#detail") and table_rows(app)[0][5] == "50"
        await ps.step(pilot, "50", lambda: screen.step == "location")
        await ps.step(pilot, "A-02", lambda: screen.step == "lot")
        await ps.step(pilot, "IC-B", lambda: screen.step == "qty")
        await ps.step(pilot, "", lambda: screen.step == "location")
        await ps.step(pilot, "A-02", lambda: screen.step == "item")
        await ps.step(pilot, "SCR-1", lambda: screen.step == "qty")
        await ps.step(pilot, "", lambda: screen.step == "drop")
        await ps.step(pilot, "LS-L1", lambda: screen.message.text.startswith("Posted"))
        assert ("IC-1", "IC-A2", 50, 50) in ps.line_side(db)
        assert helpers.scalar(db, "SELECT reserved FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                                  " WHERE l.lot_no = 'IC-A' AND b.status = 'available'") == 70


async def test_escape_walks_back_to_home(db, make_app, plant):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        await ps.step(pilot, "A-01", lambda: screen.step == "lot")
        for expected in ("location", "wo"):
            await pilot.press("escape")
            await wait_until(pilot, lambda expected=expected: screen.step == expected)
        assert table_rows(app) == []
        assert text_of(app, "#prompt") == "Scan the work order to pick (Enter = next replenishment)"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_escape_while_the_drop_posts_still_posts_what_was_confirmed(db, make_app, plant, monkeypatch):
    """The posting's lines are taken when Enter is pressed: an Esc meanwhile (which drops the last line from the
    screen) neither changes what is posted nor loses the answer."""
    from core.services import picking

    real, gate = picking.post_picks, threading.Event()

    def held(*args, **kwargs):
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(picking, "post_picks", held)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        for location, material in (("A-01", "IC-A"), ("A-02", "IC-B"), ("A-02", "SCR-1")):
            await ps.step(pilot, location, lambda: screen.step in ("lot", "item"))
            await ps.step(pilot, material, lambda: screen.step == "qty")
            await scan(pilot, "")
        assert screen.step == "drop"
        await scan(pilot, "LS-L1")
        await pilot.press("escape")  # back to the last task's quantity while the posting waits (its pick kept)
        await wait_until(pilot, lambda: screen.step == "qty" and len(screen.lines) == 3)
        gate.set()
        await wait_until(pilot, lambda: screen.message.text.startswith("Posted"))
        assert text_of(app, "MessageLine") == "Posted: 3 lines of WO-1 to LS-L1"
        assert helpers.scalar(db, "SELECT count(*) FROM pick_task WHERE status = 'picked'") == 3
        assert ps.line_side(db) == [("IC-1", "IC-A", 120, 120), ("IC-1", "IC-B", 80, 80), ("SCR-1", None, 400, 400)]
        await wait_until(pilot, lambda: screen.step == "wo" and screen.lines == {})


def _claimed(db, badge: str) -> int:
    return helpers.scalar(db, "SELECT count(*) FROM pick_task t JOIN operator o ON o.id = t.claimed_by"
                              " WHERE o.badge = :b", b=badge)


async def test_half_a_piece_is_refused_at_the_quantity_step(db, make_app, plant):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        await ps.step(pilot, "A-01", lambda: screen.step == "lot")
        await ps.step(pilot, "IC-A", lambda: screen.step == "qty")
        assert await ps.refused(pilot, "2.5") == "IC-1 is counted in whole EA: not 2.5"
        assert screen.step == "qty" and not screen.lines


async def test_claims_are_given_back_on_esc_and_logout_and_a_held_claim_says_who(db, make_app, plant):
    from core.services import picking

    helpers.make_operator(db, "C002", ["clerk"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        assert _claimed(db, "C001") == 3
        await pilot.press("escape")  # out of the order: its tasks are free at once
        await wait_until(pilot, lambda: screen.step == "wo" and _claimed(db, "C001") == 0)
        other = picking.claim(db, helpers.actor(db, "C002"), "WO-1")
        since = helpers.scalar(db, "SELECT min(claimed_at) FROM pick_task").astimezone().strftime("%H:%M")
        assert await ps.refused(pilot, "WO-1") == f"WO-1 is being picked by C002 (since {since})"
        assert len(other) == 3 and screen.step == "wo"
        picking.release_claims(db, helpers.actor(db, "C002"))
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        assert _claimed(db, "C001") == 3
        await pilot.press("f10")  # logout (and the idle lock, which logs out the same way)
        await wait_until(pilot, lambda: _claimed(db, "C001") == 0)
        assert len(picking.claim(db, helpers.actor(db, "C002"), "WO-1")) == 3


async def test_the_idle_lock_gives_the_claims_back(db, make_app, plant):
    app = make_app(idle_minutes=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        assert _claimed(db, "C001") == 3
        await wait_until(pilot, lambda: app.actor is None and _claimed(db, "C001") == 0, timeout=10)


def _hold(db, system, lot: str, location: str, qty) -> None:
    """Put a lot's available stock at a location on QC hold (as a receipt waiting for inspection is)."""
    from decimal import Decimal

    from core.services.ledger import Leg, post_moves

    item, lot_id, loc = helpers.rows(db, "SELECT l.item_id, l.id, (SELECT id FROM location WHERE code = :c)"
                                         " FROM lot l WHERE l.lot_no = :n", n=lot, c=location)[0]
    post_moves(db, system, "status", [Leg(item, lot_id, Decimal(qty), loc, "available", loc, "qc_hold")],
               key=f"hold:{lot}")


async def test_a_wrong_lot_is_refused_at_the_lot_step_with_its_reason(db, make_app, plant, system, inspector):
    """Issue #12 item 6: any lot was accepted at the lot step (even one rejected into quarantine) and refused only
    at the drop after every task. Each wrong lot is now refused where it is scanned, with why; a substitute is an
    available lot of the same item at the task's location, free for the quantity, expiring no later (FEFO)."""
    from core.services import qc, recall

    helpers.put_stock(db, system, "IC-1", "IC-R", "A-01", 10, expiry="2030-01-01")
    _hold(db, system, "IC-R", "A-01", 10)
    qc.inspect(db, inspector, key="qc-r", lot="IC-R", passed=False, reason="damaged", pin="1234")  # into QA
    helpers.put_stock(db, system, "IC-1", "IC-H", "A-01", 200, expiry="2030-01-01")
    _hold(db, system, "IC-H", "A-01", 200)
    helpers.put_stock(db, system, "IC-1", "IC-X", "A-01", 200, expiry="2030-01-01")
    recall.block_lot(db, system, key="blk", lot="IC-X", reason="suspect")
    helpers.put_stock(db, system, "IC-1", "IC-E", "A-01", 200, expiry="2020-01-01")
    helpers.put_stock(db, system, "IC-1", "IC-S", "A-01", 50, expiry="2030-01-01")
    helpers.put_stock(db, system, "IC-1", "IC-LATE", "A-01", 300, expiry="2031-01-01")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen, before = app.screen, _writes(db)
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        await ps.step(pilot, "A-01", lambda: screen.step == "lot")
        for lot, reason in (("IC-R", "Lot IC-R was rejected by QC"),
                            ("IC-H", "Lot IC-H is on hold"),
                            ("IC-X", "Lot IC-X is blocked at A-01"),
                            ("IC-E", "Lot IC-E expired on 2020-01-01"),
                            ("IC-B", "Lot IC-B is at A-02, not at A-01"),
                            ("L1", "Lot L1 has no stock"),
                            ("IC-LATE", "Lot IC-LATE expires later than the proposed IC-A"),
                            ("IC-S", "Only 50 of lot IC-S free at A-01, 120 to pick"),
                            ("(240)SCR-1(30)5", "Wrong item SCR-1: pick IC-1")):
            assert await ps.refused(pilot, lot) == reason
            assert screen.step == "lot" and screen.lot is None
        assert _writes(db) == before
        # 50 of the sooner-expiring IC-S are there: a label that says 50 is a good substitute
        await ps.step(pilot, "(240)IC-1(10)IC-S(30)50", lambda: screen.step == "location")
        assert table_rows(app)[0][3:] == ["IC-S", "120", "50"]


async def test_escape_undoes_one_task_not_all(db, make_app, plant):
    """Issue #12 item 6: Esc at a task's location goes back to the previous task's quantity with its pick kept;
    only Esc from a quantity to its lot undoes that one task."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        for location, material, qty in (("A-01", "IC-A", ""), ("A-02", "IC-B", "30"), ("A-02", "SCR-1", "")):
            await ps.step(pilot, location, lambda: screen.step in ("lot", "item"))
            await ps.step(pilot, material, lambda: screen.step == "qty")
            await scan(pilot, qty)
        await wait_until(pilot, lambda: screen.step == "drop")
        assert [r[5] for r in table_rows(app)] == ["120", "30", "400"]
        await pilot.press("escape")  # the drop -> the last task's quantity, its pick kept
        await wait_until(pilot, lambda: screen.step == "qty")
        assert text_of(app, "#prompt") == "Quantity picked (Enter = 400)"
        assert [r[5] for r in table_rows(app)] == ["120", "30", "400"]
        await pilot.press("escape")  # the quantity -> the item: this task's pick, and only this one, is undone
        await wait_until(pilot, lambda: screen.step == "item")
        assert [r[5] for r in table_rows(app)] == ["120", "30", ""]
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.step == "location")
        await pilot.press("escape")  # the previous task's quantity: its 30 are still there
        await wait_until(pilot, lambda: screen.step == "qty" and screen.i == 1)
        assert text_of(app, "#prompt") == "Quantity picked (Enter = 30)"
        assert [r[5] for r in table_rows(app)] == ["120", "30", ""]
        await ps.step(pilot, "", lambda: screen.step == "location" and screen.i == 2)  # Enter keeps the 30
        await ps.step(pilot, "A-02", lambda: screen.step == "item")
        await ps.step(pilot, "SCR-1", lambda: screen.step == "qty")
        await ps.step(pilot, "", lambda: screen.step == "drop")
        await ps.step(pilot, "LS-L1", lambda: screen.message.text.startswith("Posted"))
        assert ps.line_side(db) == [("IC-1", "IC-A", 120, 120), ("IC-1", "IC-B", 30, 30), ("SCR-1", None, 400, 400)]


async def test_alerts_styles_do_not_leak_into_output_and_picking(db, make_app, plant):
    """Issue #12 item 15: a screen's stylesheet applied to every screen once it had been shown: after Alerts
    (whose panel is at most 4 rows) Output drew its prompt at rows 7-11 with empty rows below, and the short-pick
    reason list showed only its first reason."""
    from console.screens.alerts import AlertsScreen
    from console.screens.output import OutputScreen

    helpers.make_operator(db, "S002", ["supervisor", "clerk"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "a", AlertsScreen, badge="S002")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await scan(pilot, "5")
        await wait_until(pilot, lambda: isinstance(app.screen, OutputScreen))
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "good")
        await pilot.pause()
        assert screen.query_one("#prompt").region.y == SIZE[1] - 6  # prompt, field (3 rows), message, keys
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await scan(pilot, "3")
        await wait_until(pilot, lambda: isinstance(app.screen, PickingScreen))
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        await ps.step(pilot, "A-01", lambda: screen.step == "lot")
        await ps.step(pilot, "IC-A", lambda: screen.step == "qty")
        await pilot.press("f2")
        await wait_until(pilot, lambda: screen.step == "reason")
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        for reason in ("Not found in the bin", "Damaged", "Less than the system says", "Other"):
            assert reason in shown


@pytest.mark.parametrize("size", [SIZE, (120, 30)])
async def test_columns_and_keys_fit_after_a_short_pick(db, make_app, plant, size):
    """Issue #12 item 15: after F2 the pick list's columns were cut to their headers. They fit, and so does the
    key line with Esc and F10, at 80 and 120 columns."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await ps.open_flow(pilot, "3", PickingScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "location")
        await ps.step(pilot, "A-01", lambda: screen.step == "lot")
        await ps.step(pilot, "IC-A", lambda: screen.step == "qty")
        await pilot.press(*"100", "f2")
        await wait_until(pilot, lambda: screen.step == "reason")
        await pilot.pause()
        assert cut_columns(app) == [] and hints_fit(app)
        await ps.step(pilot, "3", lambda: screen.step == "location")
        await pilot.pause()
        assert table_rows(app)[0][5] == "100 !"
        assert cut_columns(app) == [] and hints_fit(app)
