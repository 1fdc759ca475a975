"""Opening balances: the file states each balance; only the difference goes through the ledger (kind `opening`).

So re-importing the same file posts nothing, and a corrected count posts just the correction.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.permissions import Actor
from core.services import alerts
from core.services.ledger import apply_selected

_CHUNK = 20_000  # file rows per ledger call: each batch of movement rows stays a bounded statement

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
_TARGET_INDEX = text("CREATE INDEX ON imp_t (_row)")
_LEGS = """
SELECT item_id, lot_id, abs(qty - have) AS qty,
       CASE WHEN qty < have THEN location_id END AS from_location_id,
       CASE WHEN qty < have THEN status END AS from_status,
       CASE WHEN qty > have THEN location_id END AS to_location_id,
       CASE WHEN qty > have THEN status END AS to_status
FROM imp_t WHERE qty <> have AND _row > :lo AND _row <= :hi ORDER BY _row
"""


def write(session: Session, actor: Actor, key: str) -> tuple[int, int]:
    """Set every balance the file states through the ledger; returns (inserted, updated) balances."""
    session.execute(_LOTS)
    session.execute(_TARGET)
    session.execute(_TARGET_INDEX)
    # the differences are found and posted set-based, in ranges of rows: the ledger gets them as arrays from the
    # server (movements + guarded balance updates), nothing of them is held here
    last = session.execute(text("SELECT coalesce(max(_row), 0) FROM imp_t")).scalar()
    for lo in range(0, last, _CHUNK):
        apply_selected(session, actor, "opening", _LEGS, {"lo": lo, "hi": lo + _CHUNK}, key=key,
                       reason="opening balance import", reference="import stock")
    touched = session.info.pop("touched_items", set())
    session.info.pop("moved_items", None)
    if touched:  # as a ledger operation does: the alert rules look again at what changed
        alerts.evaluate(session, sorted(touched))
    # a stated zero where there was nothing is no new balance: re-importing a file counts nothing as inserted
    counts = session.execute(text("SELECT count(*) FILTER (WHERE NOT existed AND qty > 0),"
                                  " count(*) FILTER (WHERE existed OR qty = 0) FROM imp_t")).one()
    return counts[0], counts[1]
