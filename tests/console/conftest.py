"""Console fixtures: the app on a real test database, with a fixed terminal id and a small fixed site."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from console.app import LinesideApp
from console.services import ConsoleServices
from core.db import Database
from tests import helpers

TERMINAL = "T-TEST"
SIZE = (80, 24)


@pytest.fixture
def services(db) -> ConsoleServices:
    """The console on its own one-connection Database, as `lineside console` opens it: every screen's workers
    share that one connection, so a flow that needed two at once would hang here."""
    session_db = Database(db.url, one_connection=True)
    yield ConsoleServices.from_database(session_db, TERMINAL)
    session_db.dispose()


@pytest.fixture
def site(db, system):
    """small_site with stock: IC-1 lots L1 (A-01, some reserved) and L2 (A-02), SCR-1 untracked in A-01."""
    ids = helpers.small_site(db)
    helpers.put_stock(db, system, "IC-1", "L1", "A-01", 120, expiry="2030-01-01")
    helpers.put_stock(db, system, "IC-1", "L2", "A-02", 40, expiry="2030-06-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-01", 500)
    helpers.exec_sql(db, "UPDATE stock_balance SET reserved = 20 WHERE lot_id = :l", l=ids["LOT1"])
    helpers.exec_sql(db, "UPDATE item SET gtin = '09501101530003' WHERE sku = 'IC-1'")
    return ids


@pytest.fixture
def make_app(services):
    """Build the app; keyword arguments go to LinesideApp."""

    def build(**kwargs) -> LinesideApp:
        kwargs.setdefault("lang", "en")
        return LinesideApp(services, **kwargs)

    return build



@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` Pilot tests on a fresh event loop (no async plugin is needed for this one folder)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    kwargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**kwargs))
    return True
