"""Texts the inbound screens (receiving, putaway, QC) draw above the prompt: order, receipt, lot, reason lists."""

from __future__ import annotations

from rich.text import Text

from console.words import qty_text
from core.i18n import N_, _, ngettext

MAX_PO_LINES = 5  # at 80x24 the panel has room for the PO head, five lines and the receipt being built

RULES = {"quarantine": N_("quarantine"), "home": N_("home location"), "consolidate": N_("with the same item"),
         "empty": N_("empty location"), "room": N_("a location with room")}


def label(text: Text, msgid: str, value: str, style: str = "bold") -> Text:
    """Append `Label value` (label dim, in the operator's language)."""
    return text.append(f"{_(msgid)} ", style="dim").append(value, style=style)


def label_line(where: str) -> Text:
    """Where the last receipt's label went, on a line of its own."""
    return label(Text(), "Label", where, "green")


def po_panel(po, supplier: str | None) -> Text:
    """The order being received: PO and supplier, then its lines with what is still open."""
    text = Text()
    if po is None:
        if supplier:
            label(text, "Receipt without PO", "")
            label(text, "Supplier", supplier)
        return text
    label(text, "PO", po.po_number)
    text.append("  ")
    label(text, "Supplier", po.supplier)
    for ln in po.lines[:MAX_PO_LINES]:
        text.append(f"\n  {ln.line_no:>3} ", style="dim").append(f"{ln.sku:<14}", style="bold")
        label(text, "Ordered", f"{qty_text(ln.qty):>7}", "")
        text.append("  ")
        label(text, "Open", f"{qty_text(ln.open):>7}", "bold green" if ln.open else "dim")
    if len(po.lines) > MAX_PO_LINES:
        more = len(po.lines) - MAX_PO_LINES
        text.append("\n  " + ngettext("… {n} more line", "… {n} more lines", more).format(n=more), style="dim")
    return text


def receipt_panel(item, lot: str | None, expiry, qty, proposed_expiry=None) -> Text:
    """The receipt being built: item, then lot, expiry and quantity as far as they are known."""
    text = Text()
    if item is None:
        return text
    label(text, "Item", item.sku).append(f"  {item.name}")
    if item.qc_required:
        text.append("  " + _("QC"), style="bold yellow")
    text.append("\n")
    if item.tracking != "none":
        label(text, "Serial" if item.tracking == "serial" else "Lot", lot or "…", "bold" if lot else "dim")
        text.append("  ")
    if expiry or proposed_expiry:
        label(text, "Expiry", (expiry or proposed_expiry).isoformat(), "bold" if expiry else "dim")
        text.append("  ")
    label(text, "Qty", f"{qty_text(qty)} {item.uom}" if qty is not None else "…", "bold" if qty else "dim")
    return text
