"""Putaway (`2`): lot (its label or number) -> the suggested location is shown -> scan the location -> posted.

Another location is refused unless F3 was pressed and a reason chosen; then the scanned one is taken.
"""

from __future__ import annotations

import uuid

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from console.screens import inbound_panels as panels
from console.screens import inbound_steps as steps
from console.screens.base import BACK, LANGUAGE, LOG_OUT, FlowScreen
from core.errors import LinesideError
from core.i18n import _
from core.services.putaway import OVERRIDE_REASONS

PROMPTS = {
    "lot": "Scan the lot label (or type the lot number)",
    "location": "Scan the location {location}",
    "reason": "Change location: type the reason number, then Enter",
    "other": "Scan the other location",
}
CHANGE = ("F3", "Change location")


class PutawayScreen(FlowScreen):
    """Steps `lot` -> `location`; F3 -> `reason` -> `other` (the operator's own location)."""

    TITLE_MSGID = "Putaway"
    CSS_PATH = "inbound.tcss"
    BINDINGS = [Binding("f3", "change", show=False)]

    def __init__(self, scan=None) -> None:
        super().__init__()
        self.step = "lot"
        self.suggestion = None
        self.reason: str | None = None
        self.key: tuple[str, tuple] | None = None

    def compose_body(self):
        yield Static(id="lotinfo", classes="inbound-panel")

    def translate(self) -> None:
        self.go(self.step)

    def go(self, step: str) -> None:
        """Draw a step: prompt, keys and the lot panel."""
        self.step = step
        s = self.suggestion
        self.query_one("#prompt", Static).update(_(PROMPTS[step]).format(location=s.location if s else ""))
        self.query_one("KeyHints").set_hints(([CHANGE] if step == "location" else []) + [BACK, LOG_OUT, LANGUAGE])
        text = Text()
        if s is not None:
            panels.label(text, "Lot", s.lot).append("  ")
            panels.label(text, "Item", s.sku).append("  ")
            panels.label(text, "Qty", panels.qty_text(s.qty)).append("  ")
            panels.label(text, "Status", panels.status_text(s.status), "bold yellow" if s.status != "available" else "")
            panels.label(text.append("\n"), "From", s.from_location, "")
            panels.label(text.append("\n\n"), "Put it in", s.location, "bold reverse green")
            text.append(f"  ({_(panels.RULES[s.rule])})", style="dim")
            if step == "reason":
                text.append("\n\n").append_text(panels.reason_lines(OVERRIDE_REASONS, panels.OVERRIDE_LABELS))
            elif step == "other":
                panels.label(text.append("\n"), "Reason", _(panels.OVERRIDE_LABELS[self.reason]), "bold yellow")
        self.query_one("#lotinfo", Static).update(text)

    def scanned(self, value: str) -> None:
        value = value.strip()
        if self.step == "reason":
            try:
                self.reason = panels.pick_reason(OVERRIDE_REASONS, value)
            except LinesideError as exc:
                self.message.error(str(exc))
                return
            self.go("other")
        elif not value:
            return
        elif self.step == "lot":
            self.call_service("lot", steps.suggest, self.app.services.db, self.app.actor, value)
        else:
            content = (self.suggestion.lot, value, self.reason)
            if self.key is None or self.key[1] != content:  # a retried Enter of the same scan reuses its key
                self.key = (str(uuid.uuid4()), content)
            db, actor, s, reason, key = self.app.services.db, self.app.actor, self.suggestion, self.reason, self.key[0]
            self.call_service("confirm", lambda: steps.confirm(db, actor, value, key=key, suggestion=s,
                                                               reason=reason))

    def service_done(self, tag: str, value: object) -> None:
        if tag == "lot":
            self.suggestion, self.reason, self.key = value, None, None
            self.go("location")
        else:
            self.suggestion, self.reason, self.key = None, None, None
            self.go("lot")
            self.message.info(_("Put away {qty} of {lot} in {location}").format(
                qty=panels.qty_text(value["qty"]), lot=value["lot"], location=value["location"]))

    def action_change(self) -> None:
        """F3 on the location step: choose a reason, then scan another location."""
        if self.step == "location":
            self.message.clear()
            self.go("reason")

    def action_back(self) -> None:
        """Esc: reason/other -> location -> lot -> home."""
        self.message.clear()
        if self.step in ("reason", "other"):
            self.reason = None
            self.go("location")
        elif self.step == "location":
            self.suggestion = None
            self.go("lot")
        else:
            self.app.pop_screen()
