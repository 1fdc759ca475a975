"""`lineside bench scans`: the Receiving screen driven headless by Pilot with GS1 receipt scans on real PostgreSQL.

Latency is measured from the Enter of a scan to the confirmation line on the screen: classifying the scan, the
posting (ledger, PO line, receipt, outbox, audit in one transaction), the label and the redraw are all inside.
"""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from core.db import Database
from core.services.auth import hash_pin

GTIN, PO, BADGE, PIN = "04012345000016", "PO-BENCH", "BENCH1", "2468"
WARMUP = 3  # first scans (not counted): connections, prepared plans, imports


def seed(db: Database) -> None:
    """A warehouse with a dock, an item with a GTIN and a shelf life, a supplier, a big PO and a clerk."""
    with db.uow() as uow:
        for sql in (
            "INSERT INTO warehouse (code, name) VALUES ('BW', 'Bench')",
            "INSERT INTO location (warehouse_id, code, kind, pick_sequence) SELECT id, 'B-DOCK', 'dock', 0"
            " FROM warehouse WHERE code = 'BW'",
            "INSERT INTO item (sku, name, uom, tracking, shelf_life_days, gtin)"
            f" VALUES ('B-IC', 'Bench IC', 'EA', 'lot', 720, '{GTIN}')",
            "INSERT INTO supplier (code, name) VALUES ('B-SUP', 'Bench supplier')",
            "INSERT INTO po_line (po_number, line_no, supplier_id, item_id, qty) SELECT :po, 1,"
            " (SELECT id FROM supplier WHERE code = 'B-SUP'), (SELECT id FROM item WHERE sku = 'B-IC'), 1000000",
            "INSERT INTO operator (badge, name, roles, pin_hash) VALUES (:b, 'Bench clerk', ARRAY['clerk'], :h)",
        ):
            uow.execute(text(sql), {"po": PO, "b": BADGE, "h": hash_pin(PIN)})
        uow.commit()


@contextmanager
def _labels_elsewhere() -> Iterator[None]:
    """The labels of a benchmark go to a temporary LINESIDE_HOME, never among the user's."""
    import core.config

    old = os.environ.get("LINESIDE_HOME")
    with tempfile.TemporaryDirectory(prefix="lineside-bench-") as home:
        os.environ["LINESIDE_HOME"] = home
        core.config.settings.cache_clear()
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("LINESIDE_HOME", None)
            else:
                os.environ["LINESIDE_HOME"] = old
            core.config.settings.cache_clear()


async def _until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the console did not answer in time")
        await asyncio.sleep(0.0005)


def _key(app, key: str, char: str | None) -> None:
    """Hand one key to the app as the terminal driver does (Pilot.press adds idle waits of 20 ms and more)."""
    from textual import events

    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


class _Frames:
    """When the confirmation line was set, and when each frame was composed after it (the moment it is on screen)."""

    def __init__(self, app, line) -> None:
        self.frames: list[float] = []
        self.confirmed: float | None = None
        display, info = app._display, line.info

        def on_display(screen, renderable) -> None:
            self.frames.append(time.perf_counter())
            display(screen, renderable)

        def on_info(text: str) -> None:
            self.confirmed = time.perf_counter()
            info(text)

        app._display, line.info = on_display, on_info

    def on_screen(self) -> float | None:
        """The first frame composed after the confirmation, if there is one yet."""
        if self.confirmed is None:
            return None
        return min((f for f in self.frames if f >= self.confirmed), default=None)


async def _drive(db: Database, scans: int) -> list[float]:
    from console.app import LinesideApp
    from console.screens.home import HomeScreen
    from console.screens.receiving import ReceivingScreen
    from console.services import ConsoleServices

    app = LinesideApp(ConsoleServices.from_database(db, "BENCH"), lang="en", idle_minutes=600)
    latencies: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(lambda: app.db_state == "connected")
        for value in (BADGE, PIN):
            await pilot.press(*value, "enter")
        await _until(lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("1", "enter")
        await _until(lambda: isinstance(app.screen, ReceivingScreen))
        screen = app.screen
        await pilot.press(*PO, "enter")
        await _until(lambda: screen.step == "item" and screen.po is not None)
        watch = _Frames(app, screen.message)
        for n in range(WARMUP + scans):
            lot = f"B{n:06d}"
            for char in f"(01){GTIN}(10){lot}(17)301231(30)5":  # the wedge types the scan …
                _key(app, "left_parenthesis" if char == "(" else "right_parenthesis" if char == ")" else char, char)
            await pilot.pause()
            assert screen.scan_field.value.endswith("(30)5")
            watch.frames.clear()
            watch.confirmed = None
            started = time.perf_counter()
            _key(app, "enter", "\r")  # … and its Enter starts the clock
            await _until(lambda: watch.on_screen() is not None or screen.message.is_error)
            if screen.message.is_error or f"lot {lot} " not in screen.message.text:
                raise RuntimeError(f"scan {n}: {screen.message.text}")
            if n >= WARMUP:
                latencies.append(watch.on_screen() - started)
    return latencies


def run(db: Database, scans: int = 200) -> dict:
    """Seed an empty database, drive `scans` GS1 receipts through the screen; {"scans","p50_ms","p99_ms"}."""
    seed(db)
    with _labels_elsewhere():
        latencies = asyncio.run(_drive(db, scans))
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[max(0, math.ceil(0.99 * len(ms)) - 1)]  # nearest rank
    return {"scans": len(ms), "p50_ms": round(statistics.median(ms), 1), "p99_ms": round(p99, 1)}
