"""Opening balances: the file states each balance; only the difference goes through the ledger (kind `opening`).

So re-importing the same file posts nothing, and a corrected count posts just the correction.

Posted set-based, whatever the size of the file: one INSERT..SELECT of every movement row (each with the
importing operator, terminal, reason, reference and the import's key) and one statement per kind of balance
change, under the ledger's rules (the balances the file touches locked first, in the ledger's key order, so a
terminal moving stock meanwhile queues instead of deadlocking; an emptied balance row removed; a serial one unit
in one place, checked at commit by its trigger). ledger_apply's per-leg arrays cost a server function call per
balance and a re-aggregation the import does not need: each file row is one balance and one leg.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.errors import InsufficientStock
from core.permissions import Actor
from core.services import alerts
from core.vocabulary import MovementKind

_LOTS = text("""
INSERT INTO lot (item_id, lot_no, supplier_id, expiry, received_at)
SELECT DISTINCT ON (it.id, i.lot) it.id, i.lot, s.id, CAST(i.expiry AS date), CAST(i.received_at AS timestamptz)
FROM imp i JOIN item it ON it.sku = i.sku LEFT JOIN supplier s ON s.code = i.supplier WHERE i.lot IS NOT NULL
ORDER BY it.id, i.lot, i._row
ON CONFLICT (item_id, lot_no) DO UPDATE SET expiry = coalesce(excluded.expiry, lot.expiry),
  supplier_id = coalesce(excluded.supplier_id, lot.supplier_id), received_at = coalesce(lot.received_at,
  excluded.received_at)
""")
# The balance each good row states, by ids.
_KEYS = text("""
CREATE TEMP TABLE imp_k ON COMMIT DROP AS
SELECT i._row, l.id AS location_id, it.id AS item_id, lt.id AS lot_id, coalesce(i.status, 'available') AS status,
       CAST(i.qty AS numeric) AS qty
FROM imp i JOIN warehouse w ON w.code = i.warehouse JOIN location l ON l.warehouse_id = w.id AND l.code = i.location
JOIN item it ON it.sku = i.sku LEFT JOIN lot lt ON lt.item_id = it.id AND lt.lot_no = i.lot
""")
_SAME = ("b.location_id = k.location_id AND b.item_id = k.item_id AND coalesce(b.lot_id, 0) = coalesce(k.lot_id, 0)"
         " AND b.status = k.status")
# The existing balances the file states, locked in the ledger's order (location, item, lot, status), so what is
# read next is what the posting changes.
_LOCK = text(f"""
SELECT count(*) FROM (SELECT 1 FROM stock_balance b WHERE EXISTS (SELECT 1 FROM imp_k k WHERE {_SAME})
  ORDER BY b.location_id, b.item_id, coalesce(b.lot_id, 0), b.status COLLATE "C" FOR UPDATE OF b) locked
""")
_TARGET = text(f"""
CREATE TEMP TABLE imp_t ON COMMIT DROP AS
SELECT k.*, coalesce(b.qty, 0) AS have, b.id AS balance_id
FROM imp_k k LEFT JOIN stock_balance b ON {_SAME}
""")
_MOVEMENTS = text("""
INSERT INTO movement (kind, item_id, lot_id, qty, from_location_id, from_status, to_location_id, to_status,
                      operator_id, terminal, reason, reference, operation_key, batch)
SELECT :kind, item_id, lot_id, abs(qty - have),
       CASE WHEN qty < have THEN location_id END, CASE WHEN qty < have THEN status END,
       CASE WHEN qty > have THEN location_id END, CASE WHEN qty > have THEN status END,
       :op, :terminal, :reason, :reference, :key, (SELECT movement_batch())  -- one batch, drawn once
FROM imp_t WHERE qty <> have ORDER BY _row
""")
# An existing balance takes the stated quantity, never below what is reserved on it (checked against the file
# before, and again here under the lock); a row left with nothing is removed, as the ledger does.
_UPDATE = text("""
UPDATE stock_balance b SET qty = t.qty, updated_at = now() FROM imp_t t
WHERE b.id = t.balance_id AND t.qty <> t.have AND t.qty > 0 AND b.reserved <= t.qty
""")
_EMPTIED = text("DELETE FROM stock_balance b USING imp_t t WHERE b.id = t.balance_id AND t.qty = 0 AND t.have > 0"
                " AND b.reserved = 0")
_REFUSED = text("""
SELECT i.sku, l.code FROM imp_t t JOIN stock_balance b ON b.id = t.balance_id JOIN item i ON i.id = t.item_id
JOIN location l ON l.id = t.location_id WHERE t.qty <> t.have AND b.reserved > t.qty ORDER BY t._row LIMIT 1
""")
# A new balance; one that a terminal created since the lock (no row to lock then) takes the difference on top.
_INSERT = text("""
INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty)
SELECT location_id, item_id, lot_id, status, qty FROM imp_t WHERE balance_id IS NULL AND qty > 0
ORDER BY location_id, item_id, coalesce(lot_id, 0), status COLLATE "C"
ON CONFLICT (location_id, item_id, (coalesce(lot_id, 0)), status)
DO UPDATE SET qty = stock_balance.qty + excluded.qty, updated_at = now()
""")
_SUMMARY = text("""
SELECT count(*) FILTER (WHERE balance_id IS NULL AND qty > 0) AS inserted,
       count(*) FILTER (WHERE balance_id IS NOT NULL OR qty = 0) AS updated,
       count(*) FILTER (WHERE qty <> have AND balance_id IS NOT NULL) AS changed,
       coalesce(array_agg(DISTINCT item_id) FILTER (WHERE qty <> have), '{}') AS items
FROM imp_t
""")


def write(session: Session, actor: Actor, key: str) -> tuple[int, int]:
    """Set every balance the file states through the ledger; returns (inserted, updated) balances."""
    session.execute(_LOTS)
    session.execute(_KEYS)
    session.execute(_LOCK)
    session.execute(_TARGET)
    session.execute(_MOVEMENTS, {"kind": MovementKind.OPENING.value, "op": actor.operator_id,
                                 "terminal": actor.terminal, "reason": "opening balance import",
                                 "reference": "import stock", "key": key})
    summary = session.execute(_SUMMARY).one()
    if summary.changed:
        changed = session.execute(_UPDATE).rowcount + session.execute(_EMPTIED).rowcount
        if changed < summary.changed:  # reserved since the file was checked: refused as the ledger refuses
            refused = session.execute(_REFUSED).one()
            raise InsufficientStock(sku=refused.sku, location=refused.code)
    session.execute(_INSERT)
    if summary.items:  # as a ledger operation does: the alert rules look again, once, at what changed
        alerts.evaluate(session, sorted(summary.items))
    # a stated zero where there was nothing is no new balance: re-importing a file counts nothing as inserted
    return summary.inserted, summary.updated
