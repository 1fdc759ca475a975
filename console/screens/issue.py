"""Issue to work order (`4`): work order -> lot at the line side (or SKU/GTIN) -> quantity -> posted.

Enter on the quantity accepts the proposal (the smaller of the lot's quantity at the line side and what the work
order still needs). More than required + scrap is refused; F2 asks a supervisor's badge, PIN and a reason.
"""

from __future__ import annotations

from decimal import Decimal

from textual.binding import Binding
from textual.widgets import DataTable, Static

from console.screens import production_common as pc
from console.screens import production_views as views
from console.screens.base import BACK, LANGUAGE, LOG_OUT
from console.screens.order_flow import OrderFlowScreen
from core.errors import InvalidInput, LinesideError
from core.i18n import _
from core.services import auth, issuing
from core.services.work_order_views import running_order

PROMPTS = {
    "wo": "Scan the work order",
    "lot": "Scan a lot at the line side (untracked: SKU or GTIN)",
    "qty": "Quantity to issue (Enter = {qty})",
    "badge": "Supervisor: scan your badge",
    "pin": "Supervisor: type your PIN",
    "reason": "Over-issue: type the reason number, then Enter",
}
COLUMNS = [("SKU", False), ("Required", True), ("Issued", True), ("To issue", True), ("Reserved", True)]


class IssueScreen(OrderFlowScreen):
    """A state machine over `step`; the order stays chosen after each issue until Esc."""

    TITLE_MSGID = "Issue to work order"
    TABLE_ID = "components"
    BINDINGS = [Binding("f2", "approval", show=False)]

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.order, self.proposal = None, None
        self.lot: str | None = None
        self.sku: str | None = None
        self.qty = Decimal(0)
        self.badge = ""
        self.pin: str | None = None
        self.carried: Decimal | None = None
        self.posted_note = ""

    def open_order(self, wo: str, tag: str = "order") -> None:
        self.call_service(tag, running_order, self.app.services.db, self.app.actor, wo)

    def go(self, step: str) -> None:
        self.step = step
        proposed = pc.qty_text(self.proposal["proposed"]) if self.proposal else "0"
        self.query_one("#prompt", Static).update(_(PROMPTS[step]).format(qty=proposed))
        self.scan_field.password = step == "pin"
        keys = [pc.APPROVAL, BACK, LOG_OUT, LANGUAGE] if step == "qty" else [BACK, LOG_OUT, LANGUAGE]
        self.query_one("KeyHints").set_hints(keys)
        detail = self.query_one("#detail", Static)
        if step == "reason":
            detail.update(pc.reason_lines(pc.OVER_ISSUE_REASONS))
        elif self.order is not None:
            detail.update(views.issue_panel(self.order, self.proposal, self.lot, self.sku, step, self.qty))
        else:
            detail.update("")
        self.show_components()

    def show_components(self) -> None:
        rows = [] if self.order is None else [
            [c.sku, c.required, c.issued, max(c.required - c.issued, Decimal(0)), c.reserved]
            for c in self.order.components]
        pc.fill_table(self.query_one("#components", DataTable), COLUMNS, rows)

    # Steps -----------------------------------------------------------------------------------------------------

    def scanned(self, value: str) -> None:
        value = value.strip()
        try:
            if self.step == "qty":
                self.issue(pc.parse_qty(value) if value else self.proposal["proposed"])
            elif self.step == "pin" and value:
                self.pin = value
                self.go("reason")
            elif self.step == "reason":
                self.post_approved(pc.pick_reason(pc.OVER_ISSUE_REASONS, value))
            elif self.step == "badge" and value:
                self.badge = value
                self.go("pin")
            elif value:
                self.call_service(self.step, self.app.services.classify, value)
        except LinesideError as exc:
            self.message.error(str(exc))

    def done_wo(self, scan) -> None:
        self.open_order(pc.require_work_order(scan))

    def done_order(self, order) -> None:
        self.order, self.proposal, self.key = order, None, None
        self.go("lot")

    def done_lot(self, scan) -> None:
        comp = next((c for c in self.order.components if scan.sku and c.sku == scan.sku), None)
        if comp is None and (scan.kind in ("lot", "item") or scan.sku):
            raise InvalidInput("{sku} is not a component of {wo}", sku=scan.sku or scan.raw,
                               wo=self.order.wo_number)
        self.lot, self.sku = pc.material_of(scan, comp.tracking if comp else "lot")
        self.carried = scan.qty  # a label with a quantity fills the quantity step
        db, actor = self.app.services.db, self.app.actor
        self.call_service("proposal", lambda: issuing.proposal(db, actor, self.order.wo_number, lot=self.lot,
                                                               sku=self.sku))

    def done_proposal(self, proposal) -> None:
        self.proposal, self.key = proposal, None
        if self.carried is not None:
            self.go("qty")
            self.issue(self.carried)
        else:
            self.go("qty")

    def issue(self, qty: Decimal) -> None:
        if qty <= 0:
            raise InvalidInput("Nothing of {sku} to issue at the line side", sku=self.proposal["sku"])
        self.qty = qty
        db, actor, key = self.app.services.db, self.app.actor, self.confirmation_key()
        self.call_service("issued", lambda: issuing.issue(db, actor, key=key, wo_number=self.order.wo_number,
                                                          qty=qty, lot=self.lot, sku=self.sku))

    def action_approval(self) -> None:
        """F2 on the quantity step: the typed quantity (or the proposal) goes out with a supervisor's approval."""
        if self.step != "qty":
            return
        typed, self.scan_field.value = self.scan_field.value.strip(), ""
        try:
            self.qty = pc.parse_qty(typed) if typed else self.proposal["proposed"]
        except LinesideError as exc:
            self.message.error(str(exc))
            return
        self.message.clear()
        self.go("badge")

    def post_approved(self, reason: str) -> None:
        db, actor, terminal = self.app.services.db, self.app.actor, self.app.terminal
        badge, pin, qty, wo, lot, sku = self.badge, self.pin, self.qty, self.order.wo_number, self.lot, self.sku
        key = self.confirmation_key()

        def approved_issue():
            approver = auth.login(db, badge, pin, terminal)
            return issuing.issue(db, actor, key=key, wo_number=wo, qty=qty, lot=lot, sku=sku, approver=approver,
                                 reason=reason)

        self.call_service("issued", approved_issue)

    def done_issued(self, result) -> None:
        self.key, self.pin = None, None
        self.posted_note = _("Issued {qty} {sku} to {wo}: {issued} of {required}").format(
            qty=pc.qty_text(result["qty"]), sku=result["sku"], wo=result["wo_number"],
            issued=pc.qty_text(result["issued"]), required=pc.qty_text(result["required"]))
        self.open_order(self.order.wo_number, "reloaded")

    def done_reloaded(self, order) -> None:
        """After a posting: the lot step of the same work order."""
        self.order, self.proposal = order, None
        self.go("lot")
        self.message.info(self.posted_note)

    def service_refused(self, tag: str, error: LinesideError) -> None:
        if tag == "issued" and self.step in ("reason", "badge", "pin"):
            self.pin = None
            self.go("badge")  # a wrong PIN or a badge that may not approve: ask for the badge again
        elif tag == "reloaded":
            self.go("wo")
        super().service_refused(tag, error)

    def action_back(self) -> None:
        """One step back; from the order step, home."""
        self.message.clear()
        if self.step == "wo":
            self.app.pop_screen()
            return
        previous = {"lot": "wo", "qty": "lot", "badge": "qty", "pin": "badge", "reason": "pin"}[self.step]
        if previous == "wo":
            self.order = None
        if previous == "lot":
            self.proposal = None
        if previous in ("badge", "pin"):
            self.pin = None
        self.go(previous)
