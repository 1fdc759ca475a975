"""Shared set-up of the production console tests: a released work order on the production site."""

from __future__ import annotations

import pytest

from core.services import workorders
from tests import helpers
from tests.console.steps import scan, sign_in, wait_until


@pytest.fixture
def plant(db, system, tmp_path, monkeypatch):
    """production_site with stock, WO-1 (100 PCBA-1) released; labels go to tmp_path; C001 clerk, S001 supervisor."""
    from core.services import work_order_views

    ids = helpers.production_site(db)
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 120, expiry="2030-02-01")
    helpers.put_stock(db, system, "IC-1", "IC-B", "A-02", 300, expiry="2030-05-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.exec_sql(db, "UPDATE item SET gtin = '09501101530003' WHERE sku = 'SCR-1'")
    helpers.add_work_order(db, "WO-1", "PCBA-1", 100)
    helpers.make_operator(db, "C001", ["clerk"])
    supervisor = helpers.make_operator(db, "S001", ["supervisor"], pin="9876")
    workorders.release(db, supervisor, "WO-1")
    monkeypatch.setattr(work_order_views, "label_folder", lambda: tmp_path / "labels")
    monkeypatch.setattr(work_order_views.settings(), "printer", None)
    ids["labels"] = tmp_path / "labels"
    return ids


def kitted(db) -> None:
    """WO-1's picks posted to LS-L1 by C001 and 120 of IC-A issued to it (output has something to consume)."""
    from decimal import Decimal

    from core.services import issuing, picking

    clerk = helpers.actor(db, "C001")
    tasks = picking.claim(db, clerk, "WO-1")
    picking.post_picks(db, clerk, key="pk", wo_number="WO-1", drop_location="LS-L1",
                       lines=[picking.PickLine(t.id, t.qty, t.lot) for t in tasks])
    issuing.issue(db, clerk, key="i1", wo_number="WO-1", lot="IC-A", qty=Decimal(120))


async def open_flow(pilot, key: str, screen_type, badge: str = "C001", pin: str = "1234") -> None:
    """Sign in and open a home-menu entry."""
    await sign_in(pilot, badge, pin)
    await scan(pilot, key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, screen_type))


async def step(pilot, value: str, until) -> None:
    """Scan `value` and wait until `until()` holds or a red line shows."""
    await scan(pilot, value)
    await wait_until(pilot, lambda: until() or pilot.app.screen.message.is_error)


async def refused(pilot, value: str) -> str:
    """Scan `value`, expect the red line, return its text."""
    await scan(pilot, value)
    await wait_until(pilot, lambda: pilot.app.screen.message.is_error)
    return pilot.app.screen.message.text


def line_side(db) -> list[tuple]:
    """(sku, lot, qty, reserved) at the line side."""
    return [tuple(r) for r in helpers.rows(
        db, "SELECT i.sku, lt.lot_no, b.qty, b.reserved FROM stock_balance b JOIN item i ON i.id = b.item_id"
            " LEFT JOIN lot lt ON lt.id = b.lot_id JOIN location l ON l.id = b.location_id"
            " WHERE l.kind = 'line_side' ORDER BY i.sku, lt.lot_no")]
