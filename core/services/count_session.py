"""What the cycle-count screen asks before a count: which locations wait, is this one open, is an item untracked.

Never returns an expected quantity: the counter's side of a blind count.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.permissions import Actor, require
from core.results import Result
from core.services import counting


@dataclass(frozen=True)
class CountStart(Result):
    """The location a count goes on in, and whether this scan opened its count (a supervisor on demand)."""

    location: str
    opened: bool


def open_locations(db: Database, actor: Actor, limit: int = 12) -> list[str]:
    """Locations with an open count task, oldest first."""
    require(actor, "count.post")
    with db.uow() as uow:
        return list(uow.execute(text(
            "SELECT l.code FROM count_task t JOIN location l ON l.id = t.location_id WHERE t.status = 'open'"
            " ORDER BY t.created_at, l.code LIMIT :n"), {"n": limit}).scalars())


def start(db: Database, actor: Actor, location: str) -> CountStart:
    """The location's open count; a supervisor opens one on demand, a clerk is refused without one."""
    require(actor, "count.post")
    with db.uow() as uow:
        row = uow.execute(text(
            "SELECT l.code, t.id AS task_id FROM location l LEFT JOIN count_task t ON t.location_id = l.id"
            " AND t.status = 'open' WHERE l.code = :c ORDER BY l.id LIMIT 1"), {"c": (location or "").strip()}).first()
    if row is None:
        raise NotFound(what=location)
    opened = False
    if row.task_id is None:
        if not actor.may("count.approve"):
            raise InvalidInput("No open count for {location}", location=row.code)
        counting.create_task(db, actor, row.code)
        opened = True
    return CountStart(location=row.code, opened=opened)


def untracked(db: Database, sku: str) -> bool:
    """True when the item has no lots (counted by SKU)."""
    with db.uow() as uow:
        tracking = uow.execute(text("SELECT tracking FROM item WHERE sku = :s"), {"s": sku}).scalar()
    if tracking is None:
        raise NotFound(what=sku)
    return tracking == "none"


def serial(db: Database, lot: str, sku: str | None = None) -> bool:
    """True when the lot is a serial (one unit: counted as 1, with no quantity asked)."""
    with db.uow() as uow:
        rows = uow.execute(text(
            "SELECT i.tracking FROM lot l JOIN item i ON i.id = l.item_id WHERE l.lot_no = :n"
            " AND (CAST(:sku AS text) IS NULL OR i.sku = :sku) LIMIT 2"), {"n": lot, "sku": sku}).scalars().all()
    return rows == ["serial"]
