"""QC inspection (`q`, inspectors): lot -> `1` pass or `2` fail -> reason (fail only) -> posted."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from console.flow import FlowScreen, Step, handles
from console.screens import inbound_panels as panels
from console.screens import inbound_steps as steps
from console.words import qty_text, status_text
from core.errors import InvalidInput
from core.i18n import N_, _
from core.reasons import QcFailReason
from core.services.qc import Inspected

RESULTS = {"pass": N_("Lot {lot} passed: available"), "fail": N_("Lot {lot} failed: rejected, to quarantine")}


class QcScreen(FlowScreen):
    """Steps `lot` -> `decide` -> `reason` (fail only)."""

    TITLE_MSGID = N_("QC inspection")
    CSS_PATH = "inbound.tcss"
    STEPS = (
        Step("lot", N_("Scan the lot to inspect")),
        Step("decide", N_("1: pass · 2: fail, then Enter"), back="lot"),
        Step("reason", N_("Failed: type the reason number, then Enter"), back="decide", reasons=QcFailReason),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.held: steps.HeldLot | None = None

    def compose_body(self):
        yield Static(id="lotinfo", classes="inbound-panel")

    def draw(self, step: Step) -> None:
        """The lot's held stock (and the reasons when failing)."""
        text = Text()
        if self.held is not None:
            panels.label(text, "Lot", self.held.lot).append("  ")
            panels.label(text, "Item", self.held.sku)
            for r in self.held.rows[:4]:
                text.append("\n  ").append(f"{r.location:<12}", style="bold")
                panels.label(text, "Qty", qty_text(r.qty)).append("  ")
                panels.label(text, "Status", status_text(r.status), "yellow")
                if r.expiry:
                    panels.label(text.append("  "), "Expiry", r.expiry.isoformat(), "")
            if step.reasons:
                text.append("\n\n").append_text(self.reason_list(step.reasons))
        self.query_one("#lotinfo", Static).update(text)

    @handles("lot")
    def lot_scanned(self, value: str) -> None:
        self.read(self.held_found, steps.held_lot, self.app.services.db, self.app.actor, value)

    def held_found(self, held: steps.HeldLot) -> None:
        self.held = held
        self.go("decide")

    @handles("decide")
    def decided(self, value: str) -> None:
        if value not in ("1", "2"):
            raise InvalidInput(N_("No choice {key}"), key=value)
        if value == "2":
            self.go("reason")
        else:
            self.inspect(True, None)

    @handles("reason")
    def reason_chosen(self, reason: QcFailReason) -> None:
        self.inspect(False, reason)

    def inspect(self, passed: bool, reason: QcFailReason | None) -> None:
        held = self.held
        key = self.key.for_payload((held.lot, passed, reason))  # a retried Enter of the same decision reuses it
        self.post(self.inspected, steps.inspect, self.app.services.db, self.app.actor, key=key, held=held,
                  passed=passed, reason=reason)

    def inspected(self, done: Inspected) -> None:
        self.key.spent()
        self.held = None
        self.go("lot")
        self.message.info(_(RESULTS[done.result]).format(lot=done.lot))

    def forget(self, step: str) -> None:
        if step == "decide":
            self.held = None
