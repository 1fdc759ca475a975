"""`lineside bench import`: opening stock of 200,000 rows (5,000 locations, 2,000 items) through `run_import`,
timed against a raw COPY of the same file into a plain table on the same server in the same run.

The import cleans every cell in Python, checks references in SQL and posts the differences set-based (one
INSERT..SELECT of the movements, one of the new balances, the lots once), so it cannot match a bare COPY; the
ratio says how far it stays from one. Where the rest goes (EXPLAIN ANALYZE of the three inserts on this data):
every file row is a lot, a movement and a balance row, with 3-4 indexes each and 8 non-null foreign keys
between them, each checked by a per-row query; those inserts alone cost 40-75 µs a row on the server (on a
loaded machine), against under 1 µs for the COPY into an unindexed temporary table.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from core.db import Database
from core.services.auth import system_actor
from core.services.imports import run_import

ROWS, LOCATIONS, ITEMS = 200_000, 5_000, 2_000
HEADER = "warehouse,location,sku,lot,qty,status\n"


def _plant(db: Database, locations: int, items: int) -> None:
    with db.uow() as uow:
        uow.execute(text("INSERT INTO warehouse (code, name) VALUES ('RM', 'Raw materials')"))
        uow.execute(text("INSERT INTO location (warehouse_id, code, kind, pick_sequence) SELECT w.id,"
                         " 'B-' || lpad(g::text, 5, '0'), 'storage', g FROM warehouse w, generate_series(1, :n) g"),
                    {"n": locations})
        # every fourth item untracked, the rest by lot
        uow.execute(text("INSERT INTO item (sku, name, uom, tracking) SELECT 'SKU-' || lpad(g::text, 5, '0'),"
                         " 'Item ' || g, CASE WHEN g % 3 = 0 THEN 'KG' ELSE 'EA' END,"
                         " CASE WHEN g % 4 = 0 THEN 'none' ELSE 'lot' END FROM generate_series(1, :n) g"),
                    {"n": items})
        uow.commit()


def write_file(path: Path, rows: int, locations: int = LOCATIONS, items: int = ITEMS) -> Path:
    """The opening-stock CSV: each row one (location, item, lot) balance; untracked items without a lot."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        for g in range(rows):
            item = 1 + g % items
            loc = 1 + (g // items + g) % locations
            lot = "" if item % 4 == 0 else f"L{g:07d}"
            qty = f"{1 + g % 500}.5" if item % 3 == 0 else str(1 + g % 500)
            fh.write(f"RM,B-{loc:05d},SKU-{item:05d},{lot},{qty},available\n")
    return path


def _raw_copy(db: Database, path: Path) -> float:
    """Seconds for a bare COPY of the file into a plain table (the server's floor for loading these bytes)."""
    with db.uow() as uow:
        uow.execute(text("CREATE TEMP TABLE raw_copy (warehouse text, location text, sku text, lot text, qty text,"
                         " status text)"))
        raw = uow.session.connection().connection.driver_connection
        start = time.perf_counter()
        with raw.cursor() as cur, cur.copy("COPY raw_copy FROM STDIN (FORMAT csv, HEADER true)") as copy, \
                path.open("rb") as fh:
            while block := fh.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - start
        uow.rollback()
    return seconds


def run(db: Database, rows: int = ROWS, locations: int = LOCATIONS, items: int = ITEMS) -> dict:
    _plant(db, locations, items)
    actor = system_actor(db, "BENCH")
    with tempfile.TemporaryDirectory(prefix="lineside-bench-import-") as tmp:
        path = write_file(Path(tmp) / "stock.csv", rows, locations, items)
        copy_s = _raw_copy(db, path)
        start = time.perf_counter()
        summary = run_import(db, actor, "stock", path)
        seconds = time.perf_counter() - start
    if summary.errors:
        raise RuntimeError(f"bench import file refused: {summary.errors[:3]}")
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    return {"rows": summary.rows, "seconds": round(seconds, 2), "rows_per_s": round(summary.rows / seconds),
            "copy_rows_per_s": round(rows / copy_s), "ratio": round(copy_s / seconds, 3),
            "max_rss_mb": round(max_rss_mb, 1)}
