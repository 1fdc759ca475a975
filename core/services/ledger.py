"""The stock ledger: the one operation that moves, creates or consumes stock.

Every change writes its movement rows and the balances in one transaction, with guarded set-based SQL
(`UPDATE … WHERE qty + :dq >= reserved + :dr`), balance rows touched in a fixed key order so concurrent
terminals never deadlock, and an idempotency key per confirmation so a retried scan has one effect.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database, retrying
from core.errors import InsufficientStock, InvalidInput
from core.permissions import Actor, require
from core.services import alerts, audit

ZERO = Decimal(0)
PLAIN_MOVES = ("move", "pick")
MOVEMENT_KINDS = (
    "opening", "receipt", "putaway", "move", "pick", "drop", "issue", "return", "output", "scrap",
    "ship", "adjust", "status", "count",
)


@dataclass(frozen=True)
class Leg:
    """One quantity of one item/lot going from (location, status) to (location, status).

    No `from_location_id`: stock appears (receipt, output). No `to_location_id`: stock is consumed.
    `from_reserved` is the part taken out of the source's reservation; `to_reserved` stays reserved at the target.
    """

    item_id: int
    lot_id: int | None
    qty: Decimal
    from_location_id: int | None = None
    from_status: str | None = None
    to_location_id: int | None = None
    to_status: str | None = None
    from_reserved: Decimal = ZERO
    to_reserved: Decimal = ZERO


@dataclass(frozen=True)
class BalanceKey:
    location_id: int
    item_id: int
    lot_id: int
    status: str  # lot_id 0 = untracked


@dataclass
class Delta:
    qty: Decimal = ZERO
    reserved: Decimal = ZERO


@dataclass(frozen=True)
class OperationResult:
    """What a confirmed operation returned; `replayed` when its key had already been applied."""

    key: str
    data: dict = field(default_factory=dict)
    replayed: bool = False


def balance_deltas(legs: Iterable[Leg]) -> list[tuple[BalanceKey, Delta]]:
    """Net change per balance row, in the fixed lock order (location, item, lot, status)."""
    deltas: dict[BalanceKey, Delta] = {}
    for leg in legs:
        if leg.qty <= 0:
            raise InvalidInput("Quantity must be greater than zero")
        if leg.from_location_id is None and leg.to_location_id is None:
            raise InvalidInput("A movement needs a source or a destination")
        lot = leg.lot_id or 0
        if leg.from_location_id is not None:
            d = deltas.setdefault(BalanceKey(leg.from_location_id, leg.item_id, lot, leg.from_status), Delta())
            d.qty -= leg.qty
            d.reserved -= leg.from_reserved
        if leg.to_location_id is not None:
            d = deltas.setdefault(BalanceKey(leg.to_location_id, leg.item_id, lot, leg.to_status), Delta())
            d.qty += leg.qty
            d.reserved += leg.to_reserved
    ordered = sorted(deltas.items(), key=lambda kv: (kv[0].location_id, kv[0].item_id, kv[0].lot_id,
                                                      kv[0].status))
    return [(k, d) for k, d in ordered if d.qty or d.reserved]


_GUARDED_UPDATE = text(
    """
    UPDATE stock_balance SET qty = qty + :dq, reserved = reserved + :dr, updated_at = now()
    WHERE location_id = :loc AND item_id = :item AND coalesce(lot_id, 0) = :lot AND status = :status
      AND qty + :dq >= 0 AND reserved + :dr >= 0 AND reserved + :dr <= qty + :dq
    RETURNING id, qty, reserved
    """
)
_UPSERT = text(
    """
    INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty, reserved)
    VALUES (:loc, :item, NULLIF(:lot, 0), :status, :dq, :dr)
    ON CONFLICT (location_id, item_id, (coalesce(lot_id, 0)), status)
    DO UPDATE SET qty = stock_balance.qty + excluded.qty, reserved = stock_balance.reserved + excluded.reserved,
                  updated_at = now()
    """
)
_DROP_EMPTY = text("DELETE FROM stock_balance WHERE id = :id AND qty = 0 AND reserved = 0")
_INSERT_MOVEMENT = text(
    """
    INSERT INTO movement (kind, item_id, lot_id, qty, from_location_id, from_status, to_location_id, to_status,
                          operator_id, terminal, reason, reference, operation_key)
    VALUES (:kind, :item, :lot, :qty, :from_loc, :from_status, :to_loc, :to_status, :op, :terminal, :reason,
            :reference, :key)
    """
)


def _describe(session: Session, key: BalanceKey) -> dict:
    row = session.execute(
        text("SELECT i.sku, l.code FROM item i, location l WHERE i.id = :i AND l.id = :l"),
        {"i": key.item_id, "l": key.location_id},
    ).first()
    return {"sku": row.sku if row else key.item_id, "location": row.code if row else key.location_id}


def apply_legs(
    session: Session,
    actor: Actor,
    kind: str,
    legs: list[Leg],
    *,
    key: str | None = None,
    reason: str | None = None,
    reference: str | None = None,
) -> int:
    """Update balances and write the movement rows, inside the caller's transaction. Returns legs written."""
    if kind not in MOVEMENT_KINDS:
        raise ValueError(f"unknown movement kind {kind!r}")
    for bkey, d in balance_deltas(legs):
        params = {"loc": bkey.location_id, "item": bkey.item_id, "lot": bkey.lot_id, "status": bkey.status,
                  "dq": d.qty, "dr": d.reserved}
        if d.qty >= 0 and d.reserved >= 0:
            session.execute(_UPSERT, params)
            continue
        row = session.execute(_GUARDED_UPDATE, params).first()
        if row is None:
            raise InsufficientStock(**_describe(session, bkey))
        if row.qty == 0 and row.reserved == 0:
            session.execute(_DROP_EMPTY, {"id": row.id})
    # What the alert rules must look at again. A bin-to-bin move or a pick to the line changes no total, status or
    # free stock, so only "dead stock" (which any movement clears); a putaway (dock -> storage) makes stock free.
    for leg in legs:
        plain = (kind in PLAIN_MOVES and leg.from_location_id is not None and leg.to_location_id is not None
                 and leg.from_status == leg.to_status)
        session.info.setdefault("moved_items" if plain else "touched_items", set()).add(leg.item_id)
    session.execute(
        _INSERT_MOVEMENT,
        [
            {"kind": kind, "item": leg.item_id, "lot": leg.lot_id, "qty": leg.qty,
             "from_loc": leg.from_location_id, "from_status": leg.from_status,
             "to_loc": leg.to_location_id, "to_status": leg.to_status, "op": actor.operator_id,
             "terminal": actor.terminal, "reason": reason, "reference": reference, "key": key}
            for leg in legs
        ],
    )
    return len(legs)


def claim_key(session: Session, actor: Actor, key: str, kind: str) -> dict | None:
    """Claim an idempotency key; returns the stored result when it was already applied.

    A concurrent transaction with the same key waits on the primary key until the first commits,
    then sees it — so two deliveries of one scan can never both take effect.
    """
    claimed = session.execute(
        text(
            "INSERT INTO operation (key, kind, operator_id, terminal) VALUES (:k, :kind, :op, :t)"
            " ON CONFLICT (key) DO NOTHING RETURNING key"
        ),
        {"k": key, "kind": kind, "op": actor.operator_id, "t": actor.terminal},
    ).first()
    if claimed is not None:
        return None
    stored = session.execute(text("SELECT result FROM operation WHERE key = :k"), {"k": key}).scalar()
    return stored or {}


def run_operation(
    db: Database,
    actor: Actor,
    *,
    key: str,
    kind: str,
    permission: str,
    body: Callable[[Session], dict],
    audit_entity: str = "stock",
    audit_key: str | None = None,
    reason: str | None = None,
) -> OperationResult:
    """One operator action = one transaction: permission, idempotency, body, audit, commit; retried on conflict."""
    require(actor, permission)
    if not key:
        raise InvalidInput("Missing idempotency key")

    def attempt() -> OperationResult:
        with db.uow() as uow:
            stored = claim_key(uow.session, actor, key, kind)
            if stored is not None:
                return OperationResult(key=key, data=stored, replayed=True)
            data = body(uow.session) or {}
            data = audit.jsonable(data)
            touched = uow.session.info.pop("touched_items", set())
            moved = uow.session.info.pop("moved_items", set()) - touched
            if touched:  # the transaction that changes stock re-evaluates the alert rules for what it touched
                alerts.evaluate(uow.session, sorted(touched))
            if moved:
                alerts.resolve_moved(uow.session, sorted(moved))
            uow.session.execute(
                text("UPDATE operation SET result = CAST(:r AS jsonb) WHERE key = :k"),
                {"r": json.dumps(data), "k": key},
            )
            audit.record(uow.session, actor, kind, audit_entity, audit_key or key, new=data, reason=reason)
            uow.commit()
            return OperationResult(key=key, data=data)

    return retrying(attempt)


def post_moves(
    db: Database,
    actor: Actor,
    kind: str,
    legs: list[Leg],
    *,
    key: str,
    reason: str | None = None,
    reference: str | None = None,
    permission: str = "stock.move",
) -> OperationResult:
    """Post a set of legs as one confirmed operation."""

    def body(session: Session) -> dict:
        n = apply_legs(session, actor, kind, legs, key=key, reason=reason, reference=reference)
        return {"kind": kind, "legs": n, "qty": sum((leg.qty for leg in legs), ZERO)}

    return run_operation(db, actor, key=key, kind=kind, permission=permission, body=body, reason=reason,
                         audit_key=reference)
