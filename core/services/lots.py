"""Finding a lot by its number (optionally with the SKU when a number is used by several items)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound


def find_lot(session: Session, lot_no: str, sku: str | None = None):
    """The lot row (id, lot_no, item_id, sku, qc_status, expiry); NotFound or ambiguous -> a clear error."""
    rows = session.execute(
        text("SELECT l.id, l.lot_no, l.item_id, i.sku, i.abc, i.home_location_id, l.qc_status, l.expiry"
             " FROM lot l JOIN item i ON i.id = l.item_id"
             " WHERE l.lot_no = :n AND (CAST(:sku AS text) IS NULL OR i.sku = :sku) LIMIT 2"),
        {"n": (lot_no or "").strip(), "sku": sku},
    ).all()
    if not rows:
        raise NotFound(what=lot_no)
    if len(rows) > 1:
        raise InvalidInput("Lot {lot} exists for several items; scan the item first", lot=lot_no)
    return rows[0]
