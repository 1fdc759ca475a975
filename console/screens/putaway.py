"""Putaway (`2`): lot (its label or number) -> the suggested location is shown -> scan the location -> posted.

A pallet label (SSCC) at the lot step puts the whole pallet away by one scan of the location; F6 there breaks
the pallet down instead, so its lots move alone.

Another location is refused unless F3 was pressed and a reason chosen; then the scanned one is taken.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from console.compact import Lines
from console.flow import CHANGE, FlowScreen, Key, Step, handles
from console.screens import inbound_panels as panels
from console.screens import inbound_steps as steps
from console.screens import pallet_panels
from console.words import qty_text, status_text
from core.i18n import N_, _, ngettext
from core.reasons import PutawayOverrideReason
from core.services import pallets
from core.services.pallets import PalletDone
from core.services.putaway import PutAway, Suggestion

BREAK: Key = ("F6", N_("Break down pallet"))
COMPACT_LOTS = 3  # a pallet's lots the RF gun lists


class PutawayScreen(FlowScreen):
    """Steps `lot` -> `location`; F3 -> `reason` -> `other` (the operator's own location)."""

    TITLE_MSGID = N_("Putaway")
    CSS_PATH = "inbound.tcss"
    BINDINGS = [Binding("f3", "change", show=False), Binding("f6", "break_down", show=False)]
    STEPS = (
        Step("lot", N_("Scan the lot label (or type the lot number; untracked: SKU or GTIN)")),
        Step("location", N_("Scan the location {location}"), back="lot", keys=(CHANGE,)),
        Step("reason", N_("Change location: type the reason number, then Enter"), back="location",
             reasons=PutawayOverrideReason),
        Step("other", N_("Scan the other location"), back="location"),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.suggestion: Suggestion | None = None
        self.reason: PutawayOverrideReason | None = None
        self.at: str | None = None  # where an untracked item waits, when it waits in several places
        self.pallet: PalletDone | None = None  # a pallet scanned at the lot step: where it should go

    def on_mount(self) -> None:
        super().on_mount()
        if self.initial_scan is not None and self.initial_scan.kind == "pallet":  # scanned on the home screen
            self.read(self.pallet_suggested, pallets.suggest, self.app.services.db, self.app.actor,
                      self.initial_scan.code)

    def compose_body(self):
        yield Static(id="lotinfo", classes="inbound-panel")

    def prompt_values(self) -> dict[str, object]:
        where = self.pallet or self.suggestion
        return {"location": where.location if where else ""}

    def keys_for(self, step: Step) -> list:
        return super().keys_for(step) + ([BREAK] if self.pallet is not None and step.name == "location" else [])

    def draw(self, step: Step) -> None:
        text = Text()
        s = self.suggestion
        if self.pallet is not None:
            text.append_text(pallet_panels.pallet_panel(self.pallet, N_("Put it in")))
            if step.reasons:
                text.append("\n\n").append_text(self.reason_list(step.reasons))
        elif s is not None:
            if s.lot:
                panels.label(text, "Lot", s.lot).append("  ")
            panels.label(text, "Item", s.sku).append("  ")
            panels.label(text, "Qty", qty_text(s.qty)).append("  ")
            panels.label(text, "Status", status_text(s.status), "bold yellow" if s.status != "available" else "")
            panels.label(text.append("\n"), "From", s.from_location, "")
            panels.label(text.append("\n\n"), "Put it in", s.location, "bold reverse green")
            text.append(f"  ({_(panels.RULES[s.rule])})", style="dim")
            if step.reasons:
                text.append("\n\n").append_text(self.reason_list(step.reasons))
            elif step.name == "other" and self.reason is not None:
                panels.label(text.append("\n"), "Reason", _(self.reason.label), "bold yellow")
        self.query_one("#lotinfo", Static).update(text)

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the lot (or pallet) and where it goes; a pallet's lots a short line each, at most three."""
        lines, s = Lines(), self.suggestion
        if self.pallet is not None:
            p = self.pallet
            lines.add("Pallet", p.sscc)
            for lot in p.lots[:COMPACT_LOTS]:
                lines.pair(f"{lot.sku} {lot.lot}", qty_text(lot.qty), style="")
            more = len(p.lots) - COMPACT_LOTS
            if more > 0:
                lines.text(ngettext("… {n} more lot", "… {n} more lots", more).format(n=more), style="dim")
            lines.add("From", p.from_location, style="")
            lines.add("Put it in", p.location, style="bold reverse green")
        elif s is not None:
            lines.pair(s.lot, s.sku)
            lines.add("Qty", qty_text(s.qty))
            if s.status != "available":
                lines.add("Status", status_text(s.status), style="bold yellow")
            lines.add("From", s.from_location, style="")
            lines.add("Put it in", s.location, style="bold reverse green")
        elif self.at:
            lines.add("From", self.at)
        if step.name == "other" and self.reason is not None:
            lines.add("Reason", _(self.reason.label), style="bold yellow")
        return lines

    @handles("lot")
    def lot_scanned(self, value: str) -> None:
        if pallet_panels.is_sscc(value):
            self.read(self.pallet_suggested, pallets.suggest, self.app.services.db, self.app.actor, value)
            return
        self.read(self.suggested, steps.suggest, self.app.services.db, self.app.actor, value, self.at)

    def suggested(self, answer: Suggestion | steps.SourceChosen) -> None:
        if isinstance(answer, steps.SourceChosen):
            self.at = answer.location
            self.message.info(lambda: _("From {location}: scan the lot or item").format(location=answer.location))
            self.redraw_compact()  # the RF gun says where it waits
            return
        self.suggestion, self.reason = answer, None
        self.go("location")

    def pallet_suggested(self, done: PalletDone) -> None:
        self.pallet, self.suggestion, self.reason = done, None, None
        self.go("location")

    @handles("location", "other")
    def location_scanned(self, value: str) -> None:
        if self.pallet is not None:
            p, reason = self.pallet, self.reason
            key = self.key.for_payload((p.sscc, value, reason))
            self.post(self.pallet_moved, pallets.move, self.app.services.db, self.app.actor, key=key, sscc=p.sscc,
                      location=value, suggested=p.location, reason=reason)
            return
        s, reason = self.suggestion, self.reason
        key = self.key.for_payload((s.lot, value, reason))  # a retried Enter of the same scan reuses its key
        self.post(self.put_away, steps.confirm, self.app.services.db, self.app.actor, value, key=key,
                  suggestion=s, reason=reason)

    def put_away(self, done: PutAway) -> None:
        self.key.spent()
        self.suggestion, self.reason = None, None
        self.go("lot")
        self.message.info(lambda: _("Put away {qty} of {lot} in {location}").format(
            qty=qty_text(done.qty), lot=done.lot or done.sku, location=done.location))
        self.at = None

    def pallet_moved(self, done: PalletDone) -> None:
        self.key.spent()
        self.pallet, self.reason = None, None
        self.go("lot")
        self.message.info(lambda: pallet_panels.moved_line(done))

    def action_break_down(self) -> None:
        """F6 on a pallet's location step: break it down; its lots are then put away one by one."""
        if self.step == "location" and self.pallet is not None:
            key = self.key.for_payload(("break", self.pallet.sscc))
            self.post(self.broken, pallets.break_down, self.app.services.db, self.app.actor, key=key,
                      sscc=self.pallet.sscc)

    def broken(self, done: PalletDone) -> None:
        self.key.spent()
        self.pallet, self.reason = None, None
        self.go("lot")
        self.message.info(lambda: pallet_panels.broken_line(done))

    @handles("reason")
    def reason_chosen(self, reason: PutawayOverrideReason) -> None:
        self.reason = reason
        self.go("other")

    def action_change(self) -> None:
        """F3 on the location step: choose a reason, then scan another location."""
        if self.step == "location":
            self.message.clear()
            self.go("reason")

    def forget(self, step: str) -> None:
        if step in ("reason", "other"):
            self.reason = None
        elif step == "location":
            self.suggestion, self.pallet = None, None
