"""How the console writes quantities and vocabulary, and reads a typed quantity: one definition for every screen."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from core.errors import InvalidInput
from core.i18n import N_, _


def qty_text(value: object) -> str:
    """12, 0.5 — a quantity as the base unit counts it, without trailing zeros."""
    return format(Decimal(str(value)).normalize(), "f")


def parse_qty(value: str, *, zero: bool = False) -> Decimal:
    """A typed quantity (12, 0.5): finite, not negative, and not zero unless `zero`; else InvalidInput.

    A comma is refused, never read as a decimal point: `2,5` could be 25 or 2.5.
    """
    typed = value.strip()
    try:
        qty = Decimal(typed)
    except InvalidOperation:
        raise InvalidInput(N_("Not a quantity: {value}"), value=typed) from None
    if not qty.is_finite() or qty < 0 or (qty == 0 and not zero):
        raise InvalidInput(N_("Not a quantity: {value}"), value=typed)
    return qty


def status_text(status: str) -> str:
    """A stock status in the operator's language (`qc_hold` reads "QC hold")."""
    return _(STATUS_LABELS.get(status, status))


def state_text(state: str) -> str:
    """A work order's state in the operator's language (`in_progress` reads "in progress")."""
    return _(STATE_LABELS.get(state, state))


STATUS_LABELS = {"available": N_("available"), "qc_hold": N_("QC hold"), "rejected": N_("rejected"),
                 "blocked": N_("blocked")}
STATE_LABELS = {"planned": N_("planned"), "released": N_("released"), "in_progress": N_("in progress"),
                "completed": N_("completed"), "closed": N_("closed"), "cancelled": N_("cancelled")}
