"""Orders from the ERP over RabbitMQ (queue lineside.inbound), applied with exactly the imports' validation.

A message is all or nothing (the import is one transaction), once per message_id (remembered in
inbound_message; the imports are idempotent upserts, so even a redelivery after a crash has one effect),
and a refused one goes to lineside.inbound.dead with the reason.
"""

from __future__ import annotations

import csv
import json
import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pika
import pika.exceptions
from sqlalchemy import text

from core.db import Database
from core.errors import LinesideError
from core.permissions import Actor
from core.services.anchors import Periodic

log = logging.getLogger(__name__)
QUEUE, DEAD = "lineside.inbound", "lineside.inbound.dead"
KINDS = ("work-orders", "purchase-orders", "sales-orders")


@dataclass
class InboundStats:
    applied: int = 0
    dead: int = 0
    duplicates: int = 0


class Refused(Exception):
    """A message that can never be applied as it is: it goes to the dead-letter queue with this reason."""


def _rows_to_csv(rows: list[dict], folder: Path) -> Path:
    columns: list[str] = []
    for row in rows:
        if not isinstance(row, dict):
            raise Refused("every row must be an object")
        columns.extend(c for c in row if c not in columns)
    path = folder / "rows.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return path


def apply_message(db: Database, actor: Actor, message_id: str, body: bytes) -> str:
    """Apply one inbound message; returns 'applied' or 'duplicate', raises Refused with the reason."""
    from core.services.imports import run_import

    if not message_id:
        raise Refused("message_id is required (it makes a redelivery harmless)")
    with db.uow() as uow:
        seen = uow.execute(text("SELECT outcome FROM inbound_message WHERE message_id = :m"), {"m": message_id}).first()
    if seen is not None:
        return "duplicate"
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(f"not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("kind") not in KINDS or not isinstance(doc.get("rows"), list):
        raise Refused(f'expected {{"kind": one of {", ".join(KINDS)}, "rows": [...]}}')
    if not doc["rows"]:
        raise Refused("no rows")
    with tempfile.TemporaryDirectory() as tmp:
        summary = run_import(db, actor, doc["kind"], _rows_to_csv(doc["rows"], Path(tmp)))
    if summary.errors:
        first = summary.errors[0]
        raise Refused(f"{len(summary.errors)} bad rows; row {first.row} {first.column}: {first.message}")
    _remember(db, message_id, doc["kind"], "applied", {"rows": summary.rows, "inserted": summary.inserted,
                                                       "updated": summary.updated}, None)
    return "applied"


def _remember(db: Database, message_id: str, kind: str, outcome: str, detail: dict | None, reason: str | None):
    with db.uow() as uow:
        uow.execute(text("INSERT INTO inbound_message (message_id, kind, received_at, outcome, detail, reason)"
                         " VALUES (:m, :k, :at, :o, CAST(:d AS jsonb), :r) ON CONFLICT (message_id) DO NOTHING"),
                    {"m": message_id, "k": kind or "-", "at": datetime.now(UTC), "o": outcome,
                     "d": json.dumps(detail) if detail else None, "r": reason})
        uow.commit()


def declare(channel) -> None:
    channel.queue_declare(QUEUE, durable=True)
    channel.queue_declare(DEAD, durable=True)


def handle(db: Database, actor: Actor, channel, method, props, body: bytes, stats: InboundStats) -> None:
    """Apply one delivery, dead-letter it if refused, then ack (never before the outcome is stored)."""
    message_id = props.message_id or ""
    try:
        outcome = apply_message(db, actor, message_id, body)
        stats.applied += outcome == "applied"
        stats.duplicates += outcome == "duplicate"
    except (Refused, LinesideError) as exc:
        reason = str(exc)
        channel.basic_publish("", DEAD, body, pika.BasicProperties(
            delivery_mode=2, content_type="application/json", message_id=message_id or None,
            headers={"x-lineside-reason": reason}))
        if message_id:
            _remember(db, message_id, "-", "dead", None, reason)
        stats.dead += 1
        log.warning("dead-lettered %s: %s", message_id, reason)
    channel.basic_ack(method.delivery_tag)


def consume(db: Database, actor: Actor, amqp_url: str, *, once: bool = False,
            stop: Callable[[], bool] = lambda: False, anchoring: Periodic | None = None) -> InboundStats:
    """Consume lineside.inbound until stopped (with once: until the queue is empty); reconnects on failure.

    `anchoring`: the audit chain is anchored whenever that is due, as the outbound relay does."""
    stats = InboundStats()
    tick = anchoring.tick if anchoring is not None else lambda: None
    while not stop():
        tick()
        try:
            conn = pika.BlockingConnection(pika.URLParameters(amqp_url))
            channel = conn.channel()
            channel.confirm_delivery()
            declare(channel)
            while not stop():
                tick()
                method, props, body = channel.basic_get(QUEUE, auto_ack=False)
                if method is None:
                    if once:
                        conn.close()
                        return stats
                    conn.process_data_events(time_limit=0.5)
                    continue
                handle(db, actor, channel, method, props, body, stats)
            conn.close()
        except pika.exceptions.AMQPError as exc:
            if once:
                raise
            log.warning("broker unavailable (%s); retrying", exc)
            time.sleep(1)
    return stats
