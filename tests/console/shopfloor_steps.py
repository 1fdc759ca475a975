"""Shared set-up of the shop-floor console tests: a released work order routed through SMT-1 and COAT-1."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.services import operations, workorders
from tests import helpers
from tests.console.flow_steps import busy
from tests.console.steps import scan, sign_in, wait_until
from tests.integration.shopfloor_site import load_floor

BAD = {"thickness": "90", "temperature": "20"}


@pytest.fixture
def floor(db, system, tmp_path):
    """production_site with the shop floor (SMT-1, COAT-1, REW-1; QC plan COAT: thickness 25-75 um,
    temperature -5-40 °C); WO-1 (10 PCBA-1) released with ops 10 at SMT-1 and 20 at COAT-1.
    C001 clerk, S001 supervisor (PIN 9876), Q001 inspector (PIN 1234)."""
    helpers.production_site(db)
    load_floor(db, system, tmp_path)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10)
    helpers.make_operator(db, "C001", ["clerk"])
    helpers.make_operator(db, "Q001", ["inspector"])
    supervisor = helpers.make_operator(db, "S001", ["supervisor"], pin="9876")
    workorders.release(db, supervisor, "WO-1")


@pytest.fixture
def failed(db, floor):
    """WO-1 through SMT (10) and coated out of limits (thickness 90): one open nonconformance."""
    clerk = helpers.actor(db, "C001")
    for n, wc in ((1, "SMT-1"), (2, "COAT-1")):
        operations.start(db, clerk, key=f"s{n}", work_center=wc, wo_number="WO-1")
        operations.finish(db, clerk, key=f"f{n}", work_center=wc, wo_number="WO-1", good=Decimal(10),
                          measurements=BAD if wc == "COAT-1" else None)


async def open_flow(pilot, badge: str, key: str, pin: str = "1234") -> None:
    """Sign in and open a home-menu entry."""
    await sign_in(pilot, badge, pin)
    home = pilot.app.screen
    await scan(pilot, key)
    await wait_until(pilot, lambda: pilot.app.screen is not home and not busy(pilot))


async def to(pilot, raw: str, step: str) -> None:
    """Scan; the flow arrives at `step` with nothing refused."""
    screen = pilot.app.screen
    await (pilot.press(raw) if raw.startswith("f") and raw[1:].isdigit() else scan(pilot, raw))
    await wait_until(pilot, lambda: (screen.step == step and not busy(pilot)) or screen.message.is_error)
    assert not screen.message.is_error, f"{raw!r} refused at {screen.step}: {screen.message.text}"
    assert screen.step == step


async def refused(pilot, raw: str) -> str:
    """Scan something wrong: one red line, the same step; returns the line."""
    screen, step = pilot.app.screen, pilot.app.screen.step
    await scan(pilot, raw)
    await wait_until(pilot, lambda: screen.message.is_error and not busy(pilot))
    assert screen.step == step
    return screen.message.text
