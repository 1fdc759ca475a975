"""Typed quantities on the flow screens: parse what the operator typed, show quantities without trailing zeros."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from core.errors import InvalidInput


def parse_qty(value: str, allow_zero: bool = False) -> Decimal:
    """A typed quantity (12, 0.5, 1,5); InvalidInput when it is not a number or not positive."""
    try:
        qty = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput("Type a quantity, not {value}", value=value.strip()) from None
    if not qty.is_finite() or qty < 0 or (qty == 0 and not allow_zero):
        raise InvalidInput("Type a quantity, not {value}", value=value.strip())
    return qty


def qty_text(value) -> str:
    """12, 0.5 — as the base unit counts it."""
    return format(Decimal(value).normalize(), "f")
