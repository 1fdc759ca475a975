"""Reservation rows move with the stock: helpers shared by picking, issue and output."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.errors import Conflict

ZERO = Decimal(0)
_KEY = "work_order_id = :wo AND item_id = :item AND coalesce(lot_id, 0) = coalesce(CAST(:lot AS bigint), 0)" \
       " AND location_id = :loc"


def add(session: Session, wo_id: int, item_id: int, lot_id: int | None, location_id: int, qty: Decimal) -> None:
    """Add to the work order's reservation row at this key (the balance's reserved is the caller's business)."""
    if qty <= 0:
        return
    session.execute(
        text("INSERT INTO reservation (work_order_id, item_id, lot_id, location_id, qty)"
             " VALUES (:wo, :item, :lot, :loc, :q)"
             " ON CONFLICT (work_order_id, location_id, item_id, (coalesce(lot_id, 0)))"
             " DO UPDATE SET qty = reservation.qty + excluded.qty"),
        {"wo": wo_id, "item": item_id, "lot": lot_id, "loc": location_id, "q": qty},
    )


def take(session: Session, wo_id: int, item_id: int, lot_id: int | None, location_id: int, qty: Decimal) -> None:
    """Take `qty` off the work order's reservation row at this key; the row goes when it reaches zero."""
    if qty <= 0:
        return
    params = {"wo": wo_id, "item": item_id, "lot": lot_id, "loc": location_id, "q": qty}
    # One statement, one round trip: the row goes when exactly `qty` is left, else shrinks (the two conditions
    # exclude each other, so at most one of them touches the row).
    taken = session.execute(text(
        f"WITH gone AS (DELETE FROM reservation WHERE {_KEY} AND qty = :q RETURNING 1),"
        f" shrunk AS (UPDATE reservation SET qty = qty - :q WHERE {_KEY} AND qty > :q RETURNING 1)"
        " SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM shrunk)"), params).scalar()
    if not taken:
        raise Conflict(what="reservation")


def unreserve_balance(session: Session, item_id: int, lot_id: int | None, location_id: int, qty: Decimal) -> None:
    """Give reserved stock back to free stock at a balance (no movement: nothing physical moved)."""
    if qty <= 0:
        return
    done = session.execute(
        text("UPDATE stock_balance SET reserved = reserved - :q, updated_at = now() WHERE location_id = :loc"
             " AND item_id = :item AND coalesce(lot_id, 0) = coalesce(CAST(:lot AS bigint), 0)"
             " AND status = 'available' AND reserved >= :q RETURNING id"),
        {"q": qty, "loc": location_id, "item": item_id, "lot": lot_id},
    ).first()
    if done is None:
        raise Conflict(what="reservation")
