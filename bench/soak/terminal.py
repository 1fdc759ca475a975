"""One simulated terminal: a random mix of receipts, putaways, picks, issues, outputs and shipments.

Before each confirmation it journals `S key`, after the service answers `A key` (or `R key` when refused),
fsynced, so the harness knows exactly what the terminal saw acknowledged even if it is SIGKILLed.
"""

from __future__ import annotations

import os
import random
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from core.db import Database
from core.errors import LinesideError
from core.services import issuing, picking, production, putaway, shipping, workorders
from core.services.auth import actor_for
from core.services.receiving import ReceiveCommand, receive

D = Decimal


class Journal:
    def __init__(self, path: Path) -> None:
        self.fh = path.open("a", encoding="utf-8")

    def write(self, tag: str, key: str) -> None:
        self.fh.write(f"{tag} {key}\n")
        self.fh.flush()
        os.fsync(self.fh.fileno())


def _confirm(journal: Journal, key: str, fn, /, *args, **kwargs):
    """Call a service until the database answers; same key on every retry, so it has one effect."""
    journal.write("S", key)
    for _attempt in range(120):
        try:
            result = fn(*args, **kwargs)
            journal.write("A", key)
            return result
        except LinesideError:
            journal.write("R", key)
            return None
        except (OperationalError, DBAPIError):
            time.sleep(0.5)  # PostgreSQL restarting: try again with the same key
    raise RuntimeError(f"database did not come back for {key}")


def _production_cycle(db: Database, me, journal: Journal, rng: random.Random, prefix: str) -> None:
    wo = f"WO-{prefix}"
    for _attempt in range(60):
        try:
            with db.uow() as uow:  # the ERP sends a work order (as the inbound relay would)
                uow.execute(text("INSERT INTO work_order (wo_number, item_id, qty, due_date, line) SELECT :w, id, :q,"
                                 " current_date + 3, 'L1' FROM item WHERE sku = 'FG-1' ON CONFLICT DO NOTHING"),
                            {"w": wo, "q": rng.randint(1, 5)})
                uow.commit()
            break
        except (OperationalError, DBAPIError):
            time.sleep(0.5)
    if _confirm(journal, f"{prefix}-rel", workorders.release, db, me, wo, key=f"{prefix}-rel") is None:
        return
    tasks = _confirm(journal, f"{prefix}-claim", picking.claim, db, me, wo) or []
    if not tasks:
        return
    lines = [picking.PickLine(t.id, t.qty - t.picked_qty, t.lot) for t in tasks]
    if _confirm(journal, f"{prefix}-pick", picking.post_picks, db, me, key=f"{prefix}-pick", wo_number=wo,
                lines=lines, drop_location="LS-1") is None:
        return
    for n, t in enumerate(tasks):
        _confirm(journal, f"{prefix}-iss{n}", issuing.issue, db, me, key=f"{prefix}-iss{n}", wo_number=wo,
                 qty=t.qty - t.picked_qty, lot=t.lot, sku=None if t.lot else t.sku)
    out = _confirm(journal, f"{prefix}-out", production.report_output, db, me, key=f"{prefix}-out", wo_number=wo,
                   good=D(1))
    if out and out.lots and rng.random() < 0.5:
        _confirm(journal, f"{prefix}-ship", shipping.ship, db, me, key=f"{prefix}-ship", so_number="SO-SOAK",
                 qty=D(1), lot=out.lots[0])


def run(url: str, index: int, journal_path: str, stop_at: float, seed: int) -> None:
    """The terminal's loop until `stop_at` (time.time())."""
    db = Database(url)
    journal = Journal(Path(journal_path))
    rng = random.Random(seed * 1000 + index)
    me = None
    while me is None:
        try:
            me = actor_for(db, f"T{index}", f"soak-{index}")
        except (OperationalError, DBAPIError):
            time.sleep(0.5)
    n = 0  # keys carry the process id, so a restarted terminal never reuses one
    while time.time() < stop_at:
        n += 1
        prefix = f"T{index}-{os.getpid()}-{n}"
        if rng.random() < 0.55:
            lot = f"R{prefix}"
            r = _confirm(journal, f"{prefix}-rcv", receive, db, me,
                         ReceiveCommand(key=f"{prefix}-rcv", sku="RAW-1", lot=lot, qty=D(rng.randint(5, 50)),
                                        supplier="SUP", warehouse="W"))
            _confirm(journal, f"{prefix}-rcv2", receive, db, me,
                     ReceiveCommand(key=f"{prefix}-rcv2", sku="RAW-2", qty=D(rng.randint(10, 100)), supplier="SUP",
                                    warehouse="W"))
            if r:
                target = _confirm(journal, f"{prefix}-sug", putaway.suggest, db, me, lot)
                if target:
                    _confirm(journal, f"{prefix}-put", putaway.confirm, db, me, key=f"{prefix}-put", lot=lot,
                             location=target.location)
            _put_away_untracked(db, me, journal, prefix)
        else:
            _production_cycle(db, me, journal, rng, prefix)
    db.dispose()


def _put_away_untracked(db: Database, me, journal: Journal, prefix: str) -> None:
    """Untracked stock on the dock goes to a storage bin with a plain move."""
    from core.services.ledger import Leg, post_moves

    try:
        with db.uow() as uow:
            row = uow.execute(text("SELECT b.item_id, b.location_id, b.qty - b.reserved AS free FROM stock_balance b"
                                   " JOIN location l ON l.id = b.location_id WHERE l.code = 'DOCK' AND b.lot_id IS NULL"
                                   " AND b.qty > b.reserved LIMIT 1")).first()
            bin_id = uow.execute(text("SELECT id FROM location WHERE code = 'S-30'")).scalar()
    except (OperationalError, DBAPIError):
        return
    if row is None:
        return
    _confirm(journal, f"{prefix}-mv", post_moves, db, me, "putaway",
             [Leg(row.item_id, None, row.free, row.location_id, "available", bin_id, "available")],
             key=f"{prefix}-mv")
