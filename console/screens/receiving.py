"""Receiving (`1`): PO (Enter alone: supplier) -> item -> lot -> expiry -> quantity -> posted, label printed.

A GS1 scan that carries the lot, expiry or count fills those steps and skips them; one full label posts the
receipt on its own. The expiry is asked only for an item with a shelf life (Enter accepts today + shelf life).
A refused over-receipt can be approved with F2: a supervisor's badge and PIN, then a reason from the list.
A supplier's pallet label (`(00)SSCC` of an ASN) at the PO or item step receives every lot on it at once; at the
quantity step a pack's barcode or `3 CASE` is converted to base units (FlowScreen.quantity).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual.binding import Binding
from textual.widgets import Static

from console.compact import Lines
from console.flow import APPROVAL_STEPS, REPRINT, Approval, ApprovalFlow, Step, approval_steps, handles
from console.screens import inbound_panels as panels
from console.screens import pallet_panels
from console.screens import receiving_steps as steps
from console.words import qty_text, status_text
from core.errors import InvalidInput, OverReceipt
from core.i18n import N_, _
from core.reasons import OverReceiptReason
from core.services import pallets, receiving, receiving_views
from core.services.receiving_views import ItemView, PoView
from core.units import require_whole


def today() -> date:
    """The day an expiry is proposed from and checked against (a function, so tests can fix the day)."""
    return date.today()


class ReceivingScreen(ApprovalFlow):
    """Steps in `step`; `trail` remembers the steps asked, so Esc goes back to the one asked before."""

    TITLE_MSGID = N_("Receiving")
    CSS_PATH = "inbound.tcss"
    BINDINGS = [*ApprovalFlow.BINDINGS, Binding("f4", "reprint", show=False)]
    STEPS = (
        Step("po", N_("Scan the PO number (Enter alone: receipt without PO)"), blank=True),
        Step("supplier", N_("Scan the supplier code")),
        Step("item", N_("Scan the item (GS1 label, GTIN or SKU)")),
        Step("lot", N_("Scan or type the lot number")),
        Step("serial", N_("Scan the serial number")),
        Step("expiry", N_("Type the expiry date"), default=N_("Enter = {date}")),
        Step("qty", N_("Type the quantity received, then Enter"), default=N_("Enter = {open}"), blank=True),
        *approval_steps(OverReceiptReason, N_("Over-receipt: type the reason number, then Enter")),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.trail: list[str] = []
        self.po: PoView | None = None
        self.supplier: str | None = None
        self.last_label: tuple[str, str] | None = None
        self.label_where: str | None = None
        self.pallet = None  # the last pallet received by its SSCC, shown until the next receipt starts
        self.clear_receipt()

    def clear_receipt(self) -> None:
        self.item: ItemView | None = None
        self.lot: str | None = None
        self.expiry: date | None = None
        self.qty = None

    def on_mount(self) -> None:
        super().on_mount()
        if self.initial_scan is not None and self.initial_scan.kind == "asn":  # a pallet label on the home screen
            self.receive_pallet(self.initial_scan.code)

    def compose_body(self):
        yield Static(id="order", classes="inbound-panel")
        yield Static(id="receipt", classes="inbound-panel")

    # Drawing ---------------------------------------------------------------------------------------------------

    @property
    def proposed_expiry(self) -> date | None:
        if self.item is not None and self.item.shelf_life_days:
            return today() + timedelta(days=self.item.shelf_life_days)
        return None

    @property
    def open_qty(self):
        return self.po.open_for(self.item.sku) if self.po and self.item else 0

    def prompt_values(self) -> dict[str, object]:
        proposed = self.proposed_expiry
        return {**super().prompt_values(), "date": proposed.isoformat() if proposed else "-",
                "open": qty_text(self.open_qty)}

    def has_default(self, step: Step) -> bool:
        return step.name != "qty" or bool(self.open_qty)

    def keys_for(self, step: Step) -> list:
        return super().keys_for(step) + ([REPRINT] if self.last_label else [])

    def draw(self, step: Step) -> None:
        self.query_one("#order", Static).update(panels.po_panel(self.po, self.supplier))
        receipt = panels.receipt_panel(self.item, self.lot, self.expiry, self.qty,
                                       self.proposed_expiry if step.name == "expiry" else None)
        if step.reasons:
            receipt.append("\n\n").append_text(self.reason_list(step.reasons))
        elif self.pallet is not None and self.item is None:
            receipt.append_text(pallet_panels.pallet_panel(self.pallet, N_("Received on")))
        elif self.label_where and step.name == "item" and self.item is None:  # not over the next receipt
            receipt.append_text(panels.label_line(self.label_where))
        self.query_one("#receipt", Static).update(receipt)

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the order, then the receipt being built (the PO's lines are left to the 80x24 layout)."""
        lines = Lines()
        if self.po is not None:
            lines.pair(self.po.po_number, self.po.supplier)
        elif self.supplier:
            lines.pair(_("No PO"), self.supplier)
        item = self.item
        if item is not None:
            lines.pair(item.sku, _("QC") if item.qc_required else "")
            lines.text(item.name, style="dim")
            lines.add("Serial" if item.tracking == "serial" else "Lot", self.lot)
            lines.add("Expiry", (self.expiry or (self.proposed_expiry if step.name == "expiry" else None) or ""))
            if self.qty is not None:
                lines.add("Qty", f"{qty_text(self.qty)} {item.uom}")
            if self.open_qty:
                lines.add("Open", f"{qty_text(self.open_qty)} {item.uom}", style="green")
        elif self.pallet is not None:
            lines.text(pallet_panels.pallet_panel(self.pallet, N_("Received on")))
        elif self.label_where and step.name == "item":
            lines.add("Label", Path(self.label_where).name, style="green")  # a file: its name is enough
        return lines

    # Steps -----------------------------------------------------------------------------------------------------

    def go(self, step: str) -> None:
        """Ask a step (remembered for Esc; the approval's own steps go back where F2 was pressed)."""
        if step != self.step and step not in APPROVAL_STEPS and self.step not in APPROVAL_STEPS:
            self.trail.append(self.step)
        super().go(step)

    def back_from(self, step: str) -> str | None:
        if step in APPROVAL_STEPS:
            return super().back_from(step)
        return self.trail[-1] if self.trail else None

    def go_back(self, step: str) -> None:
        """Esc: the step asked before, and what it filled is asked again (from the PO step's, the whole receipt)."""
        if self.step in APPROVAL_STEPS:  # out of the approval, back where F2 was pressed, the receipt kept
            super().go_back(step)
            return
        self.trail.pop()
        if step == "po":
            self.po, self.supplier, self.trail = None, None, []
        elif step == "supplier":
            self.supplier = None
        self.forget_value("item" if step in ("po", "supplier") else step)
        ApprovalFlow.go(self, step)

    def forget_value(self, step: str) -> None:
        """Drop what a step filled (the item step: the whole receipt)."""
        if step == "item":
            self.clear_receipt()
        elif step in ("lot", "serial"):
            self.lot = None
        elif step in ("expiry", "qty"):
            setattr(self, step, None)

    def ask_next(self) -> None:
        """The first step the scans have not filled yet; when none is left, post the receipt."""
        item = self.item
        if item.tracking != "none" and not self.lot:
            self.go("serial" if item.tracking == "serial" else "lot")
        elif item.shelf_life_days and self.expiry is None:
            self.go("expiry")
        elif self.qty is None and item.tracking == "serial":
            self.qty = 1
            self.ask_next()
        elif self.qty is None:
            self.go("qty")
        else:
            self.show(self.step)
            self.post_receipt()

    @handles("po")
    def po_scanned(self, value: str) -> None:
        if value and pallet_panels.is_sscc(value):
            self.receive_pallet(value)
        elif value:
            self.read(self.po_found, receiving_views.purchase_order, self.app.services.db, self.app.actor, value)
        else:
            self.go("supplier")

    def po_found(self, po: PoView) -> None:
        self.po, self.supplier = po, po.supplier
        self.clear_receipt()
        self.go("item")

    @handles("supplier")
    def supplier_scanned(self, value: str) -> None:
        self.read(self.supplier_found, receiving_views.supplier, self.app.services.db, self.app.actor, value)

    def supplier_found(self, supplier: str) -> None:
        self.po, self.supplier = None, supplier
        self.go("item")

    @handles("item")
    def item_scanned(self, value: str) -> None:
        if pallet_panels.is_sscc(value):
            self.receive_pallet(value)
            return
        self.pallet = None
        self.read(self.item_found, steps.resolve_item, self.app.services.db, self.app.actor, value, self.po)

    def item_found(self, found: steps.ItemScan) -> None:
        self.item = found.item
        self.lot, self.expiry, self.qty = found.carried.lot, found.carried.expiry, found.carried.qty
        self.pack_note = found.carried.pack
        self.ask_next()

    @handles("lot", "serial")
    def lot_scanned(self, value: str) -> None:
        self.read(self.lot_found, steps.resolve_lot, self.app.services.db, value, self.item)

    def lot_found(self, carried: steps.Carried) -> None:
        self.lot = carried.lot
        self.expiry = carried.expiry or self.expiry
        self.qty = carried.qty or self.qty
        self.ask_next()

    @handles("expiry")
    def expiry_typed(self, value: str) -> None:
        self.expiry = steps.parse_expiry(value, self.proposed_expiry, today())
        self.ask_next()

    @handles("qty")
    def qty_typed(self, value: str) -> None:
        if not value and not self.open_qty:
            raise InvalidInput(N_("Type the quantity received"))
        if not value:
            self.qty_known(self.open_qty)
        else:
            self.quantity(value, self.item.sku, self.qty_known)

    def qty_known(self, qty) -> None:
        self.qty = require_whole(qty, self.item.uom, self.item.sku)
        self.ask_next()

    # Posting ---------------------------------------------------------------------------------------------------

    def post_receipt(self, approval: Approval | None = None) -> None:
        po = self.po.po_number if self.po else None
        cmd = receiving.ReceiveCommand(
            key=self.key.for_payload((po, self.supplier, self.item.sku, self.lot, self.expiry, self.qty)),
            sku=self.item.sku, qty=self.qty, lot=self.lot, expiry=self.expiry, po_number=po,
            supplier=None if self.po else self.supplier, warehouse=self.app.warehouse,
            over_receipt_reason=approval.reason if approval else None,
            approver=approval.approver if approval else None)
        self.post(self.posted, steps.post, self.app.services.db, self.app.actor, cmd, refused=self.receipt_refused)

    def receive_pallet(self, sscc: str) -> None:
        """A supplier's pallet label (SSCC) at the PO or item step: every lot of its ASN, received at once."""
        key = self.key.for_payload(("pallet", sscc))
        self.post(self.pallet_received, pallets.receive, self.app.services.db, self.app.actor, key=key, sscc=sscc,
                  warehouse=self.app.warehouse)

    def pallet_received(self, done: pallets.PalletDone) -> None:
        self.key.spent()
        self.pallet = done
        self.show(self.step)
        self.message.info(lambda: pallet_panels.received_line(done))

    def approved(self, approval: Approval) -> None:
        self.post_receipt(approval)

    def posted(self, done: steps.ReceiptPosted) -> None:
        result = done.receipt
        self.key.spent()
        self.approval_done()
        self.po = done.po or self.po
        self.last_label = (result.lot, result.sku) if result.lot else self.last_label
        self.label_where = done.label_where
        self.clear_receipt()
        self.go("item")
        self.trail = ["po"] if self.po else ["po", "supplier"]
        def line() -> str:  # a function: F9 says it again in the other language
            return _("Received {qty} {sku} lot {lot} on {location} ({status})").format(
                qty=qty_text(result.qty), sku=result.sku, lot=result.lot or "-", location=result.location,
                status=status_text(result.status))

        if done.label_fault is not None:
            fault = done.label_fault
            self.message.error(lambda: _("{done}; label not printed: {error} (F4)").format(done=line(),
                                                                                            error=str(fault)))
        else:
            self.message.info(line)

    def receipt_refused(self, error) -> None:
        """The receipt was refused: what the last step filled is asked again; an over-receipt waits for F2."""
        self.approval_done()
        if self.step in APPROVAL_STEPS:
            self.show(self.approval_from or "qty")
        if not isinstance(error, OverReceipt):
            self.forget_value(self.step)
            self.show(self.step)
        self.refuse(error)

    def action_reprint(self) -> None:
        """F4: the last label again."""
        if self.last_label:
            self.read(self.reprinted, receiving_views.print_label, self.app.services.db, self.app.actor,
                      *self.last_label)

    def reprinted(self, where: str) -> None:
        self.label_where = where
        self.show(self.step)
        self.message.info(lambda: _("Label printed: {where}").format(where=where))
