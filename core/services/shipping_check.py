"""Shipping's lot step: is this lot (or untracked SKU) shippable on this order? Read-only, same rules as `ship`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.permissions import Actor, require
from core.results import Result
from core.services.lots import find_lot
from core.services.shipping import SHIPPABLE, open_line, refuse_unshippable


@dataclass(frozen=True)
class Shippable(Result):
    """A lot (or an untracked SKU, `lot` None) that may ship on the order line, and how much of it is free."""

    so_number: str
    line_no: int
    sku: str
    lot: str | None
    open: Decimal
    free: Decimal
    serial: bool = False  # one unit: shipped by its scan alone, no quantity asked


def check_lot(db: Database, actor: Actor, so_number: str, lot: str | None = None,
              sku: str | None = None) -> Shippable:
    """The order line the scan ships against and how much of it is free; refuses held, expired or foreign stock."""
    require(actor, "shipping.post")
    with db.uow() as uow:
        session = uow.session
        if lot:
            found = find_lot(session, lot, sku)
            item_id, lot_id, lot_no = found.item_id, found.id, found.lot_no
        else:
            item_id = session.execute(text("SELECT id FROM item WHERE sku = :s"), {"s": sku}).scalar()
            if item_id is None:
                raise NotFound(what=sku or "-")
            lot_id, lot_no = None, None
        line = open_line(session, so_number, item_id)
        if line.tracking != "none" and lot_id is None:
            raise InvalidInput("A lot number is required for {sku}", sku=line.sku)
        sources = session.execute(SHIPPABLE, {"item": item_id, "lot": lot_id, "wh": line.warehouse_id}).all()
        if lot_id is not None and not sources:
            refuse_unshippable(session, lot_id, lot_no)
        if not sources:
            raise InvalidInput("No shippable stock of {sku}", sku=line.sku)
        return Shippable(so_number=line.so_number, line_no=line.line_no, sku=line.sku, lot=lot_no,
                         open=line.qty - line.shipped_qty, free=sum((s.free for s in sources), Decimal(0)),
                         serial=line.tracking == "serial")
