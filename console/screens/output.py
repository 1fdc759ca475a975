"""Production output (`5`): work order -> good quantity -> scrap (Enter = 0) -> output lot posted, label printed.

More than the order's quantity (+ tolerance) is refused; F2 then asks a supervisor's badge, PIN and a reason, and
the same output is posted again with that approval. The output that completes the order is a success line.

The label prints after the posting, as its own call: a printer that does not answer never undoes an output,
it says so on the message line and F4 prints the last labels again.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from textual.binding import Binding
from textual.widgets import Static

from console.compact import Lines
from console.flow import APPROVAL_STEPS, REPRINT, Approval, ApprovalFlow, Key, Step, approval_steps, handles
from console.screens import production_common as pc
from console.screens import production_compact as compact
from console.screens import production_views as views
from console.words import parse_qty, qty_text
from core.errors import InvalidInput, LinesideError
from core.i18n import N_, _
from core.reasons import OverOutputReason
from core.services import production
from core.services.production import Output
from core.services.work_order_views import WorkOrderView, print_output_labels, running_order, work_order_view
from core.units import require_whole

OPEN_STATES = ("released", "in_progress")


class OutputScreen(ApprovalFlow):
    """After a posting the same work order takes the next output until Esc (or until it is complete)."""

    TITLE_MSGID = N_("Production output")
    CSS_PATH = "production.tcss"
    BINDINGS = [Binding("f4", "reprint", show=False)]
    STEPS = (
        Step("wo", N_("Scan the work order")),
        Step("good", N_("Good quantity made, then Enter"), back="wo", blank=True),
        Step("scrap", N_("Scrap quantity"), back="good", default=N_("Enter = 0")),
        *approval_steps(OverOutputReason, N_("Over-output: type the reason number, then Enter")),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.order: WorkOrderView | None = None
        self.good = Decimal(0)
        self.scrap = Decimal(0)  # the scrap last posted: with the good quantity, what an approval lifts
        self.last: Output | None = None  # the last posting: its lots get the labels (F4 again)
        self.posted_note: list[Callable[[], str]] = []  # the last posting's note in parts, each translated when said

    def compose_body(self):
        yield Static(id="detail")

    def on_mount(self) -> None:
        super().on_mount()
        if self.initial_scan is not None and self.initial_scan.kind == "work_order":
            self.read(self.opened, running_order, self.app.services.db, self.app.actor, self.initial_scan.code)

    def keys_for(self, step: Step) -> list[Key]:
        keys = super().keys_for(step)
        return [REPRINT, *keys] if self.last is not None and self.last.lots else keys

    def draw(self, step: Step) -> None:
        detail = self.query_one("#detail", Static)
        if step.reasons:
            detail.update(self.reason_list(step.reasons))
        else:
            detail.update(views.output_panel(self.order, step.name, self.good, self.last))

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the order and its progress, the quantities typed, the last output's lots."""
        return compact.output(self.order, step.name, self.good, self.scrap, self.last,
                              approving=step.name in APPROVAL_STEPS)

    @handles("wo")
    def wo_scanned(self, value: str) -> None:
        self.read(self.opened, pc.scanned_order, self.app.services.db, self.app.actor, value)

    def opened(self, order: WorkOrderView) -> None:
        self.order = order
        self.go("good")

    @handles("good")
    def good_typed(self, value: str) -> None:
        if not value:
            raise InvalidInput("Type the good quantity (0 when only scrap)")
        self.good = require_whole(parse_qty(value, zero=True), self.order.uom, self.order.sku)
        self.go("scrap")

    @handles("scrap")
    def scrap_typed(self, value: str) -> None:
        scrap = require_whole(parse_qty(value, zero=True), self.order.uom, self.order.sku) if value else Decimal(0)
        if self.good + scrap <= 0:
            raise InvalidInput("Quantity must be greater than zero")
        self.scrap = scrap
        self.report()

    def report(self, approval: Approval | None = None) -> None:
        """Post the output (with a supervisor's approval once an over-output was refused)."""
        wo, good, scrap = self.order.wo_number, self.good, self.scrap
        approver = approval.approver if approval else None
        reason = approval.reason if approval else None
        key = self.key.for_payload((wo, good, scrap, getattr(approver, "badge", None), reason))
        self.post(self.posted, production.report_output, self.app.services.db, self.app.actor, key=key,
                  wo_number=wo, good=good, scrap=scrap, approver=approver, reason=reason,
                  refused=self.report_refused if approval else None)

    def approved(self, approval: Approval) -> None:
        """F2, badge, PIN and reason given: the refused output again, with the approver."""
        try:
            self.report(approval)
        except LinesideError as exc:
            self.approval_done()
            self.refuse(exc)

    def report_refused(self, error: LinesideError) -> None:
        self.approval_done()
        self.refuse(error)

    def posted(self, done: Output) -> None:
        self.key.spent()
        self.approval_done()
        self.last = done
        if self.step == "scrap":  # off the posted step at once: an Enter while the labels print never posts again
            self.go("wo" if done.status == "completed" else "good")
        self.posted_note = [lambda: _("Posted: {good} good, {scrap} scrap; lot {lots}").format(
            good=qty_text(done.good), scrap=qty_text(done.scrap), lots=", ".join(done.lots) or "—")]
        if done.lots:
            self.post(self.printed, print_output_labels, self.app.services.db, self.app.actor, done.lots, done.sku,
                      refused=self.print_refused)
        else:
            self.reload()

    def reload(self) -> None:
        """The order of the last posting again: its progress, and whether it still takes output."""
        self.read(self.reloaded, work_order_view, self.app.services.db, self.app.actor, self.last.wo_number,
                  refused=self.reload_refused)

    def printed(self, _where: list[str]) -> None:
        self.posted_note.append(lambda: _("Label printed"))
        self.reload()

    def print_refused(self, error: LinesideError) -> None:
        """The output is posted; only the label is missing."""
        self.posted_note = []
        lots = ", ".join(self.last.lots)
        self.message.error(lambda: _("Posted {lots}; label not printed: {error} (F4 reprint)").format(
            lots=lots, error=str(error)))  # str(): the refusal in the language of the moment
        self.reload()

    def reloaded(self, order: WorkOrderView) -> None:
        """After a posting: the same work order, or the order step once it is complete."""
        self.order = order if order.state in OPEN_STATES else None
        self.go("good" if self.order is not None else "wo")
        if self.posted_note and order.state == "completed":  # a completion is good news, never a refusal
            self.posted_note.append(lambda: _("{wo} is complete").format(wo=order.wo_number))
        if self.posted_note:
            parts = tuple(self.posted_note)  # said again in the new language on F9
            self.message.info(lambda: "   ".join(part() for part in parts))

    def reload_refused(self, error: LinesideError) -> None:
        self.order = None
        self.go("wo")
        self.refuse(error)

    def action_reprint(self) -> None:
        """F4: the labels of the last output again."""
        if self.last is not None and self.last.lots:
            self.post(self.reprinted, print_output_labels, self.app.services.db, self.app.actor, self.last.lots,
                      self.last.sku, refused=self.reprint_refused)

    def reprinted(self, _where: list[str]) -> None:
        self.message.info(_("Label printed again: {lots}").format(lots=", ".join(self.last.lots)))

    def reprint_refused(self, error: LinesideError) -> None:
        self.message.error(lambda: _("Label not printed: {error} (F4 reprint)").format(error=str(error)))

    def forget(self, step: str) -> None:
        if step == "good":
            self.order = None
