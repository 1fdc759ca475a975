"""What the inbound screens show of a pallet (SSCC): where it is or goes, and each lot on it."""

from __future__ import annotations

from rich.text import Text

from console.screens.inbound_panels import label
from console.words import qty_text, status_text
from core.i18n import N_, _, ngettext
from core.scan import parse_gs1

MAX_LOTS = 5  # at 80x24 under the PO panel


def is_sscc(value: str) -> bool:
    """True when a scan is an SSCC ((00) alone): a pallet label, not an item's."""
    gs1 = parse_gs1(value)
    return gs1 is not None and gs1.sscc is not None and gs1.gtin is None and gs1.lot is None


def pallet_panel(done, heading: str) -> Text:
    """`heading` (a msgid: Pallet received, Put it in, …) with the pallet's location, then its lots."""
    text = Text()
    label(text, N_("Pallet"), done.sscc).append("  ")
    label(text, heading, done.location, "bold reverse green")
    for lot in done.lots[:MAX_LOTS]:
        text.append(f"\n  {lot.sku:<10} ", style="bold")
        label(text, "Lot", f"{lot.lot:<12}", "").append("  ")
        label(text, "Qty", f"{qty_text(lot.qty):>7}", "bold").append("  ")
        text.append(status_text(lot.status), style="bold yellow" if lot.status != "available" else "dim")
    if len(done.lots) > MAX_LOTS:
        more = len(done.lots) - MAX_LOTS
        text.append("\n  " + ngettext("… {n} more lot", "… {n} more lots", more).format(n=more), style="dim")
    return text


def received_line(done) -> str:
    """Pallet 006… received on RCV-R: 2 lots, 40 in all."""
    return ngettext("Pallet {sscc} received on {location}: {n} lot, {qty} in all",
                    "Pallet {sscc} received on {location}: {n} lots, {qty} in all", len(done.lots)).format(
        sscc=done.sscc, location=done.location, n=len(done.lots), qty=qty_text(done.qty))


def moved_line(done) -> str:
    """Pallet 006… put in R-01: 2 lots, 40 in all."""
    return ngettext("Pallet {sscc} put in {location}: {n} lot, {qty} in all",
                    "Pallet {sscc} put in {location}: {n} lots, {qty} in all", len(done.lots)).format(
        sscc=done.sscc, location=done.location, n=len(done.lots), qty=qty_text(done.qty))


def broken_line(done) -> str:
    return _("Pallet {sscc} broken down: its lots move alone").format(sscc=done.sscc)
