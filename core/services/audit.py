"""The audit trail: who, what, when, where and why, each row SHA-256 chained to the previous one."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.permissions import Actor

GENESIS = "0" * 64
AUDIT_LOCK = 42424203


def jsonable(value):
    """Plain JSON types only, so the hash of what we store is the hash of what we read back."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row_hash(prev_hash: str, fields: dict) -> str:
    payload = json.dumps(jsonable(fields), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _fields(at, operator_id, badge, terminal, action, entity, entity_key, reason, old, new) -> dict:
    return {
        "at": at.astimezone(UTC).isoformat(),
        "operator_id": operator_id,
        "badge": badge,
        "terminal": terminal,
        "action": action,
        "entity": entity,
        "entity_key": entity_key,
        "reason": reason,
        "old": old,
        "new": new,
    }


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    entity: str,
    entity_key: str | None = None,
    *,
    old: dict | None = None,
    new: dict | None = None,
    reason: str | None = None,
    terminal: str | None = None,
) -> None:
    """Append one audit row in the caller's transaction (call it last: it serialises on the chain head)."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_LOCK})
    prev = session.execute(text("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")).scalar() or GENESIS
    at = datetime.now(UTC)
    old, new = jsonable(old), jsonable(new)
    operator_id = actor.operator_id if actor else None
    badge = actor.badge if actor else None
    term = terminal or (actor.terminal if actor else "unknown")
    digest = row_hash(prev, _fields(at, operator_id, badge, term, action, entity, entity_key, reason, old, new))
    session.execute(
        text(
            "INSERT INTO audit_log (at, operator_id, badge, terminal, action, entity, entity_key, reason,"
            " old, new, prev_hash, hash) VALUES (:at, :op, :badge, :term, :action, :entity, :key, :reason,"
            " CAST(:old AS jsonb), CAST(:new AS jsonb), :prev, :hash)"
        ),
        {
            "at": at, "op": operator_id, "badge": badge, "term": term, "action": action, "entity": entity,
            "key": entity_key, "reason": reason, "old": json.dumps(old) if old is not None else None,
            "new": json.dumps(new) if new is not None else None, "prev": prev, "hash": digest,
        },
    )


@dataclass(frozen=True)
class ChainBreak:
    id: int
    problem: str


def verify_chain(session: Session, batch: int = 5000) -> list[ChainBreak]:
    """Recompute every hash in id order; return where the chain breaks (empty = verified)."""
    breaks: list[ChainBreak] = []
    prev, last_id = GENESIS, 0
    while True:
        rows = session.execute(
            text(
                "SELECT id, at, operator_id, badge, terminal, action, entity, entity_key, reason, old, new,"
                " prev_hash, hash FROM audit_log WHERE id > :last ORDER BY id LIMIT :n"
            ),
            {"last": last_id, "n": batch},
        ).all()
        if not rows:
            return breaks
        for r in rows:
            if r.prev_hash != prev:
                breaks.append(ChainBreak(r.id, "prev_hash does not match the previous row"))
            fields = _fields(r.at, r.operator_id, r.badge, r.terminal, r.action, r.entity, r.entity_key,
                             r.reason, r.old, r.new)
            if row_hash(r.prev_hash, fields) != r.hash:
                breaks.append(ChainBreak(r.id, "hash does not match the row's content"))
            prev, last_id = r.hash, r.id
