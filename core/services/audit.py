"""The audit trail: who, what, when, where and why, each row SHA-256 chained to the previous one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.permissions import Actor

GENESIS = "0" * 64


def jsonable(value):
    """Plain JSON types only, so what we store is what we read back; decimals as their shortest exact text."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


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
    operation: tuple[str, str] | None = None,
) -> None:
    """Append one audit row in the caller's transaction; the server seals it into the chain (hash, prev_hash).

    Call it last: the seal locks the chain head until the transaction commits. `operation` (key, result JSON)
    stores an operation's result in the same statement (one round trip fewer for every posting).
    """
    old, new = jsonable(old), jsonable(new)
    finish = ("WITH done AS (UPDATE operation SET result = CAST(:result AS jsonb) WHERE key = :op_key RETURNING 1) "
              if operation else "")
    session.execute(
        text(finish + "SELECT audit_append(:at, :op, :badge, :term, :action, :entity, :key, :reason,"
             " CAST(:old AS jsonb), CAST(:new AS jsonb))"),  # core/sql/audit_append.sql, the one INSERT into audit_log
        {**({"op_key": operation[0], "result": operation[1]} if operation else {}),
            "at": datetime.now(UTC), "op": actor.operator_id if actor else None,
            "badge": actor.badge if actor else None,
            "term": terminal or (actor.terminal if actor else "unknown"), "action": action, "entity": entity,
            "key": entity_key, "reason": reason, "old": json.dumps(old) if old is not None else None,
            "new": json.dumps(new) if new is not None else None,
        },
    )


@dataclass(frozen=True)
class ChainBreak:
    id: int
    problem: str


def verify_chain(session: Session, since: tuple[int, str] | None = None) -> list[ChainBreak]:
    """Recompute every hash in id order, in SQL with the seal's own functions; where the chain breaks (empty = ok).

    Also the head: a newest row deleted behind the triggers' back leaves the head pointing past the table.
    `since` (an anchored row's id and hash): only the rows from it on, that row still bearing its hash.
    """
    seq, anchored = since or (0, GENESIS)
    rows = session.execute(
        text(
            """
            SELECT id, CASE WHEN id = :seq THEN hash IS DISTINCT FROM :anchored
                            ELSE prev_hash IS DISTINCT FROM lag(hash, 1, :genesis) OVER (ORDER BY id) END AS unlinked,
                   hash IS DISTINCT FROM audit_cover(audit_hash(prev_hash, at, operator_id, badge, terminal, action,
                                                                entity, entity_key, reason, old, new),
                                                     movement_batch, movements) AS altered
            FROM audit_log WHERE id >= :seq ORDER BY id
            """
        ),
        {"genesis": GENESIS, "seq": seq, "anchored": anchored},
    ).all()
    breaks: list[ChainBreak] = []
    if seq and (not rows or rows[0].id != seq):
        breaks.append(ChainBreak(seq, "the anchored row is gone"))
    for r in rows:
        if r.unlinked:
            breaks.append(ChainBreak(r.id, "the anchored row's hash differs" if r.id == seq
                                     else "prev_hash does not match the previous row"))
        if r.altered:
            breaks.append(ChainBreak(r.id, "hash does not match the row's content"))
    head = session.execute(text("SELECT last_id, hash FROM audit_head WHERE id = 1")).first()
    last = session.execute(text("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")).first()
    if head is None:
        breaks.append(ChainBreak(last.id if last else 0, "the chain head is gone"))
    elif (head.last_id, head.hash) != ((last.id, last.hash) if last else (0, GENESIS)):
        breaks.append(ChainBreak(head.last_id, "the chain head does not match the newest row"))
    return breaks
