"""What the production screens (picking, issue, output, work orders) share: quantities, scans, tables, reasons."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rich.text import Text
from textual.widgets import DataTable

from core.errors import InvalidInput
from core.i18n import _
from core.scan import ScanResult
from core.services import picking

ENTER_ACCEPT = ("Enter", "Accept")
SHORT_PICK = ("F2", "Short pick")
APPROVAL = ("F2", "Supervisor approval")
REPRINT = ("F4", "Reprint label")

# (code the service records, msgid shown in the list)
_SHORT_LABELS = {"not_found": "Not found in the bin", "damaged": "Damaged", "less": "Less than the system says",
                 "other": "Other"}
SHORT_REASONS = [(code, _SHORT_LABELS[code]) for code in picking.SHORT_REASONS]
OVER_ISSUE_REASONS = [("extra_scrap", "Extra scrap on the line"), ("damaged", "Damaged material"),
                      ("rework", "Rework"), ("other", "Other")]
STATES = ("planned", "released", "in_progress", "completed", "closed", "cancelled")
KIT_STYLES = {"kitted": "green", "kittable": "yellow", "short": "bold red"}


def qty_text(value) -> str:
    """12, 0.5 — the base unit's count without trailing zeros."""
    return format(Decimal(value).normalize(), "f")


def state_text(state: str) -> str:
    """A work order's state in the operator's language (`in_progress` reads "in progress" in English)."""
    return _(state).replace("_", " ")


def parse_qty(value: str) -> Decimal:
    """A typed quantity (>= 0, finite), or InvalidInput with the value shown."""
    try:
        qty = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput("Not a quantity: {value}", value=value) from None
    if not qty.is_finite() or qty < 0:
        raise InvalidInput("Not a quantity: {value}", value=value)
    return qty


def reason_lines(reasons: list[tuple[str, str]]) -> Text:
    """The numbered reason list, in the operator's language."""
    lines = Text()
    for n, (_code, msgid) in enumerate(reasons, 1):
        lines.append(f"  {n} ", style="bold reverse")
        lines.append(f"  {_(msgid)}\n")
    return lines


def pick_reason(reasons: list[tuple[str, str]], value: str) -> str:
    """The reason code a typed number chooses, or InvalidInput."""
    value = value.strip()
    if not value.isdigit() or not 1 <= int(value) <= len(reasons):
        raise InvalidInput("No choice {key}", key=value)
    return reasons[int(value) - 1][0]


def require_work_order(scan: ScanResult) -> str:
    """The work order number a scan names, or a one-line refusal."""
    if scan.kind != "work_order":
        raise InvalidInput("Not a work order: {scan}", scan=scan.raw)
    return scan.code


def material_of(scan: ScanResult, tracking: str) -> tuple[str | None, str | None]:
    """(lot, sku) a scan names for a component: a lot (label or number) or, when untracked, its SKU or GTIN."""
    if scan.kind == "lot" or (scan.kind == "gs1" and scan.lot):
        return scan.lot, scan.sku
    if scan.kind == "item" or (scan.kind == "gs1" and scan.sku):
        if tracking != "none":
            raise InvalidInput("{sku} is lot-tracked: scan the lot", sku=scan.sku)
        return None, scan.sku
    if scan.kind == "gs1" and scan.gtin:
        raise InvalidInput("Not found: {what}", what=scan.gtin)
    raise InvalidInput("Not a lot or an item: {scan}", scan=scan.raw)


def fill_table(table: DataTable, columns: list[tuple[str, bool]], rows: list[list]) -> None:
    """Replace a table: (column msgid, numeric) headers in the current language, numbers right-aligned."""
    table.clear(columns=True)
    for label, numeric in columns:
        table.add_column(Text(_(label), justify="right" if numeric else "left"))
    for row in rows:
        table.add_row(*[Text(qty_text(v), justify="right") if numeric and v is not None and not isinstance(v, Text)
                        else (v if isinstance(v, Text) else Text("" if v is None else str(v)))
                        for v, (_label, numeric) in zip(row, columns, strict=True)])

