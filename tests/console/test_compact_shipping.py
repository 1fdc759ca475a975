"""Shipping in the RF-gun layout (20x16, 40x8): a sales order walked by scans at 20x16, its FEFO lot shipped in two
postings until the order is complete; the main states photographed at both sizes in both languages."""

from __future__ import annotations

from tests import helpers
from tests.console.compact_steps import RF, shots
from tests.console.steps import text_of
from tests.console.test_shipping import answer, history, open_order, shipments

history = history  # fixture


async def test_shipping_at_rf_size(db, make_app, history, snapshot):
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        screen = await open_order(pilot)
        await shots(pilot, snapshot, "lot")
        await answer(pilot, screen, "WO-1-01", "qty")
        await shots(pilot, snapshot, "qty")
        await answer(pilot, screen, "20", "lot")
        assert text_of(app, "MessageLine") == "Shipped 20 of WO-1-01 on SO-1"
        await shots(pilot, snapshot, "shipped")
        await answer(pilot, screen, "WO-1-01", "qty")
        await answer(pilot, screen, "10", "order")
        assert "fully shipped" in screen.message.text and not screen.message.is_error
        await shots(pilot, snapshot, "complete")
        assert shipments(db) == [("WO-1-01", 20), ("WO-1-01", 10)]
        assert helpers.scalar(db, "SELECT status FROM so_line WHERE so_number = 'SO-1'") == "shipped"
