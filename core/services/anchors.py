"""Anchors: the audit chain's head recorded outside the database (LINESIDE_HOME/audit-anchors.jsonl).

Whoever holds the owner's credentials can re-seal the chain or cut it short and leave it verifying; they cannot
reach back into this file, least of all once it is copied off the machine. `lineside check` holds the chain to
every anchor recorded for it (`hold`). Each line names its chain (audit_head.chain_id) and the database, so the
anchors of other databases on the same machine are never confused with this one's.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.config import settings
from core.db import Database
from core.errors import AuditChainBroken
from core.permissions import Actor, require
from core.services import outbox
from core.services.audit import verify_chain

log = logging.getLogger(__name__)
FILE_NAME = "audit-anchors.jsonl"


@dataclass(frozen=True)
class Anchor:
    """The chain's head as recorded: the newest committed audit row's id (seq) and hash."""

    seq: int
    hash: str
    at: datetime

    def json(self) -> dict:
        """The contract's document: {"seq", "hash", "at"}."""
        return {"seq": self.seq, "hash": self.hash, "at": self.at.isoformat()}


def anchors_file(home: Path | None = None) -> Path:
    """Where anchors are recorded: LINESIDE_HOME/audit-anchors.jsonl."""
    return (home or settings().home) / FILE_NAME


def read(path: Path) -> list[dict]:
    """Every well-formed line of the file (none when there is no file)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    lines = []
    for line in raw.splitlines():
        try:
            rec = json.loads(line)
            if isinstance(rec.get("seq"), int) and isinstance(rec.get("hash"), str):
                lines.append(rec)
        except (ValueError, AttributeError):
            log.warning("unreadable line in %s skipped", path)
    return lines


def identity(session: Session) -> tuple[str | None, str]:
    """(the chain's id, the database's name): what an anchor line is recorded under."""
    row = session.execute(text("SELECT (SELECT CAST(chain_id AS text) FROM audit_head WHERE id = 1) AS chain,"
                               " current_database() AS database")).one()
    return row.chain, row.database


def since_restore(lines: list[dict], database: str) -> list[dict]:
    """This database's lines from its latest restore on (`lineside restore` writes a line marked "restored": the
    database was deliberately set back to a backup, so what was anchored before it no longer binds)."""
    mine = [rec for rec in lines if rec.get("database") == database]
    restores = [i for i, rec in enumerate(mine) if rec.get("restored")]
    return mine[restores[-1]:] if restores else mine


def _latest(lines: list[dict], chain: str | None, database: str) -> dict | None:
    mine = [rec for rec in since_restore(lines, database) if rec.get("chain") == chain]
    return max(mine, key=lambda rec: rec["seq"]) if mine else None


def _append(path: Path, record: dict) -> None:
    """One line, one write(2) with O_APPEND (several processes append to one file safely), then fsync."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if os.write(fd, line) != len(line):
            raise OSError(f"short write to {path}")
        os.fsync(fd)
    finally:
        os.close(fd)


def anchor(db: Database, actor: Actor | None = None, *, home: Path | None = None, terminal: str | None = None,
           only_if_moved: bool = False) -> Anchor:
    """Record the chain's head outside the database and queue `audit.anchored`.

    The head is read in one snapshot, so it is a committed row. The chain from the latest anchor on is verified
    first: a chain broken since is refused (AuditChainBroken), never anchored. `only_if_moved` (the periodic
    anchor): nothing is recorded while the head is where the latest anchor left it.
    """
    if actor is not None:
        require(actor, "check.run")
    path = anchors_file(home)
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin(), Session(bind=conn) as session:
            conn.execute(text("SET TRANSACTION READ ONLY"))
            chain, database = identity(session)
            latest = _latest(read(path), chain, database)
            breaks = verify_chain(session, (latest["seq"], latest["hash"]) if latest and latest["seq"] else None)
            if breaks or chain is None:
                raise AuditChainBroken(id=breaks[0].id if breaks else 0)
            head = session.execute(text("SELECT last_id, hash FROM audit_head WHERE id = 1")).one()
    if only_if_moved and latest and latest["seq"] == head.last_id:
        return Anchor(latest["seq"], latest["hash"], datetime.fromisoformat(latest["at"]))
    done = Anchor(head.last_id, head.hash, datetime.now(UTC))
    with db.uow() as uow:  # the event only with the line: written first, committed after the line is on disk
        outbox.emit(uow.session, "audit.anchored", "audit",
                    {**done.json(), "database": database, "terminal": terminal or settings().terminal})
        _append(path, {**done.json(), "chain": chain, "database": database})
        uow.commit()
    return done


def restored(session: Session, path: Path) -> dict:
    """Record that this database was just restored from a backup: a line holding its restored head and marked
    "restored", from which on `hold` and `anchor` go (the anchors before it were of the history replaced)."""
    chain, database = identity(session)
    head = session.execute(text("SELECT last_id, hash FROM audit_head WHERE id = 1")).one()
    record = {"seq": head.last_id, "hash": head.hash, "at": datetime.now(UTC).isoformat(), "chain": chain,
              "database": database, "restored": True}
    _append(path, record)
    return record


def hold(session: Session, path: Path) -> list[dict]:
    """What breaks the anchors recorded for this database: an anchored row gone or with another hash, the head
    below the latest anchor, or anchors of this database's name under another chain (a chain replaced)."""
    chain, database = identity(session)
    mine = since_restore(read(path), database)
    problems = [{"seq": rec["seq"], "anchored_at": rec.get("at"), "problem": "anchored under another chain id"}
                for rec in mine if rec.get("chain") != chain]
    at = {(rec["seq"], rec["hash"]): rec.get("at") for rec in mine if rec.get("chain") == chain and rec["seq"] > 0}
    held = sorted(at)
    if not held:
        return problems
    rows = session.execute(text("""
        SELECT a.seq, a.hash, l.hash AS found
        FROM unnest(CAST(:seqs AS bigint[]), CAST(:hashes AS text[])) AS a(seq, hash)
        LEFT JOIN audit_log l ON l.id = a.seq WHERE l.hash IS DISTINCT FROM a.hash ORDER BY a.seq"""),
        {"seqs": [s for s, _h in held], "hashes": [h for _s, h in held]}).all()
    problems += [{"seq": r.seq, "anchored_at": at[(r.seq, r.hash)],
                  "problem": "the anchored row is gone" if r.found is None else "the anchored row's hash differs"}
                 for r in rows]
    head = session.execute(text("SELECT last_id FROM audit_head WHERE id = 1")).scalar()
    newest = held[-1][0]
    if head is None or head < newest:
        problems.append({"seq": newest, "anchored_at": at[held[-1]],
                         "problem": "the chain head is below the latest anchor"})
    return problems



class Periodic:
    """The anchor a long-running process (a console, a relay) takes every `minutes`: `tick()` when it is due.

    Nothing is recorded while the head stays at the latest anchor; a failure (the database away, a broken chain)
    is logged and tried again at the next interval, never raised into the loop that ticks.
    """

    def __init__(self, db: Database, minutes: float, *, home: Path | None = None, terminal: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.db, self.home, self.terminal, self.clock = db, home, terminal, clock
        self.every = max(0.0, minutes * 60)
        self.next = clock() + self.every

    def due(self) -> bool:
        """Whether the interval has passed since the last tick (or the start)."""
        return self.clock() >= self.next

    def tick(self) -> Anchor | None:
        """Anchor if due; the anchor taken (or standing), None when not due or when it failed."""
        if not self.due():
            return None
        self.next = self.clock() + self.every
        try:
            return anchor(self.db, home=self.home, terminal=self.terminal, only_if_moved=True)
        except Exception:  # noqa: BLE001 — the loop that ticks must go on; the next interval tries again
            log.warning("audit chain not anchored", exc_info=True)
            return None
