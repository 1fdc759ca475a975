"""Operations in the RF-gun layout (20x16, 40x8): walked by scans at 20x16, a start and finish at SMT-1, then at
COAT-1 a finish with scrap and its QC plan measured; the main states photographed at both sizes in both languages."""

from __future__ import annotations

from tests.console.compact_steps import RF, shots
from tests.console.shopfloor_steps import floor, open_flow, to  # noqa: F401  (fixture)
from tests.console.test_operations_screen import ops


async def test_operations_at_rf_size(db, make_app, floor, snapshot):  # noqa: F811
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await open_flow(pilot, "C001", "o")
        await to(pilot, "SMT-1", "wo")
        await to(pilot, "WO-1", "action")
        await to(pilot, "1", "wo")
        await to(pilot, "WO-1", "action")
        await shots(pilot, snapshot, "action")
        await to(pilot, "2", "good")
        await to(pilot, "10", "scrap")
        await to(pilot, "", "wo")
        await pilot.press("escape")
        await to(pilot, "COAT-1", "wo")
        await to(pilot, "WO-1", "action")
        await to(pilot, "1", "wo")
        await to(pilot, "WO-1", "action")
        await to(pilot, "2", "good")
        await to(pilot, "9", "scrap")
        await shots(pilot, snapshot, "scrap")
        await to(pilot, "1", "scrap_reason")
        await to(pilot, "5", "measure")
        await to(pilot, "50", "measure")
        await shots(pilot, snapshot, "measure")
        await to(pilot, "20", "wo")
        assert app.screen.message.text == "WO-1 op 20 finished: 9 good, 1 scrap"
        await shots(pilot, snapshot, "finished")
    assert ops(db) == [(10, "SMT-1", "done", 10, 0, None), (20, "COAT-1", "done", 9, 1, "machine")]
