"""The transactional outbox: integration events written in the same transaction as the change.

`insert_from` holds the one INSERT into the outbox, so every event passes the event-type check: `emit` for one
event, or composed into a set-based statement for events a query yields (a work order's shortages).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.services.audit import jsonable

EVENT_TYPES = ("receipt.posted", "putaway.confirmed", "shortage.raised", "workorder.completed",
               "shipment.posted", "recall.raised", "stock.adjusted", "operation.completed", "downtime.started",
               "downtime.ended", "nc.raised", "replenishment.requested", "audit.anchored")


def insert_from(event_type: str, source: str) -> str:
    """The outbox INSERT of one event per row of `source` (columns aggregate, occurred_at, warehouse, data jsonb).

    SQL to compose (a data-modifying CTE), so events raised by a set-based statement stay in that statement.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    return ("INSERT INTO outbox (event_id, type, aggregate, occurred_at, warehouse, data)"  # type: from the list
            f" SELECT gen_random_uuid(), '{event_type}', e.aggregate, e.occurred_at, e.warehouse, e.data"
            f" FROM ({source}) AS e")


_ONE = ("SELECT CAST(:a AS text) AS aggregate, CAST(:at AS timestamptz) AS occurred_at, CAST(:w AS text) AS warehouse,"
        " CAST(:d AS jsonb) AS data")


def emit(session: Session, event_type: str, aggregate: str, data: dict, warehouse: str | None = None) -> None:
    """Queue one event; `lineside relay` publishes it after commit (at least once, in id order)."""
    session.execute(
        text(insert_from(event_type, _ONE)),
        {"a": aggregate, "at": datetime.now(UTC), "w": warehouse, "d": json.dumps(jsonable(data), ensure_ascii=False)},
    )
