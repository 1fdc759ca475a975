"""Units of measure: a unit that counts pieces is counted in whole numbers everywhere."""

from __future__ import annotations

from decimal import Decimal

from core.errors import InvalidInput
from core.i18n import N_

# The spellings of "each" a plant's item master uses (ERP exports, GS1, Chinese masters).
PIECE_UNITS = frozenset({"EA", "EACH", "PC", "PCS", "PCE", "PIECE", "PIECES", "ST", "STK", "UNIT", "UNITS", "件",
                         "个", "只", "台", "片"})


def is_piece(uom: str | None) -> bool:
    """True when the unit counts pieces (EA and its spellings)."""
    return (uom or "").strip().upper() in PIECE_UNITS


def require_whole(qty: Decimal, uom: str | None, sku: str) -> Decimal:
    """The quantity, or InvalidInput when a piece unit would be split (2.5 EA)."""
    if is_piece(uom) and qty != qty.to_integral_value():
        raise InvalidInput(N_("{sku} is counted in whole {uom}: not {qty}"), sku=sku, uom=uom,
                           qty=format(qty.normalize(), "f"))
    return qty


def pieces_up(qty: Decimal, uom: str | None) -> Decimal:
    """A requirement in a piece unit rounded up to whole pieces (122.4 EA needs 123)."""
    return qty.to_integral_value(rounding="ROUND_CEILING") if is_piece(uom) else qty


def piece_units_sql(column: str) -> str:
    """A SQL condition that `column` (a uom) counts pieces: the same list as PIECE_UNITS, for set-based checks."""
    units = ", ".join("'" + u.replace("'", "''") + "'" for u in sorted(PIECE_UNITS))
    return f"upper(btrim(coalesce({column}, ''))) IN ({units})"


def require_whole_item(session, item_id: int, qty: Decimal) -> Decimal:
    """require_whole for an item known by id (its uom and SKU read here): one line at each posting service."""
    from sqlalchemy import text

    row = session.execute(text("SELECT uom, sku FROM item WHERE id = :i"), {"i": item_id}).first()
    return require_whole(qty, row.uom, row.sku) if row is not None else qty
