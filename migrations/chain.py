"""The audit chain as migrations see it: a migration that re-seals the chain (re-hashes it in another form)
verifies it in its current form first and refuses on a break, so a tampered chain is never laundered.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.errors import MigrationRefused

GENESIS = "0" * 64

# A row's hash in the server's forms: 0008-0016 (audit_hash), and from 0017 with the movements it covers.
FIELDS = "prev_hash, at, operator_id, badge, terminal, action, entity, entity_key, reason, old, new"
SEALED_0008 = f"audit_hash({FIELDS})"
SEALED_0017 = f"audit_cover(audit_hash({FIELDS}), movement_batch, movements)"


def first_break(conn, row_hash: str) -> int | None:
    """The first audit_log id where the chain breaks in the form `row_hash` (SQL over a row), or where the head
    no longer names the newest row (-1 with an empty chain); None when it verifies."""
    broken = conn.execute(sa.text(f"""
        SELECT id FROM (
          SELECT id, prev_hash IS DISTINCT FROM lag(hash, 1, :genesis) OVER (ORDER BY id) AS unlinked,
                 hash IS DISTINCT FROM {row_hash} AS altered
          FROM audit_log) r
        WHERE unlinked OR altered ORDER BY id LIMIT 1"""), {"genesis": GENESIS}).scalar()
    if broken is not None:
        return broken
    head = conn.execute(sa.text("SELECT last_id, hash FROM audit_head WHERE id = 1")).first()
    last = conn.execute(sa.text("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")).first()
    if head is None or (head.last_id, head.hash) != ((last.id, last.hash) if last else (0, GENESIS)):
        return last.id if last else -1
    return None


def refuse_unless_verified(conn, row_hash: str, doing: str) -> None:
    """MigrationRefused (nothing changed: the migration's transaction rolls back) unless the chain verifies."""
    broken = first_break(conn, row_hash)
    if broken is not None:
        raise MigrationRefused(reason=f"audit chain broken at audit_log id {broken}: not {doing};"
                                      " inspect it with `lineside check`")
