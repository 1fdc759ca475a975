"""Stock lookup (`9`): scan a location, an item (SKU/GTIN) or a lot and see what is there."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Static

from console.screens.base import FlowScreen
from console.services import Lookup
from core.i18n import _

COLUMNS = ("Location", "SKU", "Lot", "Status", "Qty", "Reserved", "Expiry")
NUMERIC = {"Qty", "Reserved"}
KIND_LABELS = {"location": "Location", "item": "Item", "lot": "Lot", "gs1": "Label"}


def qty_text(value: Decimal) -> str:
    """A quantity without trailing zeros (12, 0.5), as the base unit counts it."""
    return format(value.normalize(), "f")


class StockLookupScreen(FlowScreen):
    """One step: each scan replaces the table; Esc goes home."""

    TITLE_MSGID = "Stock lookup"
    BINDINGS = [
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
    ]

    def __init__(self, scan=None) -> None:
        super().__init__()
        self.initial_scan = scan
        self.lookup: Lookup | None = None

    def compose_body(self):
        yield Static(id="summary")
        table = DataTable(id="stock", cursor_type="none", zebra_stripes=True)
        table.can_focus = False  # the scan field keeps the focus; PageUp/PageDown scroll the table
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        if self.initial_scan is not None:
            self.call_service("stock", self.app.services.stock_for, self.app.actor, self.initial_scan)

    def translate(self) -> None:
        self.set_prompt("Scan a location, an item or a lot")
        self.show()

    def scanned(self, value: str) -> None:
        if value.strip():
            self.call_service("lookup", self.app.services.lookup, self.app.actor, value)

    def service_done(self, tag: str, value: object) -> None:
        self.lookup = value if tag == "lookup" else Lookup(self.initial_scan, value)
        scan = self.lookup.scan
        if scan.kind == "location" and scan.warehouse:
            self.app.warehouse = scan.warehouse  # the operator is standing in that warehouse
        self.show()
        if not self.lookup.rows:
            self.message.info(_("Nothing on hand"))

    def show(self) -> None:
        """Draw the summary and the table from the last lookup, in the current language."""
        table = self.query_one("#stock", DataTable)
        table.clear(columns=True)
        for column in COLUMNS:
            table.add_column(Text(_(column), justify="right" if column in NUMERIC else "left"), key=column)
        summary = self.query_one("#summary", Static)
        if self.lookup is None:
            summary.update("")
            return
        summary.update(self.summary_text())
        for row in self.lookup.rows:
            table.add_row(
                row.location, row.sku, row.lot or "", _(row.status),
                Text(qty_text(row.qty), justify="right"), Text(qty_text(row.reserved), justify="right"),
                row.expiry.isoformat() if row.expiry else "",
            )

    def summary_text(self) -> Text:
        scan, rows = self.lookup.scan, self.lookup.rows
        what = scan.code or scan.lot or scan.sku or scan.gtin or scan.raw
        line = Text()
        line.append(f"{_(KIND_LABELS.get(scan.kind, 'Scan'))} ", style="dim")
        line.append(what, style="bold")
        if scan.kind == "location" and scan.warehouse:
            line.append(f" · {scan.warehouse}")
        if scan.kind in ("lot", "gs1") and scan.sku and scan.sku != what:
            line.append(f" · {scan.sku}")
        skus = {r.sku for r in rows}
        if len(skus) == 1:
            line.append(f"   {_('On hand')} ", style="dim")
            line.append(qty_text(sum((r.qty for r in rows), Decimal(0))), style="bold")
        line.append(f"   {_('Rows: {n}').format(n=len(rows))}", style="dim")
        return line

    def action_page(self, direction: int) -> None:
        """Scroll the table a page without taking the focus from the scan field."""
        table = self.query_one("#stock", DataTable)
        table.scroll_relative(y=direction * max(1, table.size.height - 2), animate=False)
