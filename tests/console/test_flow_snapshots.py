"""80x24 snapshots of shipping, trace (trees and recall) and cycle count, in English and Chinese.

Times on screen are pinned (lots, shipments) and shown in UTC, so the SVGs are stable.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from core.services import counting, shipping
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.flow_steps import busy
from tests.console.steps import scan, sign_in, wait_until

LANGS = ["en", "zh_CN"]


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def history(db, clerk, supervisor, system, utc):
    helpers.built_history(db, clerk, supervisor, system)
    shipping.ship(db, clerk, key="s1", so_number="SO-1", lot="WO-1-01", qty=Decimal(20))
    helpers.exec_sql(db, "UPDATE lot SET received_at = '2026-11-20 08:00+00' WHERE received_at IS NOT NULL")
    helpers.exec_sql(db, "UPDATE lot SET produced_at = '2026-11-21 10:30+00' WHERE produced_at IS NOT NULL")
    helpers.exec_sql(db, "UPDATE shipment SET shipped_at = '2026-11-22 15:00+00'")


async def _settle(pilot, predicate) -> None:
    await wait_until(pilot, lambda: predicate() and not busy(pilot))


async def _shipping_qty(pilot) -> None:
    await sign_in(pilot, "C900")
    await scan(pilot, "6")
    await scan(pilot, "SO-1")
    await _settle(pilot, lambda: getattr(pilot.app.screen, "step", "") == "lot")
    await scan(pilot, "WO-1-01")
    await _settle(pilot, lambda: pilot.app.screen.step == "qty")


async def _trace_trees(pilot) -> None:
    await sign_in(pilot, "S900")
    await scan(pilot, "WO-2-01")
    await _settle(pilot, lambda: getattr(pilot.app.screen, "step", "") == "trees")
    await pilot.press("down", "down", "down", "enter")  # open IC-A (below the lot's own two lines): supplier
    await pilot.pause()


async def _recall_confirm(pilot) -> None:
    await sign_in(pilot, "S900")
    await scan(pilot, "IC-A")
    await _settle(pilot, lambda: getattr(pilot.app.screen, "step", "") == "trees")
    await pilot.press("f2")
    await _settle(pilot, lambda: pilot.app.screen.step == "reason")
    await scan(pilot, "supplier notice 4711")


async def _counting(pilot) -> None:
    await sign_in(pilot, "C900")
    await scan(pilot, "7")
    await _settle(pilot, lambda: "A-02" in str(pilot.app.screen.query_one("#info").render()))
    await scan(pilot, "A-02")
    await _settle(pilot, lambda: pilot.app.screen.step == "lot")
    for raw, step in (("IC-B", "qty"), ("251", "lot"), ("SCR-1", "qty"), ("990", "lot")):
        await scan(pilot, raw)
        await _settle(pilot, lambda step=step: pilot.app.screen.step == step)


@pytest.mark.parametrize("lang", LANGS)
def test_shipping_quantity_step(snap_compare, make_app, history, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_shipping_qty)


@pytest.mark.parametrize("lang", LANGS)
def test_trace_trees(snap_compare, make_app, history, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_trace_trees)


@pytest.mark.parametrize("lang", LANGS)
def test_recall_confirm(snap_compare, make_app, history, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_recall_confirm)


@pytest.mark.parametrize("lang", LANGS)
def test_counting_lot_step(snap_compare, make_app, history, supervisor, lang):
    counting.create_task(make_app().services.db, supervisor, "A-02")
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_counting)
