"""Picking's lot step: may this task be picked from the scanned lot (or untracked SKU)? Read-only, the rules of
`post_picks`, so a wrong lot is refused where it is scanned and not at the drop after every task."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.permissions import Actor, require
from core.results import Result
from core.services.picking import refuse_unpickable


@dataclass(frozen=True)
class Pickable(Result):
    """The task may be picked from this lot (`lot` None: an untracked SKU); `substitute` when it is not the
    planned lot."""

    task: int
    sku: str
    lot: str | None
    substitute: bool


def check_pick(db: Database, actor: Actor, task_id: int, *, lot: str | None = None, sku: str | None = None,
               qty: Decimal | None = None) -> Pickable:
    """Refuse, with the reason, a scan the task cannot be picked from: another item, a lot held, rejected,
    blocked or expired, not at the task's location, not enough free there, or expiring later than the plan."""
    require(actor, "picking.post")
    with db.uow() as uow:
        task = uow.execute(
            text("SELECT t.*, i.sku, lt.lot_no AS lot, lt.expiry FROM pick_task t JOIN item i ON i.id = t.item_id"
                 " LEFT JOIN lot lt ON lt.id = t.lot_id WHERE t.id = :id AND t.status = 'open'"),
            {"id": task_id}).first()
        if task is None:
            raise NotFound(what=f"task {task_id}")
        if sku is not None and sku != task.sku:
            raise InvalidInput("Wrong item {sku}: pick {wanted}", sku=sku, wanted=task.sku)
        if lot:
            refuse_unpickable(uow.session, task, lot, qty)
        return Pickable(task=task.id, sku=task.sku, lot=lot or None,
                        substitute=bool(lot and task.lot and lot != task.lot))
