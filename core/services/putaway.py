"""Directed putaway: suggest a location for a lot on the dock (or a produced lot at the line side), confirm by
scanning it (another location needs a reason)."""

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
from core.results import Result, stored_as
from core.services import outbox
from core.services.ledger import Leg, apply_legs, run_operation
from core.services.lots import find_lot
from core.services.workorders import replan_for_item
from core.vocabulary import HELD

OVERRIDE_REASONS = tuple(PutawayOverrideReason)


@dataclass(frozen=True)
class Suggestion:
    lot: str | None  # None: an untracked item
    sku: str
    qty: Decimal
    status: str
    from_location: str
    location: str
    rule: str  # quarantine | home | consolidate | empty | room


# What waits for putaway: on a dock, released from quarantine, or produced at the line side; of one lot, or of
# an untracked item (lot NULL); optionally at one location (an untracked item on two docks).
_SOURCE = text(
    "SELECT b.location_id, l.code, l.kind, l.warehouse_id, b.status, b.qty - b.reserved AS qty"
    " FROM stock_balance b"
    " JOIN location l ON l.id = b.location_id"
    " WHERE b.item_id = :item AND b.lot_id IS NOT DISTINCT FROM CAST(:lot AS bigint) AND b.qty > b.reserved"
    " AND (CAST(:at AS text) IS NULL OR l.code = :at)"
    " AND (l.kind = 'dock' OR (l.kind = 'quarantine' AND b.status = 'available')"
    "      OR (l.kind = 'line_side' AND b.reserved = 0"
    "          AND EXISTS (SELECT 1 FROM lot o WHERE o.id = b.lot_id AND o.work_order_id IS NOT NULL)))"
    " ORDER BY l.kind, b.location_id"
)

# Locations with room: capacity counts the distinct lots/items stored there now (not counting this one).
_ROOM = """
  SELECT l.id, l.code, l.pick_sequence FROM location l
  WHERE l.warehouse_id = :wh AND l.kind = :kind
    AND (l.capacity_lots IS NULL OR l.capacity_lots > (
         SELECT count(DISTINCT (b.item_id, coalesce(b.lot_id, 0))) FROM stock_balance b
         WHERE b.location_id = l.id AND b.qty > 0
           AND (b.item_id, coalesce(b.lot_id, 0)) <> (:item, coalesce(CAST(:lot AS bigint), 0))))
"""


@dataclass(frozen=True)
class Material:
    """What is put away: a lot, or an untracked item (lot None); `warehouse_id` is where the item is stocked."""

    lot_id: int | None
    lot_no: str | None
    item_id: int
    sku: str
    abc: str | None
    home_location_id: int | None
    warehouse_id: int | None


def _material(session: Session, lot: str | None, sku: str | None) -> Material:
    if lot:
        found = find_lot(session, lot, sku)
        lot_id, lot_no, item_id = found.id, found.lot_no, found.item_id
    else:
        lot_id, lot_no, item_id = None, None, None
    row = session.execute(
        text("SELECT i.id, i.sku, i.abc, i.home_location_id, i.tracking,"
             " coalesce(i.warehouse_id, h.warehouse_id) AS warehouse_id"
             " FROM item i LEFT JOIN location h ON h.id = i.home_location_id"
             " WHERE CASE WHEN CAST(:id AS bigint) IS NULL THEN i.sku = :sku ELSE i.id = :id END"),
        {"id": item_id, "sku": sku}).first()
    if row is None:
        raise NotFound(what=sku or lot)
    if lot_id is None and row.tracking != "none":
        raise InvalidInput("{sku} is lot-tracked: scan the lot", sku=row.sku)
    return Material(lot_id, lot_no, row.id, row.sku, row.abc, row.home_location_id, row.warehouse_id)


def _sources(session: Session, found: Material, at: str | None = None):
    rows = session.execute(_SOURCE, {"item": found.item_id, "lot": found.lot_id, "at": at}).all()
    if not rows:
        raise InvalidInput("Nothing of {what} is waiting for putaway", what=found.lot_no or found.sku)
    if found.lot_id is None and len({r.location_id for r in rows}) > 1:
        raise InvalidInput("{sku} waits in several places: scan the location it is in first", sku=found.sku)
    return rows


def _destination(found: Material, src) -> int:
    """The warehouse a putaway goes to: a held lot stays where it was received (quarantine there); anything
    else goes to its item's warehouse, across warehouses when that is another one."""
    return src.warehouse_id if src.status in HELD else (found.warehouse_id or src.warehouse_id)


def _suggest(session: Session, found: Material, src) -> tuple[int, str, str]:
    wh = _destination(found, src)
    p = {"wh": wh, "lot": found.lot_id, "item": found.item_id, "home": found.home_location_id}
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
            # no empty bin left: one that still has room for another lot (or no limit at all)
            ("room", storage + " ORDER BY " + order + ", l.code"),
        ]
    for rule, sql in rules:
        row = session.execute(text(sql + " LIMIT 1"), p).first()
        if row is not None:
            return row.id, row.code, rule
    raise NotFound("No location with room for {what}", what=found.lot_no or found.sku)


def suggest(db: Database, actor: Actor, lot: str | None, sku: str | None = None,
            at: str | None = None) -> Suggestion:
    """Where a lot (or an untracked item) should go: quarantine, home, consolidation, then an empty bin by ABC."""
    require(actor, "putaway.post")
    with db.uow() as uow:
        found = _material(uow.session, lot, sku)
        src = _sources(uow.session, found, at)[0]
        _, code, rule = _suggest(uow.session, found, src)
        return Suggestion(found.lot_no, found.sku, src.qty, src.status, src.code, code, rule)


@dataclass(frozen=True)
class PutAway(Result):
    """A confirmed putaway: what moved where, and the work orders it was re-planned for."""

    lot: str | None
    sku: str
    qty: Decimal
    from_location: str = stored_as("from")
    location: str = ""
    suggested: str = ""
    override_reason: str | None = None
    status: str = "available"
    replanned: tuple[str, ...] = ()
    transfer: bool = False  # it crossed into another warehouse


def confirm(db: Database, actor: Actor, *, key: str, lot: str | None, location: str, sku: str | None = None,
            override_reason: str | None = None, at: str | None = None) -> PutAway:
    """Move a lot (or an untracked item) to the scanned location; another than suggested needs a reason.
    Into another warehouse (finished goods made in the raw-material one) it is a transfer."""
    if override_reason is not None:
        PutawayOverrideReason.require(override_reason, "Choose a reason for changing the location")

    def body(session: Session) -> dict:
        found = _material(session, lot, sku)
        src = _sources(session, found, at)[0]
        wh = _destination(found, src)
        target = session.execute(
            text("SELECT id, code, kind, warehouse_id FROM location WHERE warehouse_id IN (:wh, :src) AND code = :c"
                 " ORDER BY warehouse_id = :wh DESC LIMIT 1 FOR UPDATE"),
            {"wh": wh, "src": src.warehouse_id, "c": (location or "").strip()},
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
                                   {"wh": target.warehouse_id, "lot": found.lot_id, "item": found.item_id,
                                    "t": target.id}).first()
            if room is None:
                raise WrongLocation("Location {location} is full", location=target.code)
        free = src.qty  # the unreserved part; what is reserved stays for its work order
        transfer = target.warehouse_id != src.warehouse_id
        apply_legs(session, actor, "transfer" if transfer else "putaway",
                   [Leg(found.item_id, found.lot_id, free, from_location_id=src.location_id, from_status=src.status,
                        to_location_id=target.id, to_status=src.status)],
                   key=key, reason=override_reason, reference=f"putaway {found.lot_no or found.sku}")
        replanned: list[str] = []
        if target.kind == "storage":
            session.execute(text("UPDATE receipt SET putaway_at = :at, putaway_location_id = :t"
                                 " WHERE item_id = :i AND lot_id IS NOT DISTINCT FROM CAST(:l AS bigint)"
                                 " AND putaway_at IS NULL"),
                            {"at": datetime.now(UTC), "t": target.id, "i": found.item_id, "l": found.lot_id})
            if src.status == "available":  # now free for production: short work orders get it first
                replanned = replan_for_item(session, found.item_id)
        result = {"replanned": replanned, "lot": found.lot_no, "sku": found.sku, "qty": free, "from": src.code,
                  "location": target.code, "transfer": transfer,
                  "suggested": suggested_code, "override_reason": override_reason, "status": src.status}
        outbox.emit(session, "putaway.confirmed", f"lot:{found.sku}:{found.lot_no or ''}", result)
        return result

    return PutAway.of(run_operation(db, actor, key=key, kind="putaway", permission="putaway.post", payload={
        "lot": lot, "location": location, "sku": sku, "override_reason": override_reason, "at": at}, body=body,
                                    audit_entity="lot", audit_key=lot or sku, reason=override_reason).data)
