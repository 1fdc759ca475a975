"""80x24 snapshots of receiving, putaway and QC in English and Chinese.

Labels go to a fixed folder (its path is on screen) and every date shown comes from a scan, so the SVGs are stable.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.services import receiving
from tests.console import inbound_steps
from tests.console.conftest import SIZE
from tests.console.flow_steps import busy
from tests.console.inbound_steps import GTIN
from tests.console.steps import scan, sign_in, wait_until

LANGS = ["en", "zh_CN"]
inbound = inbound_steps.inbound  # fixture


@pytest.fixture
def labels_home(monkeypatch):
    """A fixed LINESIDE_HOME: the label's path is part of the picture."""
    import core.config

    monkeypatch.setenv("LINESIDE_HOME", "/tmp/lineside-snapshots")
    monkeypatch.delenv("LINESIDE_PRINTER", raising=False)
    core.config.settings.cache_clear()
    yield
    core.config.settings.cache_clear()


@pytest.fixture
def received(db, clerk, inbound):
    receiving.receive(db, clerk, receiving.ReceiveCommand(key="r1", sku="IC-1", lot="Q-1", qty=Decimal(40),
                                                          expiry=date(2031, 1, 31), po_number="PO-1"))
    receiving.receive(db, clerk, receiving.ReceiveCommand(key="r2", sku="RES-1", lot="R-1", qty=Decimal(25),
                                                          po_number="PO-1"))


async def _steps(pilot, badge: str | None, *scans_and_steps) -> None:
    """Sign in (unless badge is None), then each scan (or F-key) and the step it must lead to."""
    if badge:
        await sign_in(pilot, badge)
    for raw, step in scans_and_steps:
        await (pilot.press(raw) if raw in ("f2", "f3") else scan(pilot, raw))
        await wait_until(pilot, lambda step=step: getattr(pilot.app.screen, "step", "") == step and not busy(pilot))
    await pilot.pause()


async def _received_by_one_scan(pilot) -> None:
    await _steps(pilot, "C900", ("1", "po"), ("PO-1", "item"))
    await scan(pilot, f"(01){GTIN}(10)LOT-A(17)271231(30)20")
    await wait_until(pilot, lambda: "LOT-A" in pilot.app.screen.message.text and not busy(pilot))


async def _lot_step(pilot) -> None:
    await _steps(pilot, "C900", ("1", "po"), ("PO-1", "item"), ("RES-1", "lot"))


async def _over_receipt_reason(pilot) -> None:
    await _steps(pilot, "C900", ("1", "po"), ("PO-1", "item"))
    await scan(pilot, f"(01){GTIN}(10)LOT-O(17)271231(30)150")
    await wait_until(pilot, lambda: pilot.app.screen.message.is_error and not busy(pilot))
    await _steps(pilot, None, ("f2", "approver"), ("S900", "approver_pin"), ("1234", "approval_reason"))


async def _putaway_location(pilot) -> None:
    await _steps(pilot, "C900", ("2", "lot"), ("R-1", "location"))


async def _qc_reason(pilot) -> None:
    await _steps(pilot, "Q900", ("q", "lot"), ("Q-1", "decide"), ("2", "reason"))


@pytest.mark.parametrize("lang", LANGS)
def test_receiving_posted(snap_compare, make_app, inbound, labels_home, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_received_by_one_scan)


@pytest.mark.parametrize("lang", LANGS)
def test_receiving_lot_step(snap_compare, make_app, inbound, labels_home, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_lot_step)


@pytest.mark.parametrize("lang", LANGS)
def test_receiving_over_receipt_reason(snap_compare, make_app, inbound, labels_home, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_over_receipt_reason)


@pytest.mark.parametrize("lang", LANGS)
def test_putaway_location_step(snap_compare, make_app, received, labels_home, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_putaway_location)


@pytest.mark.parametrize("lang", LANGS)
def test_qc_fail_reason(snap_compare, make_app, received, labels_home, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_qc_reason)


async def _putaway_untracked(pilot) -> None:
    await _steps(pilot, "C900", ("2", "lot"), ("SCR-1", "location"))


@pytest.mark.parametrize("lang", LANGS)
def test_putaway_untracked_item(snap_compare, make_app, received, labels_home, lang, db, clerk):
    """An untracked item is put away by its SKU: the panel shows no lot."""
    receiving.receive(db, clerk, receiving.ReceiveCommand(key="scr", sku="SCR-1", qty=Decimal(300), supplier="SUP-1"))
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_putaway_untracked)
