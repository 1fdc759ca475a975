"""Return to stock (`r`): lot (or untracked SKU) at the line side -> quantity -> reason -> the suggested
location is shown -> scan it -> posted. Only the suggested location is taken (a damaged return: quarantine)."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.widgets import Static

from console.compact import Lines
from console.flow import FlowScreen, Step, handles
from console.screens import inbound_panels as panels
from console.screens.inbound_steps import lot_of
from console.words import qty_text, status_text
from core.errors import InvalidInput
from core.i18n import N_, _
from core.reasons import ReturnReason
from core.scan import classify
from core.services import returns
from core.services.returns import AtLine, Returned, Suggestion
from core.units import require_whole


def material(db, actor, raw: str) -> AtLine:
    """A lot label, lot number, or an untracked item's SKU/GTIN -> what of it is at the line side."""
    scan = classify(db, raw)
    if scan.kind == "item" or (scan.kind == "gs1" and scan.sku and not (scan.lot or scan.serial)):
        return returns.at_line(db, actor, sku=scan.sku)
    lot, sku = lot_of(scan)
    return returns.at_line(db, actor, lot=lot, sku=sku)


def confirm(db, actor, raw: str, **kwargs) -> Returned:
    """A location scan -> the return posted there (the service refuses another than the suggested one)."""
    scan = classify(db, raw)
    if scan.kind != "location":
        raise InvalidInput("Not a location: {scan}", scan=scan.raw)
    return returns.return_to_stock(db, actor, location=scan.code, **kwargs)


class ReturnScreen(FlowScreen):
    TITLE_MSGID = N_("Return to stock")
    CSS_PATH = "inbound.tcss"
    STEPS = (
        Step("lot", N_("Scan the lot at the line side (untracked: SKU or GTIN)")),
        Step("qty", N_("Quantity returned"), back="lot", default=N_("Enter = {qty}")),
        Step("reason", N_("Why: type the reason number"), back="qty", reasons=ReturnReason),
        Step("location", N_("Scan the location {location}"), back="reason"),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.material: AtLine | None = None
        self.qty = Decimal(0)
        self.reason: ReturnReason | None = None
        self.suggestion: Suggestion | None = None

    def compose_body(self):
        yield Static(id="lotinfo", classes="inbound-panel")

    def prompt_values(self) -> dict[str, object]:
        return {"qty": qty_text(self.material.qty) if self.material else "",
                "location": self.suggestion.location if self.suggestion else ""}

    def draw(self, step: Step) -> None:
        text, m = Text(), self.material
        if m is not None:
            if m.lot:
                panels.label(text, "Lot", m.lot).append("  ")
            panels.label(text, "Item", m.sku).append("  ")
            panels.label(text, N_("At the line"), qty_text(m.qty))
            if step.name in ("reason", "location"):
                panels.label(text.append("\n"), "Qty", qty_text(self.qty))
            if step.reasons:
                text.append("\n\n").append_text(self.reason_list(step.reasons))
            elif self.suggestion is not None and self.reason is not None:
                s = self.suggestion
                panels.label(text.append("\n"), "Reason", _(self.reason.label), "bold yellow").append("  ")
                panels.label(text, "Status", status_text(s.status), "bold yellow" if s.status != "available" else "")
                panels.label(text.append("\n\n"), "Put it in", s.location, "bold reverse green")
                text.append(f"  ({_(panels.RULES[s.rule])})", style="dim")
        self.query_one("#lotinfo", Static).update(text)

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the lot and how much of it is at the line, the quantity returned, then where it goes and why."""
        lines, m = Lines(), self.material
        if m is not None:
            lines.pair(m.lot, m.sku)
            lines.add(N_("At the line"), qty_text(m.qty), style="")
            if step.name in ("reason", "location"):
                lines.add("Qty", qty_text(self.qty))
            s = self.suggestion
            if s is not None and self.reason is not None and step.name == "location":
                lines.add("Reason", _(self.reason.label), style="bold yellow")
                if s.status != "available":
                    lines.add("Status", status_text(s.status), style="bold yellow")
                lines.add("Put it in", s.location, style="bold reverse green")
        return lines

    @handles("lot")
    def lot_scanned(self, value: str) -> None:
        self.read(self.found, material, self.app.services.db, self.app.actor, value)

    def found(self, answer: AtLine) -> None:
        self.material = answer
        self.go("qty")

    @handles("qty")
    def qty_typed(self, value: str) -> None:
        m = self.material
        if value:
            self.quantity(value, m.sku, lambda qty: self.qty_known(require_whole(qty, m.uom, m.sku)))
        else:
            self.qty_known(m.qty)

    def qty_known(self, qty: Decimal) -> None:
        m = self.material
        if qty > m.qty:
            raise InvalidInput("Only {qty} of {what} at the line side", qty=qty_text(m.qty), what=m.lot or m.sku)
        self.qty = qty
        self.go("reason")

    @handles("reason")
    def reason_chosen(self, reason: ReturnReason) -> None:
        self.reason = reason
        m = self.material
        self.read(self.suggested, returns.suggest, self.app.services.db, self.app.actor, reason=reason.value,
                  lot=m.lot, sku=None if m.lot else m.sku)

    def suggested(self, answer: Suggestion) -> None:
        self.suggestion = answer
        self.go("location")

    @handles("location")
    def location_scanned(self, value: str) -> None:
        m, reason = self.material, self.reason
        key = self.key.for_payload((m.lot, m.sku, self.qty, reason.value, value))
        self.post(self.returned, confirm, self.app.services.db, self.app.actor, value, key=key, lot=m.lot,
                  sku=None if m.lot else m.sku, qty=self.qty, reason=reason.value)

    def returned(self, done: Returned) -> None:
        self.key.spent()
        self.material, self.reason, self.suggestion = None, None, None
        self.go("lot")
        self.message.info(lambda: _("Returned {qty} of {lot} to {location}").format(
            qty=qty_text(done.qty), lot=done.lot or done.sku, location=done.location))

    def forget(self, step: str) -> None:
        if step == "location":
            self.suggestion = None
        elif step == "reason":
            self.reason = None
        elif step == "qty":
            self.material = None
