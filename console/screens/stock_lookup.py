"""Stock lookup (`9`): scan a location, an item (SKU/GTIN) or a lot and see what is there."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Static

from console.compact import Lines
from console.flow import FlowScreen, Step, handles
from console.services import Lookup
from console.words import qty_text, status_text
from core.i18n import N_, _

COLUMNS = (N_("Location"), N_("SKU"), N_("Lot"), N_("Status"), N_("Qty"), N_("Reserved"), N_("Expiry"))
NUMERIC = {"Qty", "Reserved"}
COMPACT_ROWS = 3  # the stock rows the RF gun shows at a time; PageUp/PageDown turn them
KIND_LABELS = {"location": N_("Location"), "item": N_("Item"), "lot": N_("Lot"), "gs1": N_("Label")}


class StockLookupScreen(FlowScreen):
    """One step: each scan replaces the table; Esc goes home."""

    TITLE_MSGID = N_("Stock lookup")
    BINDINGS = [
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
    ]
    STEPS = (Step("scan", N_("Scan a location, an item or a lot")),)

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.lookup: Lookup | None = None
        self.first = 0  # the first stock row the RF gun shows

    def compose_body(self):
        yield Static(id="summary")
        table = DataTable(id="stock", cursor_type="none", zebra_stripes=True)
        table.can_focus = False  # the scan field keeps the focus; PageUp/PageDown scroll the table
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        if self.initial_scan is not None:  # scanned on the home screen: already classified
            self.read(self.looked_up, self.app.services.lookup, self.app.actor, self.initial_scan)

    @handles("scan")
    def scanned_code(self, value: str) -> None:
        self.read(self.looked_up, self.app.services.lookup, self.app.actor, value)

    def looked_up(self, lookup: Lookup) -> None:
        self.lookup, self.first = lookup, 0
        self.go("scan")  # a look-up at another warehouse's bin never makes it the terminal's warehouse
        if not lookup.rows:
            self.message.info(lambda: _("Nothing on hand"))

    def draw(self, step: Step) -> None:
        """The summary and the table from the last lookup, in the current language."""
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
                row.location, row.sku, row.lot or "", status_text(row.status),
                Text(qty_text(row.qty), justify="right"), Text(qty_text(row.reserved), justify="right"),
                row.expiry.isoformat() if row.expiry else "",
            )

    def summary_text(self) -> Text:
        scan, rows = self.lookup.scan, self.lookup.rows
        what = scan.code or scan.lot or scan.sku or scan.gtin or scan.raw
        line = Text()
        line.append(f"{_(KIND_LABELS.get(scan.kind, N_('Scan')))} ", style="dim")
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

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: what was scanned and how much is on hand; one stock row in full, or a few a short line each
        (`4-6/7`, PageUp/PageDown for the others)."""
        lines = Lines()
        if self.lookup is None:
            return lines
        scan, rows = self.lookup.scan, self.lookup.rows
        what = scan.code or scan.lot or scan.sku or scan.gtin or scan.raw
        lines.add(KIND_LABELS.get(scan.kind, N_("Scan")), what)
        if scan.kind in ("lot", "gs1") and scan.sku and scan.sku != what:
            lines.pair(scan.sku)
        if len({r.sku for r in rows}) == 1:
            lines.add("On hand", qty_text(sum((r.qty for r in rows), Decimal(0))), style="bold green")
        if len(rows) == 1:
            r = rows[0]
            if scan.kind == "location":
                lines.pair(r.sku, r.lot)
            else:
                lines.add("Location", r.location)
                lines.add("Lot", r.lot if r.lot != what else "")
            lines.add("Reserved", qty_text(r.reserved) if r.reserved else "", style="")
            lines.add("Status", status_text(r.status), style="" if r.status == "available" else "bold yellow")
            lines.add("Expiry", r.expiry.isoformat() if r.expiry else "", style="")
            return lines
        shown = rows[self.first:self.first + COMPACT_ROWS]
        for r in shown:
            name = f"{r.sku} {r.lot or ''}" if scan.kind == "location" else f"{r.location} {r.lot or ''}"
            held = "" if r.status == "available" else " " + status_text(r.status)
            lines.pair(name.strip(), qty_text(r.qty) + held, style="")
        if len(rows) > COMPACT_ROWS:
            first, last = self.first + 1, self.first + len(shown)
            shown_rows = f"{first}-{last}" if last > first else f"{first}"
            lines.text(f"{shown_rows}/{len(rows)} PgUp PgDn", style="dim")
        return lines

    def action_page(self, direction: int) -> None:
        """Scroll the table a page without taking the focus from the scan field (the RF gun: its rows)."""
        if self.compact:
            rows = len(self.lookup.rows) if self.lookup else 0
            first = self.first + direction * COMPACT_ROWS
            if 0 <= first < rows:
                self.first = first
                self.redraw_compact()
            return
        table = self.query_one("#stock", DataTable)
        table.scroll_relative(y=direction * max(1, table.size.height - 2), animate=False)
