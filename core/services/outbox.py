"""The transactional outbox: integration events written in the same transaction as the change."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.services.audit import jsonable

EVENT_TYPES = ("receipt.posted", "putaway.confirmed", "shortage.raised", "workorder.completed",
               "shipment.posted", "recall.raised", "stock.adjusted")


def emit(session: Session, event_type: str, aggregate: str, data: dict, warehouse: str | None = None) -> None:
    """Queue one event; `lineside relay` publishes it after commit (at least once, in id order)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    session.execute(
        text("INSERT INTO outbox (event_id, type, aggregate, occurred_at, warehouse, data)"
             " VALUES (gen_random_uuid(), :t, :a, :at, :w, CAST(:d AS jsonb))"),
        {"t": event_type, "a": aggregate, "at": datetime.now(UTC), "w": warehouse,
         "d": json.dumps(jsonable(data), ensure_ascii=False)},
    )
