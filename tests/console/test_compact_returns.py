"""Return to stock in the RF-gun layout (20x16, 40x8): a lot at the line side walked by scans at 20x16 to its
suggested location, its main states photographed at both sizes in both languages (compact_steps.shots)."""

from __future__ import annotations

from console.screens.returns import ReturnScreen
from tests import helpers
from tests.console import production_steps as ps
from tests.console.compact_steps import RF, shots

plant = ps.plant  # fixture


async def test_return_at_rf_size(db, make_app, plant, system, snapshot):
    helpers.put_stock(db, system, "IC-1", "IC-A", "LS-L1", 25, expiry="2030-02-01")
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await ps.open_flow(pilot, "r", ReturnScreen)
        screen = app.screen
        await ps.step(pilot, "IC-A", lambda: screen.step == "qty")
        await shots(pilot, snapshot, "qty")
        await ps.step(pilot, "10", lambda: screen.step == "reason")
        await ps.step(pilot, "1", lambda: screen.step == "location")
        await shots(pilot, snapshot, "location")
        where = screen.suggestion.location
        await ps.step(pilot, where, lambda: screen.step == "lot" and screen.message.text.startswith("Returned"))
        assert screen.message.text == f"Returned 10 of IC-A to {where}"
        await shots(pilot, snapshot, "returned")
        assert helpers.scalar(db, "SELECT b.qty FROM stock_balance b JOIN location l ON l.id = b.location_id"
                                  " JOIN lot t ON t.id = b.lot_id WHERE l.code = 'LS-L1' AND t.lot_no = 'IC-A'") == 15
