"""Home menu: type an entry's key then Enter, or scan a label to open the flow it belongs to."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from console import menu
from console.compact import Lines
from console.flow import LANGUAGE, LOG_OUT, FlowScreen, Step, handles
from core.errors import InvalidInput
from core.i18n import N_, _
from core.scan import ScanResult

ONE_COLUMN = 12  # entries that fit one a line at 80x24 with the prompt, the scan field and the keys
COLUMN = 28  # cells of a label in the left column
RF_COLUMN = 10  # cells of an entry in the RF-gun layout: key, space, a word of up to 8 cells


class HomeScreen(FlowScreen):
    """Only the flows that exist and that the operator's roles may use are offered."""

    TITLE_MSGID = N_("Main menu")
    HINTS = [LOG_OUT, LANGUAGE]
    STEPS = (Step("menu", N_("Type a menu key or scan a label, then Enter"), short=N_("Menu key or scan")),)

    def compose_body(self):
        yield Static(id="menu")

    def draw(self, step: Step) -> None:
        """The entries one a line; more than fit at 80x24 (a supervisor's) in two columns, down then across."""
        entries = menu.entries_for(self.app.actor)
        rows = (len(entries) + 1) // 2 if len(entries) > ONE_COLUMN else len(entries)
        lines = Text()
        for r in range(rows):
            for c, entry in enumerate(entries[r::rows]):
                label = _(entry.label)
                lines.append(f"  {entry.key} ", style="bold reverse").append(f"  {label}")
                if c == 0 and r + rows < len(entries):
                    lines.append(" " * max(1, COLUMN - cell_len(label)))
            lines.append("\n")
        self.query_one("#menu", Static).update(lines)

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: every entry as `key word` (menu.rf_label) in columns of RF_COLUMN cells, down then across: a
        supervisor's sixteen in two columns at 20x16, four at 40x8."""
        entries = menu.entries_for(self.app.actor)
        columns = max(1, self.app.size.width // RF_COLUMN)
        rows = -(-len(entries) // columns)
        lines = Lines()
        for r in range(rows):
            line = Text()
            for entry in entries[r::rows]:
                label = menu.rf_label(entry.key)
                line.append(f"{entry.key}", style="bold reverse").append(f" {label}")
                line.append(" " * max(1, RF_COLUMN - 2 - cell_len(label)))
            line.rstrip()  # the last column needs no padding (and "d Downtime" would pad past 40 cells)
            lines.text(line)
        return lines

    @handles("menu")
    def chosen(self, value: str) -> None:
        """One character is a menu key; anything longer is a scan, classified in a worker."""
        if len(value) > 1:
            self.read(self.classified, self.app.services.classify, value)
            return
        entry = menu.entry_for_key(self.app.actor, value)
        if entry is None:
            raise InvalidInput(N_("No menu entry {key}"), key=value)
        self.app.push_screen(entry.screen())

    def classified(self, scan: ScanResult) -> None:
        """Open the flow the scan belongs to (a work order -> issue, a lot -> trace, a location -> lookup)."""
        if scan.kind == "unknown":
            raise InvalidInput(N_("Unknown scan: {scan}"), scan=scan.raw)
        # A lot label (GS1 with a lot) is a lot: it opens trace, as a bare lot number does.
        kind = "lot" if scan.kind == "gs1" and scan.lot else scan.kind
        entry = menu.entry_for_scan(self.app.actor, kind)
        if entry is None:
            raise InvalidInput(N_("Nothing to do with this scan here: {scan}"), scan=scan.raw)
        self.app.push_screen(entry.screen(scan=scan))

    def leave(self) -> None:
        """Esc on the home screen stays home (F10 logs out)."""
