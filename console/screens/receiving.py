"""Receiving (`1`): PO (Enter alone: supplier) -> item -> lot -> expiry -> quantity -> posted, label printed.

A GS1 scan that carries the lot, expiry or count fills those steps and skips them; one full label posts the
receipt on its own. The expiry is asked only for an item with a shelf life (Enter accepts today + shelf life).
A refused over-receipt can be approved with F2: a supervisor's badge and PIN, then a reason from the list.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from console.screens import inbound_panels as panels
from console.screens import receiving_steps as steps
from console.screens.base import BACK, LANGUAGE, LOG_OUT, FlowScreen
from console.words import parse_qty
from core.errors import InvalidInput, LinesideError
from core.i18n import _
from core.services import receiving, receiving_views

PROMPTS = {
    "po": "Scan the PO number (Enter alone: receipt without PO)",
    "supplier": "Scan the supplier code",
    "item": "Scan the item (GS1 label, GTIN or SKU)",
    "lot": "Scan or type the lot number",
    "serial": "Scan the serial number",
    "expiry": "Type the expiry date (Enter = {date})",
    "qty": "Type the quantity received, then Enter",
    "badge": "Over-receipt: the supervisor scans their badge",
    "pin": "PIN for badge {badge}",
    "reason": "Over-receipt: type the reason number, then Enter",
}
REASONS = [code for code, _msgid in steps.OVER_RECEIPT_REASONS]
REASON_LABELS = dict(steps.OVER_RECEIPT_REASONS)
APPROVAL, REPRINT = ("F2", "Supervisor approval"), ("F4", "Reprint label")
APPROVAL_STEPS = ("badge", "pin", "reason")


class ReceivingScreen(FlowScreen):
    """Steps in `step`; `trail` remembers the steps asked, so Esc goes back to the one asked before."""

    TITLE_MSGID = "Receiving"
    CSS_PATH = "inbound.tcss"
    BINDINGS = [Binding("f2", "approve", show=False), Binding("f4", "reprint", show=False)]

    def __init__(self, scan=None) -> None:
        super().__init__()
        self.step, self.trail = "po", []
        self.po = None
        self.supplier: str | None = None
        self.over = False  # the last posting was refused as an over-receipt: F2 may lift it
        self.badge, self.approver, self.reason = "", None, None
        self.key: tuple[str, tuple] | None = None
        self.last_label: tuple[str, str] | None = None
        self.label_where: str | None = None
        self.clear_receipt()

    def clear_receipt(self) -> None:
        self.item, self.lot, self.expiry, self.qty = None, None, None, None
        self.over, self.approver, self.reason = False, None, None

    def compose_body(self):
        yield Static(id="order", classes="inbound-panel")
        yield Static(id="receipt", classes="inbound-panel")

    def translate(self) -> None:
        self.show(self.step)

    @property
    def proposed_expiry(self) -> date | None:
        if self.item is not None and self.item.shelf_life_days:
            return date.today() + timedelta(days=self.item.shelf_life_days)
        return None

    def show(self, step: str) -> None:
        """Draw a step: prompt, keys, order and receipt panels."""
        self.step = step
        self.scan_field.password = step == "pin"
        prompt = PROMPTS["serial" if step == "lot" and self.item and self.item.tracking == "serial" else step]
        self.query_one("#prompt", Static).update(_(prompt).format(
            badge=self.badge, date=self.proposed_expiry.isoformat() if self.proposed_expiry else "-"))
        hints = [APPROVAL] if self.over and self.qty is not None and step not in APPROVAL_STEPS else []
        hints += [REPRINT] if self.last_label else []
        self.query_one("KeyHints").set_hints(hints + [BACK, LOG_OUT, LANGUAGE])
        self.query_one("#order", Static).update(panels.po_panel(self.po, self.supplier))
        receipt = panels.receipt_panel(self.item, self.lot, self.expiry, self.qty,
                                       self.proposed_expiry if step == "expiry" else None)
        if step == "reason":
            receipt.append("\n\n").append_text(panels.reason_lines(REASONS, REASON_LABELS))
        elif self.label_where and step == "item":
            receipt.append_text(panels.label(Text(), "Label", self.label_where, "green"))
        self.query_one("#receipt", Static).update(receipt)

    def go(self, step: str) -> None:
        """Ask a step (remembered for Esc)."""
        if step != self.step:
            self.trail.append(self.step)
        self.show(step)

    def ask_next(self) -> None:
        """The first step the scans have not filled yet; when none is left, post the receipt."""
        if self.item.tracking != "none" and not self.lot:
            self.go("lot")
        elif self.item.shelf_life_days and self.expiry is None:
            self.go("expiry")
        elif self.qty is None and self.item.tracking == "serial":
            self.qty = 1
            self.ask_next()
        elif self.qty is None:
            self.go("qty")
        else:
            self.show(self.step)
            self.post()

    # Scans -----------------------------------------------------------------------------------------------------

    def scanned(self, value: str) -> None:
        db, actor, step = self.app.services.db, self.app.actor, self.step
        if step == "po":
            if value.strip():
                self.call_service("po", receiving_views.purchase_order, db, actor, value)
            else:
                self.go("supplier")
        elif not value.strip() and step not in ("expiry", "qty", "pin"):
            return
        elif step == "supplier":
            self.call_service("supplier", receiving_views.supplier, db, actor, value)
        elif step == "item":
            self.call_service("item", steps.resolve_item, db, actor, value, self.po)
        elif step == "lot":
            self.call_service("lot", steps.resolve_lot, db, value, self.item)
        elif step == "badge":
            self.badge = value.strip()
            self.go("pin")
        elif step == "pin":
            self.call_service("pin", steps.approver, db, self.badge, value, self.app.terminal)
        else:
            self.typed(step, value)

    def typed(self, step: str, value: str) -> None:
        """Expiry, quantity and reason are typed values, checked here without a database call."""
        try:
            if step == "expiry":
                self.expiry = steps.parse_expiry(value, self.proposed_expiry, date.today())
            elif step == "qty":
                open_qty = self.po.open_for(self.item.sku) if self.po else 0
                if not value.strip() and not open_qty:
                    raise InvalidInput("Type the quantity received")
                self.qty = parse_qty(value) if value.strip() else open_qty
            else:
                self.reason = panels.pick_reason(REASONS, value)
        except LinesideError as exc:
            self.message.error(str(exc))
            return
        self.ask_next()

    def post(self) -> None:
        content = (self.po and self.po.po_number, self.supplier, self.item.sku, self.lot, self.expiry, self.qty)
        if self.key is None or self.key[1] != content:  # a retried Enter of the same receipt reuses its key
            self.key = (str(uuid.uuid4()), content)
        approved = self.approver is not None and self.reason is not None
        cmd = receiving.ReceiveCommand(
            key=self.key[0], sku=self.item.sku, qty=self.qty, lot=self.lot, expiry=self.expiry,
            po_number=self.po.po_number if self.po else None, supplier=None if self.po else self.supplier,
            warehouse=self.app.warehouse, over_receipt_reason=self.reason if approved else None,
            approver=self.approver if approved else None)
        self.call_service("post", steps.post, self.app.services.db, self.app.actor, cmd)

    # Answers ---------------------------------------------------------------------------------------------------

    def service_done(self, tag: str, value: object) -> None:
        if tag == "po":
            self.po, self.supplier = value, value.supplier
            self.clear_receipt()
            self.go("item")
        elif tag == "supplier":
            self.po, self.supplier = None, value
            self.go("item")
        elif tag == "item":
            self.item, carried = value
            self.lot, self.expiry, self.qty = carried.lot, carried.expiry, carried.qty
            self.ask_next()
        elif tag == "lot":
            self.lot = value.lot
            self.expiry = value.expiry or self.expiry
            self.qty = value.qty or self.qty
            self.ask_next()
        elif tag == "pin":
            self.approver = value
            self.go("reason")
        elif tag == "post":
            self.posted(*value)
        elif tag == "reprint":
            self.label_where = value
            self.message.info(_("Label printed: {where}").format(where=value))
            self.show(self.step)

    def posted(self, result: dict, po, where: str | None, fault: LinesideError | None) -> None:
        self.po = po or self.po
        self.key, self.trail = None, ["po"] if self.po else ["po", "supplier"]
        self.last_label = (result["lot"], result["sku"]) if result["lot"] else self.last_label
        self.label_where = where
        self.clear_receipt()
        self.show("item")
        done = _("Received {qty} {sku} lot {lot} on {location} ({status})").format(
            qty=panels.qty_text(result["qty"]), sku=result["sku"], lot=result["lot"] or "-",
            location=result["location"], status=panels.status_text(result["status"]))
        if fault is not None:
            self.message.error(_("{done}; label not printed: {error} (F4)").format(done=done, error=fault))
        else:
            self.message.info(done)

    def service_refused(self, tag: str, error: LinesideError) -> None:
        if tag == "post":
            self.over = steps.is_over_receipt(error)
            self.approver, self.reason = None, None
            while self.step in APPROVAL_STEPS and self.trail:
                self.step = self.trail.pop()
            if not self.over:  # what this step filled is asked again; an over-receipt waits for F2 or Esc
                self.drop(self.step)
            self.show(self.step)
        elif tag == "pin":
            self.show("pin")
        super().service_refused(tag, error)

    def drop(self, step: str) -> None:
        """Forget what a step filled (and, for the item step, the whole receipt)."""
        if step == "item":
            self.clear_receipt()
        elif step in ("lot", "expiry", "qty"):
            setattr(self, step, None)

    # Keys ------------------------------------------------------------------------------------------------------

    def action_approve(self) -> None:
        """F2 after an over-receipt refusal: a supervisor approves it with badge, PIN and a reason."""
        if self.over and self.qty is not None and self.step not in APPROVAL_STEPS:
            self.message.clear()
            self.badge = ""
            self.go("badge")

    def action_reprint(self) -> None:
        """F4: the last label again."""
        if self.last_label:
            self.call_service("reprint", receiving_views.print_label, self.app.services.db, self.app.actor,
                              *self.last_label)

    def action_back(self) -> None:
        """Esc: the step asked before (what it filled is asked again); from the PO step, home."""
        self.message.clear()
        if not self.trail:
            self.app.pop_screen()
            return
        if self.step in APPROVAL_STEPS:  # out of the approval, back where F2 was pressed, the receipt kept
            self.approver, self.reason = None, None
            while self.step in APPROVAL_STEPS and self.trail:
                self.step = self.trail.pop()
            self.show(self.step)
            return
        step = self.trail.pop()
        if step == "po":
            self.po, self.supplier, self.trail = None, None, []
        elif step == "supplier":
            self.supplier = None
        self.over = False
        self.drop("item" if step in ("po", "supplier") else step)
        self.show(step)
