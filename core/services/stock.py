"""Read side of stock: what is where (for `lineside stock` and the Stock lookup screen)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import text

from core.db import Database
from core.permissions import Actor, require


@dataclass(frozen=True)
class StockRow:
    warehouse: str
    location: str
    sku: str
    lot: str | None
    status: str
    qty: Decimal
    reserved: Decimal
    expiry: date | None


_SQL = """
SELECT w.code AS warehouse, l.code AS location, i.sku, lt.lot_no AS lot, b.status, b.qty, b.reserved,
       lt.expiry
FROM stock_balance b
JOIN location l ON l.id = b.location_id
JOIN warehouse w ON w.id = l.warehouse_id
JOIN item i ON i.id = b.item_id
LEFT JOIN lot lt ON lt.id = b.lot_id
WHERE b.qty > 0
  AND (CAST(:sku AS text) IS NULL OR i.sku = :sku)
  AND (CAST(:lot AS text) IS NULL OR lt.lot_no = :lot)
  AND (CAST(:location AS text) IS NULL OR l.code = :location)
  AND (CAST(:warehouse AS text) IS NULL OR w.code = :warehouse)
ORDER BY w.code, l.pick_sequence, l.code, i.sku, lt.expiry NULLS LAST, lt.lot_no, b.status
LIMIT :limit
"""


def stock_rows(
    db: Database,
    actor: Actor,
    *,
    sku: str | None = None,
    lot: str | None = None,
    location: str | None = None,
    warehouse: str | None = None,
    limit: int = 100_000,
) -> list[StockRow]:
    """On-hand rows filtered by any of SKU, lot, location code and warehouse code."""
    require(actor, "stock.view")
    params = {"sku": sku, "lot": lot, "location": location, "warehouse": warehouse, "limit": limit}
    # On the read replica when there is one (core/db.py Database.read): a lookup, never a posting's read.
    return db.read(lambda uow: [StockRow(**row._mapping) for row in uow.execute(text(_SQL), params)])
