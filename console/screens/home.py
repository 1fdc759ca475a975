"""Home menu: type an entry's key then Enter, or scan a label to open the flow it belongs to."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from console import menu
from console.screens.base import LANGUAGE, LOG_OUT, FlowScreen
from core.i18n import _


class HomeScreen(FlowScreen):
    """Only the flows that exist and that the operator's roles may use are offered."""

    TITLE_MSGID = "Main menu"
    HINTS = [LOG_OUT, LANGUAGE]

    def compose_body(self):
        yield Static(id="menu")

    def translate(self) -> None:
        self.set_prompt("Type a menu key or scan a label, then Enter")
        lines = Text()
        for entry in menu.entries_for(self.app.actor):
            lines.append(f"  {entry.key} ", style="bold reverse")
            lines.append(f"  {_(entry.label)}\n")
        self.query_one("#menu", Static).update(lines)

    def scanned(self, value: str) -> None:
        value = value.strip()
        if not value:
            return
        if len(value) == 1:
            entry = menu.entry_for_key(self.app.actor, value)
            if entry is None:
                self.message.error(_("No menu entry {key}").format(key=value))
            else:
                self.app.push_screen(entry.screen())
            return
        self.call_service("scan", self.app.services.classify, value)

    def service_done(self, tag: str, value: object) -> None:
        scan = value
        if scan.kind == "unknown":
            self.message.error(_("Unknown scan: {scan}").format(scan=scan.raw))
            return
        # A lot label (GS1 with a lot) is a lot: it opens trace, as a bare lot number does.
        kind = "lot" if scan.kind == "gs1" and scan.lot else scan.kind
        entry = menu.entry_for_scan(self.app.actor, kind)
        if entry is None:
            self.message.error(_("Nothing to do with this scan here: {scan}").format(scan=scan.raw))
            return
        self.app.push_screen(entry.screen(scan=scan))

    def action_back(self) -> None:
        """Esc on the home screen stays home (F10 logs out)."""
        self.message.clear()
