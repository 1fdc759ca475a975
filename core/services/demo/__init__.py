"""The demo factory: `small` (a little electronics plant, written for the project) and `large` (generated volume).

Same seed, same data: the small plant is fixed, and the large volume is derived from hashes of the seed.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from core.db import Database
from core.errors import InvalidInput
from core.permissions import Actor, require
from core.services.alerts import evaluate_all
from core.services.demo import large, small


def is_empty(db: Database) -> bool:
    """True when the database holds no items yet."""
    with db.uow() as uow:
        return uow.execute(text("SELECT NOT EXISTS (SELECT 1 FROM item)")).scalar()


def load_demo(db: Database, actor: Actor, *, seed: int = 1, scale: str = "small",
              progress: Callable[[str], None] | None = None, sizes: dict[str, int] | None = None) -> dict:
    """Load the demo into an empty database; returns row counts.

    `sizes` (items, locations, lots) shrinks the large volume, for tests; the default is the full plant.
    """
    require(actor, "import.run")
    if scale not in ("small", "large"):
        raise InvalidInput("Scale is small or large")
    if not is_empty(db):
        raise InvalidInput("The database is not empty; the demo loads only into an empty one")
    say = progress or (lambda _msg: None)
    small.load(db, actor, say)
    if scale == "large":
        large.load(db, actor, seed=seed, progress=say, **(sizes or {}))
    say("alerts")
    evaluate_all(db)  # a supervisor signing in sees the plant's trouble at once
    with db.uow() as uow:
        return {t: uow.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("warehouse", "location", "item", "lot", "stock_balance", "movement", "operator", "supplier",
                          "customer", "work_order", "po_line", "so_line")}
