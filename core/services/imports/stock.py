"""Opening balances: the file states each balance; only the difference goes through the ledger (kind `opening`).

So re-importing the same file posts nothing, and a corrected count posts just the correction.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.errors import InvalidInput
from core.permissions import Actor

_LOTS = text("""
INSERT INTO lot (item_id, lot_no, supplier_id, expiry, received_at)
SELECT DISTINCT ON (it.id, i.lot) it.id, i.lot, s.id, CAST(i.expiry AS date), CAST(i.received_at AS timestamptz)
FROM imp i JOIN item it ON it.sku = i.sku LEFT JOIN supplier s ON s.code = i.supplier WHERE i.lot IS NOT NULL
ORDER BY it.id, i.lot, i._row
ON CONFLICT (item_id, lot_no) DO UPDATE SET expiry = coalesce(excluded.expiry, lot.expiry),
  supplier_id = coalesce(excluded.supplier_id, lot.supplier_id), received_at = coalesce(lot.received_at,
  excluded.received_at)
""")
_TARGET = text("""
CREATE TEMP TABLE imp_t ON COMMIT DROP AS
SELECT i._row, l.id AS location_id, it.id AS item_id, lt.id AS lot_id, coalesce(i.status, 'available') AS status,
       CAST(i.qty AS numeric) AS qty, coalesce(b.qty, 0) AS have, coalesce(b.reserved, 0) AS reserved,
       b.id IS NOT NULL AS existed
FROM imp i JOIN warehouse w ON w.code = i.warehouse JOIN location l ON l.warehouse_id = w.id AND l.code = i.location
JOIN item it ON it.sku = i.sku LEFT JOIN lot lt ON lt.item_id = it.id AND lt.lot_no = i.lot
LEFT JOIN stock_balance b ON b.location_id = l.id AND b.item_id = it.id AND coalesce(b.lot_id, 0) = coalesce(lt.id, 0)
  AND b.status = coalesce(i.status, 'available')
""")
_MOVES = text("""
INSERT INTO movement (kind, item_id, lot_id, qty, from_location_id, from_status, to_location_id, to_status,
                      operator_id, terminal, reason, reference, operation_key)
SELECT 'opening', item_id, lot_id, abs(qty - have),
       CASE WHEN qty < have THEN location_id END, CASE WHEN qty < have THEN status END,
       CASE WHEN qty > have THEN location_id END, CASE WHEN qty > have THEN status END,
       :op, :terminal, 'opening balance import', :ref, :key
FROM imp_t WHERE qty <> have
""")
_BALANCES = text("""
INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty)
SELECT location_id, item_id, lot_id, status, qty FROM imp_t WHERE qty <> have
ON CONFLICT (location_id, item_id, (coalesce(lot_id, 0)), status) DO UPDATE SET qty = excluded.qty, updated_at = now()
""")
_EMPTY = text("DELETE FROM stock_balance WHERE qty = 0 AND reserved = 0 AND id IN (SELECT b.id FROM stock_balance b"
              " JOIN imp_t t ON t.location_id = b.location_id AND t.item_id = b.item_id"
              " AND coalesce(t.lot_id, 0) = coalesce(b.lot_id, 0) AND t.status = b.status WHERE t.qty = 0)")


def write(session: Session, actor: Actor, key: str) -> tuple[int, int]:
    """Set every balance the file states; returns (inserted, updated) balances."""
    session.execute(_LOTS)
    session.execute(_TARGET)
    below = session.execute(text("SELECT _row FROM imp_t WHERE qty < reserved ORDER BY _row LIMIT 1")).scalar()
    if below is not None:
        raise InvalidInput("Row {row}: less than is reserved there", row=below)
    session.execute(_MOVES, {"op": actor.operator_id, "terminal": actor.terminal, "ref": "import stock", "key": key})
    session.execute(_BALANCES)
    session.execute(_EMPTY)
    counts = session.execute(text("SELECT count(*) FILTER (WHERE NOT existed), count(*) FILTER (WHERE existed)"
                                  " FROM imp_t")).one()
    return counts[0], counts[1]
