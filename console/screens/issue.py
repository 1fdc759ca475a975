"""Issue to work order (`4`): work order -> lot at the line side (or SKU/GTIN) -> quantity -> posted.

Enter on the quantity accepts the proposal (the smaller of the lot's quantity at the line side and what the work
order still needs). More than required + scrap is refused; F2 then asks a supervisor's badge, PIN and a reason,
and the same quantity is issued again with that approval.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from rich.text import Text
from textual.widgets import DataTable, Static

from console.compact import Lines
from console.flow import APPROVAL_STEPS, Approval, ApprovalFlow, Step, approval_steps, handles
from console.screens import production_common as pc
from console.screens import production_compact as compact
from console.screens import production_views as views
from console.words import qty_text
from core.errors import InvalidInput, LinesideError
from core.i18n import N_, _
from core.reasons import OverIssueReason
from core.services import issuing
from core.services.issuing import Issued
from core.services.work_order_views import WorkOrderView, running_order
from core.units import require_whole

COLUMNS = [("SKU", False), ("Required", True), ("Issued", True), ("To issue", True), ("Reserved", True)]


class IssueScreen(ApprovalFlow):
    """The order stays chosen after each issue until Esc."""

    TITLE_MSGID = N_("Issue to work order")
    CSS_PATH = "production.tcss"
    STEPS = (
        Step("wo", N_("Scan the work order")),
        Step("lot", N_("Scan a lot at the line side (untracked: SKU or GTIN)"), back="wo",
             short=N_("Scan a lot at the line side (or SKU/GTIN)")),
        Step("qty", N_("Quantity to issue"), back="lot", default=N_("Enter = {qty}")),
        *approval_steps(OverIssueReason, N_("Over-issue: type the reason number, then Enter")),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.order: WorkOrderView | None = None
        self.material: pc.Material | None = None
        self.qty = Decimal(0)  # the quantity last posted: the one an approval lifts
        self.posted_note: Callable[[], str] | None = None  # said again in the new language on F9

    def compose_body(self):
        yield Static(id="detail")
        table = DataTable(id="components", cursor_type="row", zebra_stripes=True)
        table.can_focus = False  # the scan field keeps the focus
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        if self.initial_scan is not None and self.initial_scan.kind == "work_order":
            self.read(self.opened, running_order, self.app.services.db, self.app.actor, self.initial_scan.code)

    def prompt_values(self) -> dict[str, object]:
        proposed = self.material.proposal.proposed if self.material else 0
        return {**super().prompt_values(), "qty": qty_text(proposed)}

    def draw(self, step: Step) -> None:
        detail = self.query_one("#detail", Static)
        if step.reasons:
            detail.update(self.reason_list(step.reasons))
        elif self.order is not None:
            detail.update(views.issue_panel(self.order, self.material, step.name, self.qty,
                                            approving=step.name in APPROVAL_STEPS))
        else:
            detail.update("")
        rows = [] if self.order is None else [  # a backflushed component is consumed by output, not issued here
            [c.sku, c.required, c.issued, Text(_("backflush"), style="dim", justify="right") if c.backflush
             else max(c.required - c.issued, Decimal(0)), c.reserved]
            for c in self.order.components]
        pc.fill_table(self.query_one("#components", DataTable), COLUMNS, rows)

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the order, what is still to issue, then the scanned lot's numbers (an over-issue's approval)."""
        return compact.issue(self.order, self.material, step.name, self.qty, approving=step.name in APPROVAL_STEPS)

    # Steps -----------------------------------------------------------------------------------------------------

    @handles("wo")
    def wo_scanned(self, value: str) -> None:
        self.read(self.opened, pc.scanned_order, self.app.services.db, self.app.actor, value)

    def opened(self, order: WorkOrderView) -> None:
        self.order, self.material = order, None
        self.go("lot")

    @handles("lot")
    def lot_scanned(self, value: str) -> None:
        self.read(self.proposed, pc.material_for, self.app.services.db, self.app.actor, value, self.order)

    def proposed(self, material: pc.Material) -> None:
        self.material = material
        self.go("qty")
        if material.carried is not None:
            self.issue(material.carried)

    @handles("qty")
    def qty_typed(self, value: str) -> None:
        p = self.material.proposal
        if not value:
            self.issue(p.proposed)
        else:
            self.quantity(value, p.sku, lambda qty: self.issue(require_whole(qty, p.uom, p.sku)), zero=True)

    def issue(self, qty: Decimal, approval: Approval | None = None) -> None:
        """Post the issue (with a supervisor's approval once an over-issue was refused)."""
        if qty <= 0:
            raise InvalidInput("Nothing of {sku} to issue at the line side", sku=self.material.proposal.sku)
        m, wo = self.material, self.order.wo_number
        approver = approval.approver if approval else None
        reason = approval.reason if approval else None
        self.qty = qty
        key = self.key.for_payload((wo, m.lot, m.sku, qty, getattr(approver, "badge", None), reason))
        self.post(self.issued, issuing.issue, self.app.services.db, self.app.actor, key=key, wo_number=wo, qty=qty,
                  lot=m.lot, sku=m.sku, approver=approver, reason=reason,
                  refused=self.issue_refused if approval else None)

    def approved(self, approval: Approval) -> None:
        """F2, badge, PIN and reason given: the refused quantity again, with the approver."""
        try:
            self.issue(self.qty, approval)
        except LinesideError as exc:
            self.approval_done()
            self.refuse(exc)

    def issue_refused(self, error: LinesideError) -> None:
        self.approval_done()
        self.refuse(error)

    def issued(self, done: Issued) -> None:
        self.key.spent()
        self.approval_done()
        self.posted_note = lambda: _("Issued {qty} {sku} to {wo}: {issued} of {required}").format(
            qty=qty_text(done.qty), sku=done.sku, wo=done.wo_number, issued=qty_text(done.issued),
            required=qty_text(done.required))
        self.read(self.reloaded, running_order, self.app.services.db, self.app.actor, done.wo_number,
                  refused=self.reload_refused)

    def reloaded(self, order: WorkOrderView) -> None:
        """After a posting: the lot step of the same work order."""
        self.order, self.material = order, None
        self.go("lot")
        if self.posted_note is not None:
            self.message.info(self.posted_note)

    def reload_refused(self, error: LinesideError) -> None:
        self.order, self.material = None, None
        self.go("wo")
        self.refuse(error)

    def forget(self, step: str) -> None:
        if step == "lot":
            self.order = None
        elif step == "qty":
            self.material = None
