"""The stock ledger: the one operation that moves, creates or consumes stock.

Every change writes its movement rows and the balances in one transaction, with guarded set-based SQL
(`UPDATE … WHERE qty + :dq >= reserved + :dr`), balance rows touched in a fixed key order so concurrent
terminals never deadlock, and an idempotency key per confirmation so a retried scan has one effect. A key is
bound to its operator, kind and payload (the digest of the confirmation's inputs): the first result is answered
again only for the same three; a key used again for anything else is refused (KeyReused).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, time
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.db import SERIAL_ELSEWHERE, Database, retrying, serial_of
from core.errors import Conflict, InsufficientStock, InvalidInput, KeyReused, LinesideError
from core.permissions import Actor, require
from core.services import alerts, audit
from core.vocabulary import PLAIN_MOVES, MovementKind, StockStatus

ZERO = Decimal(0)
INSUFFICIENT = "LS001"  # raised by ledger_balance() when a guarded update finds too little free stock
KEY_REUSED = "LS003"  # raised by ledger_claim() for a key already used by another operator, kind or payload


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
class OperationResult:
    """What a confirmed operation returned; `replayed` when its key had already been applied."""

    key: str
    data: dict = field(default_factory=dict)
    replayed: bool = False


def _check_kind(kind: str) -> None:
    """A programming error, not an operator's: every kind a service posts is a MovementKind."""
    if kind not in _KINDS:
        raise ValueError(f"unknown movement kind {kind!r}")


_KINDS = frozenset(MovementKind)
_STATUSES = frozenset(StockStatus)


def validate(legs: Iterable[Leg]) -> None:
    """What the ledger refuses before it touches anything: no quantity, or neither source nor destination."""
    for leg in legs:
        if leg.qty <= 0:
            raise InvalidInput("Quantity must be greater than zero")
        if leg.from_location_id is None and leg.to_location_id is None:
            raise InvalidInput("A movement needs a source or a destination")
        if not {leg.from_status, leg.to_status} - {None} <= _STATUSES:
            raise ValueError(f"unknown stock status in {leg!r}")


def _arrays(legs: list[Leg]) -> tuple:
    return ([leg.item_id for leg in legs], [leg.lot_id for leg in legs], [leg.qty for leg in legs],
            [leg.from_location_id for leg in legs], [leg.from_status for leg in legs],
            [leg.to_location_id for leg in legs], [leg.to_status for leg in legs])


def _canonical(value: object) -> str:
    """`value` as canonical JSON: keys sorted, no spaces, a number (int or Decimal) in its shortest exact text
    (5, 5.0 and 5.000 alike), dates and times ISO, a dataclass (a Leg, a PickLine) as its fields, a set sorted."""
    if value is None or isinstance(value, bool | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | Decimal):
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError(f"no digest for {value!r}")
        return "0" if number.is_zero() else format(number.normalize(), "f")
    if isinstance(value, float):  # not a quantity type here; its shortest repr is what was meant
        return _canonical(Decimal(repr(value)))
    if isinstance(value, date | time):
        return json.dumps(value.isoformat())
    if is_dataclass(value) and not isinstance(value, type):
        return _canonical({f.name: getattr(value, f.name) for f in fields(value)})
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"payload keys must be strings: {list(value)!r}")
        pairs = (f"{json.dumps(k, ensure_ascii=False)}:{_canonical(value[k])}" for k in sorted(value))
        return "{" + ",".join(pairs) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    if isinstance(value, set | frozenset):
        return "[" + ",".join(sorted(_canonical(v) for v in value)) + "]"
    raise TypeError(f"no digest for a {type(value).__name__} in a payload")


def payload_digest(payload: object) -> str:
    """The digest a confirmation's key is bound to: sha256 (hex) over the canonical JSON of its inputs (legs, lot,
    quantity, location, reason, reference, approver…). Both posting paths use it, so a key digests alike on
    either; a quantity digests by its value (5 and 5.000 are the same confirmation)."""
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()


def moves_payload(legs: list[Leg], reason: str | None, reference: str | None) -> dict:
    """What a posted set of legs is, for its key's digest: the legs themselves, the reason and the reference."""
    return {"legs": legs, "reason": reason, "reference": reference}


def stock_error(exc: DBAPIError) -> LinesideError | None:
    """The server's guarded update refused (SQLSTATE LS001): the translated error, naming the bin and the item;
    or a serial would be on hand twice (LS002, checked at commit); or the confirmation's key was already used for
    something else (LS003)."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == SERIAL_ELSEWHERE:
        return Conflict("Serial {serial} is already on hand elsewhere", serial=serial_of(str(orig)))
    if getattr(orig, "sqlstate", None) == KEY_REUSED:
        return KeyReused()
    if getattr(orig, "sqlstate", None) != INSUFFICIENT:
        return None
    return InsufficientStock(**json.loads(orig.diag.message_detail or "{}"))


# Balances and movements in one statement (migration 0008): a guarded UPDATE (`qty + dq >= reserved + dr`) for
# what leaves a balance, an upsert for what arrives, balance rows in the fixed order (location, item, lot, status)
# so that concurrent terminals never deadlock, an emptied row removed, one movement row per leg.
_APPLY = text(
    "SELECT ledger_apply(:kind, CAST(:item AS bigint[]), CAST(:lot AS bigint[]), CAST(:qty AS numeric[]),"
    " CAST(:src AS bigint[]), CAST(:src_status AS text[]), CAST(:dst AS bigint[]), CAST(:dst_status AS text[]),"
    " CAST(:src_res AS numeric[]), CAST(:dst_res AS numeric[]), :op, :terminal, :reason, :reference, :key)"
)
# A whole plain move as one statement and one transaction: key, legs, dead-stock alert, result, audit row.
_POST = (
    "SELECT ledger_post(%s, %s, %s, %s::bigint[], %s::bigint[], %s::numeric[], %s::bigint[], %s::text[],"
    " %s::bigint[], %s::text[], %s, %s, %s, %s, %s)"
)


def _plain(kind: str, leg: Leg) -> bool:
    """A bin-to-bin move or a pick to the line (reservation and all): no total or status changes."""
    return (kind in PLAIN_MOVES and leg.from_location_id is not None and leg.to_location_id is not None
            and leg.from_status == leg.to_status)


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
    _check_kind(kind)
    validate(legs)
    item, lot, qty, src, src_status, dst, dst_status = _arrays(legs)
    try:
        session.execute(_APPLY, {
            "kind": kind, "item": item, "lot": lot, "qty": qty, "src": src, "src_status": src_status, "dst": dst,
            "dst_status": dst_status, "src_res": [leg.from_reserved for leg in legs],
            "dst_res": [leg.to_reserved for leg in legs], "op": actor.operator_id, "terminal": actor.terminal,
            "reason": reason, "reference": reference, "key": key})
    except DBAPIError as exc:
        refused = stock_error(exc)
        if refused is None:
            raise
        raise refused from None
    # What the alert rules must look at again. A plain move only clears "dead stock" (which any movement clears);
    # a putaway (dock -> storage) makes stock free, a receipt adds to a total, and so on: the full rules.
    for leg in legs:
        session.info.setdefault("moved_items" if _plain(kind, leg) else "touched_items", set()).add(leg.item_id)
    return len(legs)


@dataclass(frozen=True)
class Applied:
    """What `apply_selected` wrote: legs (movement rows), their total quantity, the items, and the destination
    balances they reached."""

    legs: int
    qty: Decimal
    items: list[int]
    targets: int


# The legs a query selects, through ledger_apply as arrays: one statement and one round trip for any number of
# legs. Zero rows: ledger_apply gets empty arrays and writes nothing.
_APPLY_SELECTED = """
    WITH leg AS MATERIALIZED ({legs})
    SELECT coalesce(ledger_apply(CAST(:kind AS text),
               coalesce(array_agg(item_id), '{{}}'), coalesce(array_agg(lot_id), '{{}}'),
               coalesce(array_agg(qty), '{{}}'), coalesce(array_agg(from_location_id), '{{}}'),
               coalesce(array_agg(CAST(from_status AS text)), '{{}}'), coalesce(array_agg(to_location_id), '{{}}'),
               coalesce(array_agg(CAST(to_status AS text)), '{{}}'), NULL, NULL, :op, :terminal, :reason,
               :reference, :key), 0) AS legs,
           coalesce(sum(qty), 0) AS qty, coalesce(array_agg(DISTINCT item_id), '{{}}') AS items,
           count(DISTINCT (to_location_id, item_id, coalesce(lot_id, 0), to_status))
             FILTER (WHERE to_location_id IS NOT NULL) AS targets
    FROM leg
"""


def apply_selected(
    session: Session,
    actor: Actor,
    kind: str,
    legs_sql: str,
    params: dict,
    *,
    key: str | None = None,
    reason: str | None = None,
    reference: str | None = None,
) -> Applied:
    """`apply_legs` for legs a query selects (columns item_id, lot_id, qty, from_location_id, from_status,
    to_location_id, to_status; every qty > 0; no reservations moved), set-based in one statement.

    The query should lock the source balances it reads (FOR UPDATE, in key order) so what it read is what moves.
    """
    _check_kind(kind)
    try:
        row = session.execute(text(_APPLY_SELECTED.format(legs=legs_sql)), {
            **params, "kind": kind, "op": actor.operator_id, "terminal": actor.terminal, "reason": reason,
            "reference": reference, "key": key}).one()
    except DBAPIError as exc:
        refused = stock_error(exc)
        if refused is None:
            raise
        raise refused from None
    session.info.setdefault("touched_items", set()).update(row.items)  # the full rules: totals or statuses changed
    return Applied(row.legs, row.qty, list(row.items), row.targets)


def claim_key(session: Session, actor: Actor, key: str, kind: str, digest: str) -> dict | None:
    """Claim an idempotency key for this operator, kind and payload digest; returns the stored result when the
    same confirmation was already applied. KeyReused when the key was used by another operator, for another kind
    or with another payload.

    A concurrent transaction with the same key waits on the primary key until the first commits,
    then sees it — so two deliveries of one scan can never both take effect.
    """
    try:
        return session.execute(text("SELECT ledger_claim(:k, :kind, :op, :t, :d, NULL)"),  # core/sql/ledger_claim.sql
                               {"k": key, "kind": kind, "op": actor.operator_id, "t": actor.terminal,
                                "d": digest}).scalar()
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == KEY_REUSED:
            raise KeyReused() from None
        raise


def run_operation(
    db: Database,
    actor: Actor,
    *,
    key: str,
    kind: str,
    permission: str,
    payload: object,
    body: Callable[[Session], dict],
    audit_entity: str = "stock",
    audit_key: str | None = None,
    reason: str | None = None,
) -> OperationResult:
    """One operator action = one transaction: permission, idempotency, body, audit, commit; retried on conflict.

    `payload` is the confirmation's inputs (what the operator scanned, typed and chose): the key is bound to its
    digest, so the same key with another payload is refused (KeyReused) instead of answered with the first result.
    """
    require(actor, permission)
    if not key:
        raise InvalidInput("Missing idempotency key")
    digest = payload_digest(payload)

    def attempt() -> OperationResult:
        with db.uow() as uow:
            stored = claim_key(uow.session, actor, key, kind, digest)
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
            audit.record(uow.session, actor, kind, audit_entity, audit_key or key, new=data, reason=reason,
                         operation=(key, json.dumps(data)))  # the operation's result and its audit row at once
            uow.commit()
            return OperationResult(key=key, data=data)

    return retrying(attempt)


def post_on_server(db: Database, actor: Actor, kind: str, legs: list[Leg], *, key: str, reason: str | None = None,
                   reference: str | None = None, permission: str = "stock.move") -> OperationResult:
    """A plain move whole in the server, one round trip (`ledger_post`): the same rows as `post_in_session`."""
    require(actor, permission)
    if not key:
        raise InvalidInput("Missing idempotency key")
    validate(legs)
    digest = payload_digest(moves_payload(legs, reason, reference))
    params = (key, kind, digest, *_arrays(legs), actor.operator_id, actor.badge, actor.terminal, reason, reference)

    def attempt() -> OperationResult:
        for tries in range(3):
            try:
                (posted,) = db.call(_POST, params)
                return OperationResult(key=key, data=posted["result"] or {}, replayed=posted["replayed"])
            except DBAPIError as exc:
                refused = stock_error(exc)
                if refused is not None:
                    raise refused from None
                if not exc.connection_invalidated or tries == 2:
                    raise
                # A pooled connection the server dropped (a restart): again on a new one. The key makes a
                # second try safe even when the first one committed before its answer was lost.
        raise AssertionError("unreachable")

    return retrying(attempt)


def post_in_session(db: Database, actor: Actor, kind: str, legs: list[Leg], *, key: str, reason: str | None = None,
                    reference: str | None = None, permission: str = "stock.move") -> OperationResult:
    """Legs as a unit of work (`run_operation`): alert rules re-evaluated for what they touched."""

    def body(session: Session) -> dict:
        n = apply_legs(session, actor, kind, legs, key=key, reason=reason, reference=reference)
        return {"kind": kind, "legs": n, "qty": sum((leg.qty for leg in legs), ZERO)}  # ledger_post's shape too

    return run_operation(db, actor, key=key, kind=kind, permission=permission,
                         payload=moves_payload(legs, reason, reference), body=body, reason=reason, audit_key=reference)


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
    """Post a set of legs as one confirmed operation.

    Plain moves without reservations (bin to bin) go to the server whole, in one round trip; they touch no alert
    rule but dead stock. Anything else runs as a unit of work that re-evaluates what it touched. Either way the
    key is bound to the legs, the reason and the reference (`moves_payload`): they are the whole confirmation.
    """
    plain = legs and all(_plain(kind, leg) and not leg.from_reserved and not leg.to_reserved for leg in legs)
    post = post_on_server if plain else post_in_session
    return post(db, actor, kind, legs, key=key, reason=reason, reference=reference, permission=permission)
