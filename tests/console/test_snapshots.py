"""80x24 SVG snapshots of login, home and stock lookup in English and Chinese.

Stable by construction: fixed site data and terminal id, no clock on screen, no cursor blink (headless),
and each snapshot waits for the database ping so the status bar always reads "connected".
Regenerate with `--snapshot-update`, then look at the SVGs before committing them.
"""

from __future__ import annotations

import pytest

from console.screens.stock_lookup import StockLookupScreen
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.steps import scan, sign_in, table_rows, wait_until

LANGS = ["en", "zh_CN"]


@pytest.fixture
def clerk_c001(db):
    helpers.make_operator(db, "C001", ["clerk"])


async def _connected(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.db_state == "connected")


async def _home(pilot) -> None:
    await sign_in(pilot)


async def _stock_at_a01(pilot) -> None:
    await sign_in(pilot)
    await scan(pilot, "A-01")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, StockLookupScreen) and table_rows(pilot.app))


async def _refused_scan(pilot) -> None:
    await _stock_at_a01(pilot)
    await scan(pilot, "NOPE-42")
    await wait_until(pilot, lambda: pilot.app.screen.message.is_error)


@pytest.mark.parametrize("lang", LANGS)
def test_login(snap_compare, make_app, clerk_c001, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_connected)


@pytest.mark.parametrize("lang", LANGS)
def test_home(snap_compare, make_app, site, clerk_c001, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_home)


@pytest.mark.parametrize("lang", LANGS)
def test_stock_lookup(snap_compare, make_app, site, clerk_c001, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_stock_at_a01)


@pytest.mark.parametrize("lang", LANGS)
def test_stock_lookup_refused_scan(snap_compare, make_app, site, clerk_c001, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_refused_scan)
