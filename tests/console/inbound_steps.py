"""The inbound tests' site and Pilot steps: a PO for a QC'd shelf-life item and a plain one, labels in a folder."""

from __future__ import annotations

import pytest

from tests import helpers
from tests.console.flow_steps import busy
from tests.console.steps import scan, sign_in, wait_until

GTIN = "09501101530003"  # IC-1


@pytest.fixture
def labels_home(tmp_path, monkeypatch):
    """LINESIDE_HOME in a temporary folder: the screens' ZPL labels land in <it>/labels."""
    import core.config

    monkeypatch.setenv("LINESIDE_HOME", str(tmp_path))
    monkeypatch.delenv("LINESIDE_PRINTER", raising=False)
    core.config.settings.cache_clear()
    yield tmp_path / "labels"
    core.config.settings.cache_clear()


@pytest.fixture
def inbound(db, clerk, supervisor, inspector, labels_home):
    """small_site + IC-1 (GTIN, 365 days shelf life, QC) and RES-1 (no shelf life, no QC); PO-1 for both."""
    ids = helpers.small_site(db)
    helpers.exec_sql(db, f"UPDATE item SET gtin = '{GTIN}', shelf_life_days = 365, qc_required = true"
                         " WHERE sku = 'IC-1'")
    helpers.exec_sql(db, "INSERT INTO item (sku, name, uom, tracking) VALUES ('RES-1', 'Resistor 10k', 'EA', 'lot')")
    helpers.add_po_line(db, "PO-1", 1, "IC-1", 100)
    helpers.add_po_line(db, "PO-1", 2, "RES-1", 50)
    return ids


def receipts(db) -> list[tuple]:
    return helpers.rows(db, "SELECT i.sku, lt.lot_no, r.qty, r.status FROM receipt r JOIN item i ON i.id = r.item_id"
                            " LEFT JOIN lot lt ON lt.id = r.lot_id ORDER BY r.id")


def written(db) -> tuple[int, int, int]:
    """Movements, receipts and outbox events: a refusal leaves all three as they were."""
    return (helpers.scalar(db, "SELECT count(*) FROM movement"), helpers.scalar(db, "SELECT count(*) FROM receipt"),
            helpers.scalar(db, "SELECT count(*) FROM outbox"))


def bells(app) -> list[int]:
    """Count the terminal bells the app rings from now on."""
    rung: list[int] = []
    app.bell = lambda: rung.append(1)
    return rung


async def open_flow(pilot, key: str, badge: str = "C900"):
    """Sign in and open a menu entry; returns the flow's screen."""
    await sign_in(pilot, badge)
    home = pilot.app.screen
    await scan(pilot, key)
    await wait_until(pilot, lambda: pilot.app.screen is not home)
    return pilot.app.screen


async def answer(pilot, screen, raw: str, step: str) -> None:
    """Scan, then wait until the screen is on `step` with nothing running, or shows a refusal."""
    await scan(pilot, raw)
    await wait_until(pilot, lambda: (screen.step == step and not busy(pilot)) or screen.message.is_error)


async def refused(pilot, screen, raw: str) -> None:
    """Scan something that must be refused; waits for the red line."""
    await scan(pilot, raw)
    await wait_until(pilot, lambda: screen.message.is_error and not busy(pilot))
