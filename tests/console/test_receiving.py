"""Receiving (`1`) by scans alone: one GS1 label posts a receipt, prompts fill the rest, over-receipt and F2."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from console.screens.receiving import ReceivingScreen
from tests import helpers
from tests.console import inbound_steps
from tests.console.conftest import SIZE
from tests.console.inbound_steps import GTIN, answer, bells, open_flow, receipts, refused, written
from tests.console.steps import scan, text_of, wait_until

inbound, labels_home = inbound_steps.inbound, inbound_steps.labels_home  # fixtures
FULL_LABEL = f"(01){GTIN}(10)LOT-A(17)271231(30)20"


async def open_po(pilot, po: str = "PO-1") -> ReceivingScreen:
    screen = await open_flow(pilot, "1")
    assert isinstance(screen, ReceivingScreen) and screen.step == "po"
    await answer(pilot, screen, po, "item")
    return screen


async def test_one_gs1_scan_posts_the_receipt_and_prints_its_label(db, make_app, inbound, labels_home):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_po(pilot)
        assert "PO-1" in text_of(app, "#order") and "SUP-1" in text_of(app, "#order")
        await scan(pilot, FULL_LABEL)
        await wait_until(pilot, lambda: "Received" in screen.message.text)
        assert screen.message.text == "Received 20 IC-1 lot LOT-A on DOCK (QC hold)"
        assert not screen.message.is_error and screen.step == "item"  # back to the item step of the same PO
        assert receipts(db) == [("IC-1", "LOT-A", 20, "qc_hold")]
        assert helpers.rows(db, "SELECT received_qty, status FROM po_line WHERE line_no = 1") == [
            (20, "partly_received")]
        assert helpers.scalar(db, "SELECT expiry FROM lot WHERE lot_no = 'LOT-A'") == date(2027, 12, 31)
        label = labels_home / "IC-1_LOT-A.zpl"
        assert label.is_file() and "LOT-A" in label.read_text()
        assert str(label) in text_of(app, "#receipt").replace("\n", "")
        assert "80" in text_of(app, "#order")  # PO line 1: 80 still open
        label.unlink()
        await pilot.press("f4")  # reprint
        await wait_until(pilot, lambda: "Label printed" in screen.message.text)
        assert label.is_file()


async def test_receipt_with_prompts_asks_expiry_only_with_a_shelf_life(db, make_app, inbound):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_po(pilot)
        await answer(pilot, screen, "IC-1", "lot")
        await answer(pilot, screen, "LOT-B", "expiry")
        proposed = (date.today() + timedelta(days=365)).isoformat()
        assert proposed in text_of(app, "#prompt")
        await answer(pilot, screen, "", "qty")  # Enter accepts today + shelf life
        await answer(pilot, screen, "30", "item")
        assert receipts(db) == [("IC-1", "LOT-B", 30, "qc_hold")]
        assert helpers.scalar(db, "SELECT expiry FROM lot WHERE lot_no = 'LOT-B'").isoformat() == proposed
        await answer(pilot, screen, "RES-1", "lot")
        await answer(pilot, screen, "R-1", "qty")  # no shelf life: the expiry step is skipped
        await answer(pilot, screen, "", "item")  # Enter alone: what is open on the PO (50)
        assert receipts(db)[1] == ("RES-1", "R-1", 50, "available")
        assert helpers.scalar(db, "SELECT expiry FROM lot WHERE lot_no = 'R-1'") is None
        await answer(pilot, screen, "RES-1", "lot")  # Esc goes back one step at a time, then home
        await pilot.press("escape")
        assert screen.step == "item"
        await pilot.press("escape")
        assert screen.step == "po" and text_of(app, "#order") == ""
        await pilot.press("escape")
        assert app.screen is not screen


async def test_receipt_without_po_asks_the_supplier(db, make_app, inbound):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_flow(pilot, "1")
        await answer(pilot, screen, "", "supplier")
        await refused(pilot, screen, "SUP-X")
        assert screen.message.text == "Not found: SUP-X" and screen.step == "supplier"
        await answer(pilot, screen, "SUP-1", "item")
        await answer(pilot, screen, "SCR-1", "qty")  # untracked: no lot, no expiry
        await answer(pilot, screen, "500", "item")
        assert receipts(db) == [("SCR-1", None, 500, "available")]
        assert helpers.scalar(db, "SELECT s.code FROM receipt r JOIN supplier s ON s.id = r.supplier_id") == "SUP-1"


async def test_over_receipt_refused_then_approved_with_f2(db, make_app, inbound, supervisor):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_po(pilot)
        rung = bells(app)
        await refused(pilot, screen, f"(01){GTIN}(10)LOT-O(17)271231(30)150")
        assert screen.message.text == "Over-receipt: 150 received, 100 open + 10% · F2 Supervisor approval"
        assert screen.step == "item" and rung and written(db)[1] == 0
        await pilot.press("f2")
        assert screen.step == "approver"
        await answer(pilot, screen, "C900", "approver_pin")
        await refused(pilot, screen, "1234")  # the clerk who receives cannot approve: four eyes
        assert screen.message.text == "An approval needs a second person, not C900" and screen.step == "approver"
        await pilot.press("escape")
        assert screen.step == "item" and screen.qty == 150  # back where F2 was pressed, the receipt kept
        await pilot.press("f2")
        await answer(pilot, screen, "S900", "approver_pin")
        await refused(pilot, screen, "9999")
        assert screen.message.text == "Badge or PIN not recognised" and screen.step == "approver_pin"
        await pilot.press("escape")  # Esc at the PIN goes back to the badge, not out of the approval
        assert screen.step == "approver"
        await answer(pilot, screen, "S900", "approver_pin")
        await answer(pilot, screen, "1234", "approval_reason")
        assert "Supplier delivered more" in text_of(app, "#receipt")
        await refused(pilot, screen, "7")
        assert screen.message.text == "No choice 7" and written(db)[1] == 0
        await answer(pilot, screen, "1", "item")
        assert screen.message.text == "Received 150 IC-1 lot LOT-O on DOCK (QC hold)"
        assert helpers.rows(db, "SELECT r.qty, r.over_receipt_reason, r.approved_by FROM receipt r") == [
            (150, "supplier_overdelivery", supervisor.operator_id)]


@pytest.mark.parametrize(("first", "raw", "message", "step"), [
    (None, f"(01){GTIN}(10)LOT-P(17)200101(30)5", "Expiry 2020-01-01 is already past", "item"),
    (None, "SCR-1", "Item SCR-1 is not on PO-1", "item"),
    (None, "NOPE-9", "Unknown scan: NOPE-9", "item"),
    (None, "A-01", "Not an item: A-01", "item"),
    ("RES-1", "L1", "Lot L1 already belongs to IC-1", "lot"),
    ("RES-1", f"(01){GTIN}(10)X-1", "This label is for IC-1, not RES-1", "lot"),
    ("IC-1", "X-2", "Not a date: 31.13.2030 (type YYYY-MM-DD)", "expiry"),
    ("IC-1", "X-5", "Not a date: 31/12/28 (type YYYY-MM-DD)", "expiry"),
    ("IC-1", "X-3", "Expiry 2001-01-01 is already past", "expiry"),
    ("RES-1", "[/]", "Not a lot number: [/] (1-20 letters, digits or GS1 signs)", "lot"),
    ("RES-1", "LOT-NUMBER-TOO-LONG-21", "Not a lot number: LOT-NUMBER-TOO-LONG-21 (1-20 letters, digits or GS1 signs)",
     "lot"),
    ("RES-1", "X-4", "Not a quantity: -3", "qty"),
    ("RES-1", "X-6", "RES-1 is counted in whole EA: not 2.5", "qty"),
    ("RES-1", "X-7", "Not a quantity: 2,5", "qty"),
])
async def test_refused_scan_red_line_bell_nothing_written(db, make_app, inbound, first, raw, message, step):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_po(pilot)
        if first:
            await answer(pilot, screen, first, "lot")
        if step in ("expiry", "qty"):
            await answer(pilot, screen, raw, step)
            typed = {"X-2": "31.13.2030", "X-5": "31/12/28", "X-3": "2001-01-01", "X-6": "2.5", "X-7": "2,5"}
            raw = typed.get(raw, "-3")
        before, rung = written(db), bells(app)
        await refused(pilot, screen, raw)
        assert screen.message.text == message and screen.step == step and rung
        assert written(db) == before and receipts(db) == []


async def test_the_last_label_is_shown_on_its_own_line_and_not_over_the_next_receipt(db, make_app, inbound,
                                                                                     labels_home, monkeypatch):
    """Issue #12 item 15: while the next label's receipt posted, the panel glued the last label to it
    ("Qty 20 EALabel /…") and kept showing that stale label. The label shows alone, after the posting."""
    import threading

    from console.screens import receiving_steps

    real, gate = receiving_steps.post, threading.Event()

    def held(*args, **kwargs):
        gate.wait(10)
        return real(*args, **kwargs)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_po(pilot)
        await scan(pilot, FULL_LABEL)
        await wait_until(pilot, lambda: "Received" in screen.message.text)
        assert text_of(app, "#receipt").startswith("Label ")
        monkeypatch.setattr(receiving_steps, "post", held)
        await scan(pilot, f"(01){GTIN}(10)LOT-B(17)271231(30)20")
        await wait_until(pilot, lambda: "LOT-B" in text_of(app, "#receipt"))
        shown = text_of(app, "#receipt")
        assert "Label" not in shown and shown.splitlines()[-1].endswith("Qty 20 EA")
        gate.set()
        await wait_until(pilot, lambda: "LOT-B on DOCK" in screen.message.text)
        assert text_of(app, "#receipt").replace("\n", "").endswith("IC-1_LOT-B.zpl")
