"""QC inspection (`q`, inspectors): lot -> `1` pass or `2` fail -> reason (fail only) -> posted."""

from __future__ import annotations

import uuid

from rich.text import Text
from textual.widgets import Static

from console.screens import inbound_panels as panels
from console.screens import inbound_steps as steps
from console.screens.base import FlowScreen
from core.errors import InvalidInput, LinesideError
from core.i18n import _
from core.services.qc import FAIL_REASONS

PROMPTS = {
    "lot": "Scan the lot to inspect",
    "decide": "1: pass · 2: fail, then Enter",
    "reason": "Failed: type the reason number, then Enter",
}
RESULTS = {"pass": "Lot {lot} passed: available", "fail": "Lot {lot} failed: rejected, to quarantine"}


class QcScreen(FlowScreen):
    """Steps `lot` -> `decide` -> `reason` (fail only)."""

    TITLE_MSGID = "QC inspection"
    CSS_PATH = "inbound.tcss"

    def __init__(self, scan=None) -> None:
        super().__init__()
        self.step = "lot"
        self.held: tuple[str, str, list] | None = None
        self.key: tuple[str, tuple] | None = None

    def compose_body(self):
        yield Static(id="lotinfo", classes="inbound-panel")

    def translate(self) -> None:
        self.go(self.step)

    def go(self, step: str) -> None:
        """Draw a step: prompt and the lot's held stock (and the reasons when failing)."""
        self.step = step
        self.set_prompt(PROMPTS[step])
        text = Text()
        if self.held is not None:
            lot, sku, rows = self.held
            panels.label(text, "Lot", lot).append("  ")
            panels.label(text, "Item", sku)
            for r in rows[:4]:
                text.append(f"\n  {r.location:<12}", style="bold")
                panels.label(text, "Qty", panels.qty_text(r.qty)).append("  ")
                panels.label(text, "Status", panels.status_text(r.status), "yellow")
                if r.expiry:
                    panels.label(text.append("  "), "Expiry", r.expiry.isoformat(), "")
            if step == "reason":
                text.append("\n\n").append_text(panels.reason_lines(FAIL_REASONS, panels.FAIL_LABELS))
        self.query_one("#lotinfo", Static).update(text)

    def scanned(self, value: str) -> None:
        value = value.strip()
        if self.step == "lot":
            if value:
                self.call_service("lot", steps.held_lot, self.app.services.db, self.app.actor, value)
            return
        try:
            if self.step == "decide":
                if value not in ("1", "2"):
                    raise InvalidInput("No choice {key}", key=value)
                if value == "2":
                    self.go("reason")
                    return
                self.post(True, None)
            else:
                self.post(False, panels.pick_reason(FAIL_REASONS, value))
        except LinesideError as exc:
            self.message.error(str(exc))

    def post(self, passed: bool, reason: str | None) -> None:
        lot, sku, _rows = self.held
        if self.key is None or self.key[1] != (lot, passed, reason):  # a retried Enter reuses its key
            self.key = (str(uuid.uuid4()), (lot, passed, reason))
        db, actor, key = self.app.services.db, self.app.actor, self.key[0]
        self.call_service("inspect", lambda: steps.inspect(db, actor, key=key, lot=lot, sku=sku, passed=passed,
                                                           reason=reason))

    def service_done(self, tag: str, value: object) -> None:
        if tag == "lot":
            self.held, self.key = value, None
            self.go("decide")
        else:
            self.held, self.key = None, None
            self.go("lot")
            self.message.info(_(RESULTS[value["result"]]).format(lot=value["lot"]))

    def action_back(self) -> None:
        """Esc: reason -> decide -> lot -> home."""
        self.message.clear()
        if self.step == "reason":
            self.go("decide")
        elif self.step == "decide":
            self.held = None
            self.go("lot")
        else:
            self.app.pop_screen()
