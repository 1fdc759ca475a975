"""Directed putaway: suggest a location for a lot on the dock (or a produced lot at the line side), confirm by
scanning it (F3 + reason to differ)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InvalidInput, NotFound, NotSuggested, WrongLocation
from core.permissions import Actor, require
from core.reasons import PutawayOverrideReason
from core.services import outbox
from core.services.ledger import Leg, apply_legs, run_operation
from core.services.lots import find_lot
from core.services.workorders import replan_for_item
from core.vocabulary import HELD

OVERRIDE_REASONS = tuple(PutawayOverrideReason)


@dataclass(frozen=True)
class Suggestion:
    lot: str
    sku: str
    qty: Decimal
    status: str
    from_location: str
    location: str
    rule: str  # quarantine | home | consolidate | empty


_SOURCE = text(
    "SELECT b.location_id, l.code, l.kind, l.warehouse_id, b.status, b.qty - b.reserved AS qty"
    " FROM stock_balance b"
    " JOIN location l ON l.id = b.location_id WHERE b.lot_id = :lot AND b.qty > b.reserved"
    " AND (l.kind = 'dock' OR (l.kind = 'quarantine' AND b.status = 'available')"
    "      OR (l.kind = 'line_side' AND b.reserved = 0"
    "          AND EXISTS (SELECT 1 FROM lot o WHERE o.id = b.lot_id AND o.work_order_id IS NOT NULL)))"
    " ORDER BY l.kind, b.location_id"
)

# Locations with room: capacity counts the distinct lots/items stored there now (not counting this lot).
_ROOM = """
  SELECT l.id, l.code, l.pick_sequence FROM location l
  WHERE l.warehouse_id = :wh AND l.kind = :kind
    AND (l.capacity_lots IS NULL OR l.capacity_lots > (
         SELECT count(DISTINCT (b.item_id, coalesce(b.lot_id, 0))) FROM stock_balance b
         WHERE b.location_id = l.id AND b.qty > 0 AND coalesce(b.lot_id, 0) <> :lot))
"""


def _sources(session: Session, lot_id: int):
    rows = session.execute(_SOURCE, {"lot": lot_id}).all()
    if not rows:
        raise InvalidInput("Nothing of this lot is waiting for putaway")
    return rows


def _suggest(session: Session, found, src) -> tuple[int, str, str]:
    p = {"wh": src.warehouse_id, "lot": found.id, "item": found.item_id, "home": found.home_location_id}
    if src.status in HELD:
        rules = [("quarantine", _ROOM.replace(":kind", "'quarantine'") + " ORDER BY l.pick_sequence, l.code")]
    else:
        order = {"A": "l.pick_sequence", "C": "l.pick_sequence DESC"}.get(
            found.abc, "abs(l.pick_sequence - (SELECT avg(pick_sequence) FROM location"
                       " WHERE warehouse_id = :wh AND kind = 'storage'))")
        storage = _ROOM.replace(":kind", "'storage'")
        rules = [
            ("home", storage + " AND l.id = :home"),
            ("consolidate", storage + " AND EXISTS (SELECT 1 FROM stock_balance b WHERE b.location_id = l.id"
                                      " AND b.item_id = :item AND b.qty > 0) ORDER BY l.pick_sequence, l.code"),
            ("empty", storage + " AND NOT EXISTS (SELECT 1 FROM stock_balance b WHERE b.location_id = l.id"
                                " AND b.qty > 0) ORDER BY " + order + ", l.code"),
        ]
    for rule, sql in rules:
        row = session.execute(text(sql + " LIMIT 1"), p).first()
        if row is not None:
            return row.id, row.code, rule
    raise NotFound("No location with room for lot {what}", what=found.lot_no)


def suggest(db: Database, actor: Actor, lot: str, sku: str | None = None) -> Suggestion:
    """Where the lot should go, by the strategy: quarantine, home, consolidation, then an empty bin by ABC."""
    require(actor, "putaway.post")
    with db.uow() as uow:
        found = find_lot(uow.session, lot, sku)
        src = _sources(uow.session, found.id)[0]
        _, code, rule = _suggest(uow.session, found, src)
        return Suggestion(found.lot_no, found.sku, src.qty, src.status, src.code, code, rule)


def confirm(db: Database, actor: Actor, *, key: str, lot: str, location: str, sku: str | None = None,
            override_reason: str | None = None) -> dict:
    """Move the lot from the dock to the scanned location; another than suggested needs an override reason."""
    if override_reason is not None and override_reason not in OVERRIDE_REASONS:
        raise InvalidInput("Choose a reason for changing the location")

    def body(session: Session) -> dict:
        found = find_lot(session, lot, sku)
        src = _sources(session, found.id)[0]
        target = session.execute(
            text("SELECT id, code, kind FROM location WHERE warehouse_id = :wh AND code = :c FOR UPDATE"),
            {"wh": src.warehouse_id, "c": (location or "").strip()},
        ).first()
        if target is None:
            raise WrongLocation(location=location)
        suggested_id, suggested_code, _ = _suggest(session, found, src)
        if target.id != suggested_id:
            if override_reason is None:
                raise NotSuggested(location=target.code, suggested=suggested_code)
            wanted = "quarantine" if src.status in HELD else "storage"
            if target.kind != wanted:
                if wanted == "storage":
                    raise WrongLocation("{location} is not a storage location", location=target.code)
                raise WrongLocation("{location} is not a quarantine location", location=target.code)
            room = session.execute(text(_ROOM.replace(":kind", f"'{wanted}'") + " AND l.id = :t"),
                                   {"wh": src.warehouse_id, "lot": found.id, "t": target.id}).first()
            if room is None:
                raise WrongLocation("Location {location} is full", location=target.code)
        free = src.qty  # the unreserved part; what is reserved stays for its work order
        apply_legs(session, actor, "putaway",
                   [Leg(found.item_id, found.id, free, from_location_id=src.location_id, from_status=src.status,
                        to_location_id=target.id, to_status=src.status)],
                   key=key, reason=override_reason, reference=f"putaway {found.lot_no}")
        replanned: list[str] = []
        if target.kind == "storage":
            session.execute(text("UPDATE receipt SET putaway_at = :at, putaway_location_id = :t"
                                 " WHERE lot_id = :l AND putaway_at IS NULL"),
                            {"at": datetime.now(UTC), "t": target.id, "l": found.id})
            if src.status == "available":  # now free for production: short work orders get it first
                replanned = replan_for_item(session, found.item_id)
        result = {"replanned": replanned, "lot": found.lot_no, "sku": found.sku, "qty": free, "from": src.code,
                  "location": target.code,
                  "suggested": suggested_code, "override_reason": override_reason, "status": src.status}
        outbox.emit(session, "putaway.confirmed", f"lot:{found.sku}:{found.lot_no}", result)
        return result

    return run_operation(db, actor, key=key, kind="putaway", permission="putaway.post", body=body,
                         audit_entity="lot", audit_key=lot, reason=override_reason).data
