"""Recall: everything downstream of a lot, and one confirmed action that blocks all of it that is on hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InvalidInput
from core.permissions import Actor, require
from core.reasons import Meaning
from core.results import Result
from core.services import outbox
from core.services.ledger import Applied, Leg, apply_legs, apply_selected, run_operation
from core.services.lots import find_lot
from core.services.signatures import signed, verify
from core.services.trace import downstream_lot_ids
from core.services.workorders import unreserve_lots
from core.vocabulary import BLOCKABLE

_LOTS = text("SELECT l.id, l.lot_no, i.sku, w.wo_number FROM lot l JOIN item i ON i.id = l.item_id"
             " LEFT JOIN work_order w ON w.id = l.work_order_id WHERE l.id = ANY(:ids) ORDER BY l.lot_no")
_SHIPMENTS = text("SELECT so.so_number, c.code AS customer, c.name AS customer_name, lt.lot_no AS lot, i.sku,"
                  " sh.qty, sh.shipped_at FROM shipment sh JOIN so_line so ON so.id = sh.so_line_id"
                  " JOIN customer c ON c.id = sh.customer_id JOIN item i ON i.id = sh.item_id"
                  " JOIN lot lt ON lt.id = sh.lot_id WHERE sh.lot_id = ANY(:ids) ORDER BY c.code, sh.shipped_at")
_ON_HAND = text("SELECT lt.lot_no AS lot, i.sku, l.code AS location, b.status, b.qty FROM stock_balance b"
                " JOIN lot lt ON lt.id = b.lot_id JOIN item i ON i.id = b.item_id JOIN location l"
                " ON l.id = b.location_id WHERE b.lot_id = ANY(:ids) AND b.qty > 0 ORDER BY l.code, lt.lot_no")


@dataclass(frozen=True)
class RecallLot(Result):
    lot: str
    sku: str
    work_order: str | None


@dataclass(frozen=True)
class RecallShipment(Result):
    so_number: str
    customer: str
    customer_name: str
    lot: str
    sku: str
    qty: Decimal
    shipped_at: datetime | None


@dataclass(frozen=True)
class RecallStock(Result):
    lot: str
    sku: str
    location: str
    status: str
    qty: Decimal


@dataclass(frozen=True)
class Affected(Result):
    """Everything downstream of a lot: lots, work orders, customers, shipments and on-hand stock."""

    lot: str
    sku: str
    lots: tuple[RecallLot, ...]
    work_orders: tuple[str, ...]
    customers: tuple[str, ...]
    shipments: tuple[RecallShipment, ...]
    on_hand: tuple[RecallStock, ...]

    @classmethod
    def of_listing(cls, listing: dict) -> Affected:
        """Built directly from the listing's rows: Result.of's type look-ups per row cost seconds on a large recall."""
        return cls(lot=listing["lot"], sku=listing["sku"], lots=tuple(RecallLot(**x) for x in listing["lots"]),
                   work_orders=tuple(listing["work_orders"]), customers=tuple(listing["customers"]),
                   shipments=tuple(RecallShipment(**x) for x in listing["shipments"]),
                   on_hand=tuple(RecallStock(**x) for x in listing["on_hand"]))


@dataclass(frozen=True)
class Recalled(Result):
    """A raised recall: how many lots it reached and how many balances it blocked."""

    lot: str
    sku: str
    reason: str
    lots: int
    customers: tuple[str, ...]
    blocked_balances: int
    work_orders: tuple[str, ...]


def _listing(session: Session, lot: str, sku: str | None) -> tuple[dict, list[int]]:
    root = find_lot(session, lot, sku)
    ids = downstream_lot_ids(session, root.id)
    lots = session.execute(_LOTS, {"ids": ids}).all()
    shipments = [dict(r._mapping) for r in session.execute(_SHIPMENTS, {"ids": ids})]
    on_hand = [dict(r._mapping) for r in session.execute(_ON_HAND, {"ids": ids})]
    listing = {
        "lot": root.lot_no, "sku": root.sku,
        "lots": [{"lot": r.lot_no, "sku": r.sku, "work_order": r.wo_number} for r in lots],
        "work_orders": sorted({r.wo_number for r in lots if r.wo_number}),
        "customers": sorted({s["customer"] for s in shipments}),
        "shipments": shipments,
        "on_hand": on_hand,
    }
    return listing, ids


def affected(db: Database, actor: Actor, lot: str, sku: str | None = None) -> Affected:
    """Lots, work orders, customers, shipments and on-hand stock downstream of a lot."""
    require(actor, "trace.view")
    return Affected.of_listing(db.read(lambda uow: _listing(uow.session, lot, sku)[0]))  # the replica's, if any



# A status leg per blockable balance of the lots, sources locked in the ledger's key order; through the ledger
# (apply_selected), so movements, balances and the alert rules are all the one path's.
_TO_BLOCK = """
    SELECT b.item_id, b.lot_id, b.qty, b.location_id AS from_location_id, b.status AS from_status,
           b.location_id AS to_location_id, 'blocked' AS to_status
    FROM stock_balance b
    WHERE b.lot_id = ANY(CAST(:ids AS bigint[])) AND b.qty > 0 AND b.status = ANY(CAST(:blockable AS text[]))
    ORDER BY b.location_id, b.item_id, b.lot_id, b.status COLLATE "C" FOR UPDATE
"""


def block(session: Session, actor: Actor, lot_ids: list[int], *, key: str, reason: str, reference: str) -> Applied:
    """Block every available and QC-hold balance of these lots, their reservations given back first."""
    unreserve_lots(session, lot_ids)
    return apply_selected(session, actor, "status", _TO_BLOCK, {"ids": lot_ids, "blockable": list(BLOCKABLE)},
                          key=key, reason=reason, reference=reference)


def raise_recall(db: Database, actor: Actor, *, key: str, lot: str, reason: str, pin: str,
                 sku: str | None = None) -> Recalled:
    """Block every affected on-hand balance in one transaction (reservations on it are released first), signed
    by the supervisor's PIN (Recalled)."""
    if not (reason or "").strip():
        raise InvalidInput("A recall needs a reason")
    require(actor, "recall.raise")
    signature = verify(db, actor, pin, Meaning.RECALLED)

    def body(session: Session) -> dict:
        listing, ids = _listing(session, lot, sku)
        blocked = block(session, actor, ids, key=key, reason=reason, reference=f"recall {lot}")
        summary = {"lot": listing["lot"], "sku": listing["sku"], "reason": reason, "lots": len(listing["lots"]),
                   "customers": listing["customers"], "blocked_balances": blocked.targets,
                   "work_orders": listing["work_orders"]}
        outbox.emit(session, "recall.raised", f"lot:{listing['sku']}:{listing['lot']}",
                    {**summary, "affected_lots": [x["lot"] for x in listing["lots"]]})
        return signed(summary, signature)

    return Recalled.of(run_operation(db, actor, key=key, kind="recall", permission="recall.raise",
                                     payload={"lot": lot, "sku": sku, "reason": reason}, body=body,
                                     audit_entity="lot", audit_key=lot, reason=reason).data)


def release_block(db: Database, actor: Actor, *, key: str, lot: str, reason: str, sku: str | None = None) -> dict:
    """A supervisor releases a lot's blocked stock back to available."""
    if not (reason or "").strip():
        raise InvalidInput("Releasing blocked stock needs a reason")

    def body(session: Session) -> dict:
        found = find_lot(session, lot, sku)
        rows = session.execute(text("SELECT location_id, qty FROM stock_balance WHERE lot_id = :l"
                                    " AND status = 'blocked' AND qty > 0"), {"l": found.id}).all()
        if not rows:
            raise InvalidInput("Lot {lot} has no blocked stock", lot=lot)
        apply_legs(session, actor, "status",
                   [Leg(found.item_id, found.id, r.qty, r.location_id, "blocked", r.location_id, "available")
                    for r in rows], key=key, reason=reason, reference=f"release {lot}")
        return {"lot": found.lot_no, "sku": found.sku, "released": sum(r.qty for r in rows)}

    return run_operation(db, actor, key=key, kind="release_block", permission="recall.raise",
                         payload={"lot": lot, "sku": sku, "reason": reason}, body=body,
                         audit_entity="lot", audit_key=lot, reason=reason).data


@dataclass(frozen=True)
class BlockedLot(Result):
    """A lot blocked from an alert: which, and how much of it was blocked."""

    lot: str
    sku: str
    blocked: Decimal


def block_lot(db: Database, actor: Actor, *, key: str, lot: str, reason: str, sku: str | None = None) -> BlockedLot:
    """A supervisor blocks one lot's available and QC-hold stock (an expiring lot); its reservations go back."""
    if not (reason or "").strip():
        raise InvalidInput("Blocking a lot needs a reason")

    def body(session: Session) -> dict:
        found = find_lot(session, lot, sku)
        blocked = block(session, actor, [found.id], key=key, reason=reason, reference=f"block {lot}")
        if not blocked.legs:
            raise InvalidInput("Lot {lot} has no stock to block", lot=lot)
        return {"lot": found.lot_no, "sku": found.sku, "blocked": blocked.qty}

    return BlockedLot.of(run_operation(db, actor, key=key, kind="block_lot", permission="recall.raise",
                                       payload={"lot": lot, "sku": sku, "reason": reason}, body=body,
                                       audit_entity="lot", audit_key=lot, reason=reason).data)
