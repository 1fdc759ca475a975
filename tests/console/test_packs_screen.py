"""Packs and pallets by scans on the sample plant: a supplier's pallet received by one scan of its SSCC (a second
scan refused, nothing written), a case's (02)+(37) at the quantity step shown as "3 CASE = 72 EA", a pallet put
away whole by one scan of the location; snapshots of those states at 80x24 in en and zh_CN."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from console.screens.putaway import PutawayScreen
from console.screens.receiving import ReceivingScreen
from core.services import receiving_views
from tests import helpers, plant
from tests.console import production_steps as ps
from tests.console.conftest import SIZE
from tests.console.flow_steps import busy
from tests.console.steps import scan, text_of, wait_until

SSCC = "006141410000000012"
CHIP, CASE = "09501101530027", "19501101530024"
ps_plant = ps.plant  # the production site of tests/console/production_steps.py (C001 clerk, SCR-1 untracked)


@pytest.fixture
def sample(db, system, tmp_path, monkeypatch):
    import core.config

    monkeypatch.setenv("LINESIDE_HOME", str(tmp_path))
    monkeypatch.delenv("LINESIDE_PRINTER", raising=False)
    core.config.settings.cache_clear()
    # one folder whatever the test's tmp_path, so the label line in a snapshot is the same each run
    monkeypatch.setattr(receiving_views, "label_folder", lambda: Path(tempfile.gettempdir()) / "lineside-packs")
    plant.load(db, system)
    yield
    core.config.settings.cache_clear()


def on_hand(db, lot: str) -> list[tuple]:
    return [tuple(r) for r in helpers.rows(
        db, "SELECT l.code, b.status, b.qty FROM stock_balance b JOIN location l ON l.id = b.location_id"
            " JOIN lot t ON t.id = b.lot_id WHERE t.lot_no = :lot AND b.qty > 0 ORDER BY 1", lot=lot)]


async def settle(pilot, value: str) -> None:
    """Scan and wait for the answer (posted or refused)."""
    await scan(pilot, value)
    await pilot.pause()
    await wait_until(pilot, lambda: not busy(pilot) and bool(pilot.app.screen.message.text))


async def test_a_pallet_received_by_one_scan_then_refused_again(db, make_app, sample):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "1", ReceivingScreen, "K100", "1111")
        screen = app.screen
        await settle(pilot, f"(00){SSCC}")  # at the PO step: the ASN names the PO
        assert not screen.message.is_error, screen.message.text
        assert screen.message.text == f"Pallet {SSCC} received on RCV-R: 2 lots, 40 in all"
        assert "CHP-P1" in text_of(app, "#receipt") and "CHP-P2" in text_of(app, "#receipt")
        assert on_hand(db, "CHP-P1") == [("RCV-R", "available", 24)]
        assert on_hand(db, "CHP-P2") == [("RCV-R", "available", 16)]
        movements = helpers.scalar(db, "SELECT count(*) FROM movement")
        await ps.step(pilot, "PO-3", lambda: screen.step == "item")
        await settle(pilot, f"(00){SSCC}")  # again, at the item step
        assert screen.message.is_error and screen.message.text == f"Pallet {SSCC} is already received"
        assert helpers.scalar(db, "SELECT count(*) FROM movement") == movements and screen.step == "item"


async def test_a_case_count_at_the_quantity_step_in_base_units(db, make_app, sample):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "1", ReceivingScreen, "K100", "1111")
        screen = app.screen
        await ps.step(pilot, "PO-4", lambda: screen.step == "item")
        await ps.step(pilot, f"(01){CHIP}(10)C-CASE(17)271231", lambda: screen.step == "qty")
        assert await ps.refused(pilot, f"(02){CASE[:-1]}5(37)3") != ""  # a wrong check digit is no pack
        assert await ps.refused(pilot, "(02)19501101530017(37)3") == "This label is for SCW-1, not CHP-1"
        assert on_hand(db, "C-CASE") == []
        await ps.step(pilot, f"(02){CASE}(37)3", lambda: screen.step == "item" and "Received" in screen.message.text)
        assert screen.message.text.startswith("3 CASE = 72 EA · Received 72 CHP-1 lot C-CASE on RCV-R")
        assert on_hand(db, "C-CASE") == [("RCV-R", "available", 72)]


async def test_a_pallet_put_away_whole_by_one_scan(db, make_app, sample, system):
    from core.services import pallets

    pallets.receive(db, helpers.actor(db, "K100"), key="asn", sscc=SSCC)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "2", PutawayScreen, "K100", "1111")
        screen = app.screen
        await ps.step(pilot, f"(00){SSCC}", lambda: screen.step == "location")
        suggested = screen.pallet.location
        assert suggested in text_of(app, "#prompt") and "F6" in text_of(app, "KeyHints")
        other = "R-03" if suggested != "R-03" else "R-02"
        assert await ps.refused(pilot, other) == f"Wrong location {other}: put it in {suggested} · F3 Change location"
        await ps.step(pilot, suggested, lambda: screen.step == "lot" and "put in" in screen.message.text)
        assert screen.message.text == f"Pallet {SSCC} put in {suggested}: 2 lots, 40 in all"
        assert on_hand(db, "CHP-P1") == [(suggested, "available", 24)]
        assert on_hand(db, "CHP-P2") == [(suggested, "available", 16)]


async def _pallet_received(pilot) -> None:
    await ps.open_flow(pilot, "1", ReceivingScreen, "K100", "1111")
    await settle(pilot, f"(00){SSCC}")


async def _case_received(pilot) -> None:
    await ps.open_flow(pilot, "1", ReceivingScreen, "K100", "1111")
    screen = pilot.app.screen
    await ps.step(pilot, "PO-4", lambda: screen.step == "item")
    await ps.step(pilot, f"(01){CHIP}(10)C-CASE(17)271231", lambda: screen.step == "qty")
    await ps.step(pilot, f"(02){CASE}(37)3", lambda: "= 72 EA ·" in screen.message.text)


async def _pallet_to_put_away(pilot) -> None:
    await _pallet_received(pilot)
    await pilot.press("escape")
    await wait_until(pilot, lambda: not isinstance(pilot.app.screen, ReceivingScreen))
    await scan(pilot, "2")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PutawayScreen))
    await ps.step(pilot, f"(00){SSCC}", lambda: pilot.app.screen.step == "location")


STATES = {"pallet_received": _pallet_received, "case_received": _case_received,
          "pallet_putaway": _pallet_to_put_away}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("state", list(STATES))
def test_packs_snapshots(snap_compare, make_app, sample, lang, state):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=STATES[state])


async def test_a_pack_at_the_return_quantity_step(db, make_app, ps_plant, system):
    """Every flow's quantity step converts packs alike (console/flow.py `quantity`): here Return to stock."""
    from console.screens.returns import ReturnScreen

    helpers.exec_sql(db, "INSERT INTO packaging (item_id, uom, qty, gtin)"
                         " SELECT id, 'PACK', 10, '19501101530000' FROM item WHERE sku = 'SCR-1'")
    helpers.put_stock(db, system, "SCR-1", None, "LS-L1", 40)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "r", ReturnScreen)
        screen = app.screen
        await ps.step(pilot, "SCR-1", lambda: screen.step == "qty")
        assert await ps.refused(pilot, "(02)19501101530000(37)5") == "Only 40 of SCR-1 at the line side"  # 50 asked
        await ps.step(pilot, "(02)19501101530000(37)3", lambda: screen.step == "reason")
        assert screen.qty == 30 and screen.message.text == "3 PACK = 30 EA"
        await pilot.press("escape")
        await ps.step(pilot, "2 pack", lambda: screen.step == "reason")
        assert screen.qty == 20 and screen.message.text == "2 PACK = 20 EA"


async def test_a_pallet_label_on_the_home_screen_receives_it_then_puts_it_away(db, make_app, sample):
    from console.screens.home import HomeScreen
    from tests.console.steps import sign_in

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "K100", "1111")
        await scan(pilot, f"(00){SSCC}")  # announced by the ASN: Receiving, received at once
        await wait_until(pilot, lambda: isinstance(app.screen, ReceivingScreen)
                         and "received on" in app.screen.message.text)
        assert on_hand(db, "CHP-P1") == [("RCV-R", "available", 24)]
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await scan(pilot, SSCC)  # now a pallet on the dock: Putaway, its location asked
        await wait_until(pilot, lambda: isinstance(app.screen, PutawayScreen) and app.screen.step == "location")
        assert app.screen.pallet.sscc == SSCC and app.screen.pallet.from_location == "RCV-R"
