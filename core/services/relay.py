"""Outbox -> RabbitMQ: publisher confirms, at least once, in id order per aggregate, safe with several relays."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import pika
import pika.exceptions
import psycopg
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from core.db import Database
from core.services.anchors import Periodic

log = logging.getLogger(__name__)
EXCHANGE = "lineside.events"

# Rows another relay holds are skipped (SKIP LOCKED); an aggregate whose earlier event is held elsewhere is left
# for the next round, so one aggregate's events are never published out of order.
_CLAIM = text("SELECT id, event_id, type, aggregate, occurred_at, warehouse, data FROM outbox"
              " WHERE published_at IS NULL ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED")
_FIRST_UNPUBLISHED = text("SELECT aggregate, min(id) AS first_id FROM outbox WHERE published_at IS NULL"
                          " AND aggregate = ANY(:aggs) GROUP BY aggregate")


def body_of(row) -> bytes:
    """The contract's event body: {id, type, occurred_at, warehouse, data}."""
    return json.dumps({"id": str(row.event_id), "type": row.type, "occurred_at": row.occurred_at.isoformat(),
                       "warehouse": row.warehouse, "data": row.data}, ensure_ascii=False).encode()


def connect(amqp_url: str):
    """A channel with publisher confirms on the durable topic exchange."""
    conn = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = conn.channel()
    channel.confirm_delivery()
    channel.exchange_declare(EXCHANGE, exchange_type="topic", durable=True)
    return conn, channel


def publish_batch(db: Database, channel, batch: int = 200) -> int:
    """Publish what waits (one batch); marks rows published only after the broker confirmed each."""
    with db.uow() as uow:
        rows = uow.execute(_CLAIM, {"n": batch}).all()
        if not rows:
            return 0
        first = {r.aggregate: r.first_id for r in uow.execute(_FIRST_UNPUBLISHED,
                                                               {"aggs": list({r.aggregate for r in rows})})}
        mine: dict[str, int] = {}
        sent = []
        for row in rows:
            if row.aggregate not in mine:
                mine[row.aggregate] = row.id
            if first[row.aggregate] < mine[row.aggregate]:
                continue  # an earlier event of this aggregate is with another relay
            channel.basic_publish(
                EXCHANGE, row.type, body_of(row),
                pika.BasicProperties(content_type="application/json", delivery_mode=2, message_id=str(row.event_id),
                                     type=row.type, timestamp=int(row.occurred_at.timestamp())),
            )  # raises on nack with confirms on: the transaction rolls back and the event stays waiting
            sent.append(row.id)
        uow.execute(text("UPDATE outbox SET published_at = now() WHERE id = ANY(:ids)"), {"ids": sent})
        uow.commit()
        return len(sent)


@dataclass
class RelayStats:
    published: int = 0
    reconnects: int = 0


def run(db: Database, amqp_url: str, *, once: bool = False, stop: Callable[[], bool] = lambda: False,
        idle_wait: float = 1.0, anchoring: Periodic | None = None) -> RelayStats:
    """Publish until stopped (or, with once, until nothing waits); survives broker and database restarts.

    `anchoring`: the audit chain is anchored whenever that is due, with the broker there or not."""
    stats, backoff = RelayStats(), 0.5
    tick = anchoring.tick if anchoring is not None else lambda: None
    while not stop():
        tick()
        try:
            conn, channel = connect(amqp_url)
        except pika.exceptions.AMQPError as exc:
            if once:
                raise
            log.warning("broker unavailable (%s); retrying in %.1fs", exc, backoff)
            time.sleep(backoff)
            backoff, stats.reconnects = min(backoff * 2, 10), stats.reconnects + 1
            continue
        backoff = 0.5
        try:
            while not stop():
                tick()
                n = publish_batch(db, channel)
                stats.published += n
                if n == 0:
                    if once:
                        return stats
                    _wait_for_events(db, idle_wait)
                    conn.process_data_events(0)
        except (pika.exceptions.AMQPError, OperationalError, DBAPIError) as exc:
            if once:
                raise
            log.warning("relay interrupted (%s); resuming", exc)
            stats.reconnects += 1
            time.sleep(backoff)
        finally:
            with contextlib.suppress(Exception):  # the connection may already be gone
                conn.close()
    return stats


def _wait_for_events(db: Database, timeout: float) -> None:
    """Sleep until an outbox insert is committed (LISTEN lineside_outbox) or the timeout passes.

    A lost connection (the server restarting) just ends the wait; the next round reconnects. Through PgBouncer
    the LISTEN goes straight to PostgreSQL (`db.listen_url`): it needs a session of its own.
    """
    try:
        if db.pgbouncer:
            from core.services.live import Listener

            with Listener(db, "lineside_outbox") as listener:
                listener.wait(timeout)
            return
        with db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            raw.autocommit = True
            try:
                raw.execute("LISTEN lineside_outbox")
                for _ in raw.notifies(timeout=timeout, stop_after=1):
                    break
                raw.execute("UNLISTEN lineside_outbox")
            finally:
                raw.autocommit = False
    except (psycopg.Error, OperationalError, DBAPIError):
        time.sleep(timeout)
