"""Putaway in the RF-gun layout (20x16, 40x8): a lot walked by scans at 20x16 to a refused wrong location, then F3,
a reason and another location; a pallet put away whole by one scan; their main states photographed at both sizes in
both languages (compact_steps.shots)."""

from __future__ import annotations

from console.screens.putaway import PutawayScreen
from core.services import pallets, putaway
from tests import helpers
from tests.console import inbound_steps
from tests.console import production_steps as ps
from tests.console.compact_steps import RF, shots
from tests.console.inbound_steps import answer, open_flow, refused
from tests.console.test_packs_screen import SSCC, on_hand, sample
from tests.console.test_putaway_qc import balances, received

inbound, labels_home = inbound_steps.inbound, inbound_steps.labels_home  # fixtures
received, sample = received, sample  # fixtures


async def test_putaway_at_rf_size(db, make_app, received, clerk, snapshot):
    want = putaway.suggest(db, clerk, "R-1").location
    elsewhere = "A-02" if want == "A-01" else "A-01"
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        screen = await open_flow(pilot, "2")
        await answer(pilot, screen, "(240)RES-1(10)R-1(30)10", "location")
        await shots(pilot, snapshot, "location")
        await refused(pilot, screen, elsewhere)
        await shots(pilot, snapshot, "wrong")
        await pilot.press("f3")
        await answer(pilot, screen, "1", "other")
        await shots(pilot, snapshot, "other")
        await answer(pilot, screen, elsewhere, "lot")
        assert screen.message.text == f"Put away 10 of R-1 in {elsewhere}"
        await shots(pilot, snapshot, "posted")
        assert balances(db, "R-1") == [(elsewhere, "available", 10)]
        assert helpers.scalar(db, "SELECT reason FROM movement WHERE reference = 'putaway R-1'") == "location_full"


async def test_pallet_putaway_at_rf_size(db, make_app, sample, system, snapshot):
    pallets.receive(db, helpers.actor(db, "K100"), key="asn", sscc=SSCC)
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        await ps.open_flow(pilot, "2", PutawayScreen, "K100", "1111")
        screen = app.screen
        await ps.step(pilot, f"(00){SSCC}", lambda: screen.step == "location")
        await shots(pilot, snapshot, "pallet")
        suggested = screen.pallet.location
        await ps.step(pilot, suggested, lambda: screen.step == "lot" and "put in" in screen.message.text)
        await shots(pilot, snapshot, "pallet-posted")
        assert on_hand(db, "CHP-P1") == [(suggested, "available", 24)]
        assert on_hand(db, "CHP-P2") == [(suggested, "available", 16)]
