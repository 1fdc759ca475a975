"""Nonconformance in the RF-gun layout (20x16, 40x8): walked by keys at 20x16, the waiting one picked, sent to rework
at a scanned work centre and signed; the main states photographed at both sizes in both languages."""

from __future__ import annotations

from tests.console.compact_steps import RF, shots
from tests.console.shopfloor_steps import failed, floor, open_flow, to  # noqa: F401  (fixtures)
from tests.console.steps import wait_until
from tests.console.test_nc_screen import ncs


async def test_nonconformance_at_rf_size(db, make_app, failed, snapshot):  # noqa: F811
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await open_flow(pilot, "Q001", "n")
        screen = app.screen
        await wait_until(pilot, lambda: screen.rows)
        await shots(pilot, snapshot, "list")
        await to(pilot, "1", "disposition")
        await to(pilot, "2", "work_center")
        await shots(pilot, snapshot, "work-centre")
        await to(pilot, "REW-1", "sign")
        await shots(pilot, snapshot, "sign")
        await to(pilot, "1234", "pick")
        await wait_until(pilot, lambda: not screen.rows and "rework op 21" in screen.message.text)
        await shots(pilot, snapshot, "signed")
    assert ncs(db) == [("open", "rework", None, "rework")]
