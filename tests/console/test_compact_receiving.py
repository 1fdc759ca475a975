"""Receiving in the RF-gun layout (20x16, 40x8): walked by scans at 20x16 to a posted receipt and a refused
over-receipt, its main states photographed at both sizes in both languages (compact_steps.shots)."""

from __future__ import annotations

from datetime import date

from console.screens import receiving as receiving_screen
from tests.console import inbound_steps
from tests.console.compact_steps import RF, shots
from tests.console.inbound_steps import answer, open_flow, receipts, refused
from tests.console.steps import wait_until

inbound, labels_home = inbound_steps.inbound, inbound_steps.labels_home  # fixtures


async def test_receiving_at_rf_size(db, make_app, inbound, snapshot, monkeypatch):
    monkeypatch.setattr(receiving_screen, "today", lambda: date(2026, 12, 1))  # the proposed expiry, photographed
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        screen = await open_flow(pilot, "1")
        await shots(pilot, snapshot, "po")
        await answer(pilot, screen, "PO-1", "item")
        await answer(pilot, screen, "IC-1", "lot")
        await answer(pilot, screen, "LOT-B", "expiry")
        await shots(pilot, snapshot, "expiry")
        await answer(pilot, screen, "", "qty")
        await shots(pilot, snapshot, "qty")
        await answer(pilot, screen, "30", "item")
        await wait_until(pilot, lambda: "Received" in screen.message.text)
        await shots(pilot, snapshot, "posted")
        assert receipts(db) == [("IC-1", "LOT-B", 30, "qc_hold")]
        await answer(pilot, screen, "IC-1", "lot")
        await answer(pilot, screen, "LOT-C", "expiry")
        await answer(pilot, screen, "", "qty")
        await refused(pilot, screen, "500")
        await shots(pilot, snapshot, "over-receipt")
