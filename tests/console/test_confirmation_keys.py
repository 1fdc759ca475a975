"""The console's confirmation keys against keys bound to their payload (issue 13): a refused over-receipt's key is
the approved one's (it was never stored), and a key already used for something else is one red line, after which
the next confirmation gets a new key."""

from __future__ import annotations

import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.services.receiving import ReceiveCommand, receive
from tests import helpers
from tests.console import inbound_steps
from tests.console.conftest import SIZE
from tests.console.inbound_steps import GTIN, answer, bells, open_flow, receipts, refused, written
from tests.console.steps import scan, wait_until

inbound, labels_home = inbound_steps.inbound, inbound_steps.labels_home  # fixtures


@pytest.fixture
def keys(monkeypatch):
    """The console's confirmation keys as k-1, k-2, … in the order it makes them."""
    made = (f"k-{n}" for n in itertools.count(1))
    monkeypatch.setattr("console.flow.uuid", SimpleNamespace(uuid4=lambda: next(made)))


async def _open_po(pilot):
    screen = await open_flow(pilot, "1")
    await answer(pilot, screen, "PO-1", "item")
    return screen


async def test_the_approved_over_receipt_posts_under_the_refused_attempts_key(db, make_app, inbound, supervisor,
                                                                              keys):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_po(pilot)
        await refused(pilot, screen, f"(01){GTIN}(10)LOT-O(17)271231(30)150")
        assert screen.message.text.startswith("Over-receipt") and written(db)[1] == 0
        assert helpers.scalar(db, "SELECT count(*) FROM operation WHERE key = 'k-1'") == 0  # nothing stored
        await pilot.press("f2")
        await answer(pilot, screen, "S900", "approver_pin")
        await answer(pilot, screen, "1234", "approval_reason")
        await answer(pilot, screen, "1", "item")
        assert screen.message.text == "Received 150 IC-1 lot LOT-O on DOCK (QC hold)"
        assert helpers.rows(db, "SELECT operation_key, approved_by FROM receipt") == [("k-1", supervisor.operator_id)]


async def test_a_key_used_for_something_else_is_one_red_line_then_a_new_key(db, make_app, inbound, keys):
    other = helpers.make_operator(db, "C901", ["clerk"])
    receive(db, other, ReceiveCommand(key="k-1", sku="RES-1", lot="R-9", qty=Decimal(5), po_number="PO-1"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_po(pilot)
        before, rung = written(db), bells(app)
        label = f"(01){GTIN}(10)LOT-A(17)271231(30)20"
        await refused(pilot, screen, label)
        assert screen.message.text == "This confirmation was already used for something else: scan again"
        assert rung and screen.step == "item" and written(db) == before
        await scan(pilot, label)  # scanned again: a new key, the receipt posts once
        await wait_until(pilot, lambda: "Received" in screen.message.text)
        assert not screen.message.is_error
        assert receipts(db) == [("RES-1", "R-9", 5, "available"), ("IC-1", "LOT-A", 20, "qc_hold")]
        assert helpers.scalar(db, "SELECT operation_key FROM receipt ORDER BY id DESC LIMIT 1") == "k-2"
