"""What a supervisor can do from an alert: count the reserved stock, list dead stock to clear, see a kit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.permissions import Actor, require
from core.services import counting
from core.services.kitting import ComponentKit, kitting

_ALERT = text("SELECT a.id, a.rule, a.item_id, a.work_order_id, w.wo_number FROM alert a"
              " LEFT JOIN work_order w ON w.id = a.work_order_id WHERE a.id = :id")
_RESERVED_AT = text("SELECT DISTINCT l.code FROM reservation r JOIN location l ON l.id = r.location_id"
                    " WHERE r.work_order_id = :wo AND r.item_id = :item ORDER BY l.code")


def _alert(db: Database, alert_id: int):
    with db.uow() as uow:
        row = uow.execute(_ALERT, {"id": alert_id}).first()
    if row is None:
        raise NotFound(what=f"alert {alert_id}")
    return row


def count_reserved(db: Database, actor: Actor, alert_id: int) -> list[str]:
    """`reserved_not_issued`: open a count task at every location holding the reserved stock; their codes."""
    require(actor, "count.approve")
    alert = _alert(db, alert_id)
    if alert.rule != "reserved_not_issued":
        raise InvalidInput("This alert has no count action")
    with db.uow() as uow:
        codes = list(uow.execute(_RESERVED_AT, {"wo": alert.work_order_id, "item": alert.item_id}).scalars())
    if not codes:
        raise InvalidInput("Nothing is reserved any more for this alert")
    for code in codes:
        counting.create_task(db, actor, code, source="alert")
    return codes


@dataclass(frozen=True)
class CleanupRow:
    """A dead-stock balance worth clearing: where it lies, how much, what it is worth."""

    sku: str
    lot: str | None
    location: str
    qty: Decimal
    value: Decimal


_DEAD = text("""
SELECT i.sku, lt.lot_no AS lot, l.code AS location, b.qty, b.qty * i.unit_cost AS value
FROM stock_balance b JOIN item i ON i.id = b.item_id JOIN location l ON l.id = b.location_id
LEFT JOIN lot lt ON lt.id = b.lot_id
WHERE b.qty > 0 AND (CAST(:item AS bigint) IS NULL OR b.item_id = :item)
  AND NOT EXISTS (SELECT 1 FROM movement m WHERE m.item_id = b.item_id
                  AND m.created_at > now() - make_interval(days => CAST(:days AS integer)))
ORDER BY b.qty * i.unit_cost DESC, i.sku, l.code LIMIT :n
""")


def dead_stock_cleanup(db: Database, actor: Actor, alert_id: int | None = None, limit: int = 200) -> list[CleanupRow]:
    """Items without movement for the dead-stock threshold: each balance, its location and value, dearest first."""
    require(actor, "alerts.view")
    item = _alert(db, alert_id).item_id if alert_id is not None else None
    with db.uow() as uow:
        days = uow.execute(text("SELECT threshold FROM alert_rule WHERE rule = 'dead_stock'")).scalar()
        days = 90 if days is None else days
        rows = uow.execute(_DEAD, {"item": item, "days": int(days), "n": limit}).all()
    return [CleanupRow(r.sku, r.lot, r.location, r.qty, r.value) for r in rows]


@dataclass(frozen=True)
class ShortageKit:
    """A shortage alert's work order and its kitting components (required, reserved, issued, short)."""

    wo_number: str
    components: list[ComponentKit]


def shortage_kit(db: Database, actor: Actor, alert_id: int) -> ShortageKit:
    """`shortage`: the work order's number and its kitting components (required, reserved, issued, short)."""
    alert = _alert(db, alert_id)
    if alert.wo_number is None:
        raise InvalidInput("This alert has no work order")
    kit = next((k for k in kitting(db, actor) if k.wo_number == alert.wo_number), None)
    return ShortageKit(alert.wo_number, kit.components if kit else [])
