"""Shipping (`6`): sales order -> lot (or serial; untracked: SKU/GTIN) -> quantity -> posted, FEFO proposed.

After a posting the flow stays on the same order at the lot step, until the order is fully shipped.
A lot label that carries a quantity (GS1 AI 30/37) fills the quantity step and posts at once.
"""

from __future__ import annotations

import uuid

from rich.text import Text
from textual.widgets import Static

from console.screens.base import FlowScreen
from console.words import parse_qty, qty_text
from core.errors import InvalidInput
from core.i18n import _
from core.scan import classify
from core.services import shipping, shipping_check

PROMPTS = {
    "order": "Scan the sales order",
    "lot": "Scan the lot (untracked: SKU or GTIN)",
    "qty": "Type the quantity to ship, then Enter",
}


def resolve_pick(db, actor, so_number: str, raw: str) -> tuple[dict, object]:
    """Classify a lot-step scan and check it against the order (worker side): (check, qty from the label)."""
    scan = classify(db, raw)
    if scan.kind == "lot":
        return shipping_check.check_lot(db, actor, so_number, lot=scan.code,
                                        sku=scan.sku if scan.candidates == 1 else None), None
    if scan.kind == "gs1" and (scan.lot or scan.serial):
        return shipping_check.check_lot(db, actor, so_number, lot=scan.lot or scan.serial, sku=scan.sku), scan.qty
    if scan.kind == "item" or (scan.kind == "gs1" and scan.sku):
        return shipping_check.check_lot(db, actor, so_number, sku=scan.sku), scan.qty
    if scan.kind == "unknown":
        raise InvalidInput("Unknown scan: {scan}", scan=scan.raw)
    raise InvalidInput("Not a lot or an item: {scan}", scan=scan.raw)


class ShippingScreen(FlowScreen):
    """Steps `order` -> `lot` -> `qty`; Esc goes back one step."""

    TITLE_MSGID = "Shipping"
    CSS_PATH = "shipping.tcss"

    def __init__(self, scan=None) -> None:
        super().__init__()
        self.step = "order"
        self.order: dict | None = None  # the proposal: next open line and the FEFO lot
        self.pick: dict | None = None  # the checked lot (or SKU) and how much of it is free
        self.key: tuple[str, object] | None = None  # (idempotency key, qty) kept until the posting succeeds

    def compose_body(self):
        yield Static(id="order", classes="flow-panel")

    def translate(self) -> None:
        self.set_prompt(PROMPTS[self.step])
        self.show()

    def go(self, step: str) -> None:
        self.step = step
        if step == "order":
            self.order = None
        if step in ("order", "lot"):
            self.pick, self.key = None, None
        self.translate()

    def show(self) -> None:
        """The order, its open quantity and the proposed lot; at the quantity step the chosen lot."""
        text = Text()
        if self.order:
            o = self.order
            text.append(f"{_('Order')} ", style="dim").append(f"{o['so_number']}/{o['line_no']}", style="bold")
            text.append(f"  {_('Customer')} ", style="dim").append(o["customer"])
            text.append(f"\n{_('Item')} ", style="dim").append(o["sku"], style="bold")
            text.append(f"  {_('Open qty')} ", style="dim").append(qty_text(o["open"]), style="bold")
            text.append(f"\n{_('FEFO lot')} ", style="dim")
            if o["lot"]:
                text.append(o["lot"], style="bold green").append(f"  {_('at')} {o['location']}")
            else:
                text.append(_("none in stock"), style="yellow")
        if self.pick:
            p = self.pick
            text.append(f"\n{_('Shipping')} ", style="dim").append(p["lot"] or p["sku"], style="bold")
            text.append(f"  {_('Free')} ", style="dim").append(qty_text(p["free"]))
        self.query_one("#order", Static).update(text)

    def scanned(self, value: str) -> None:
        value = value.strip()
        if not value:
            return
        db, actor = self.app.services.db, self.app.actor
        if self.step == "order":
            self.call_service("order", shipping.proposal, db, actor, value)
        elif self.step == "lot":
            self.call_service("lot", resolve_pick, db, actor, self.order["so_number"], value)
        else:
            try:
                qty = parse_qty(value)
            except InvalidInput as exc:
                self.message.error(str(exc))
                return
            self.post(qty)

    def post(self, qty) -> None:
        if self.key is None or self.key[1] != qty:  # a retried Enter of the same confirmation reuses its key
            self.key = (str(uuid.uuid4()), qty)
        p = self.pick
        self.call_service("ship", lambda: shipping.ship(
            self.app.services.db, self.app.actor, key=self.key[0], so_number=self.order["so_number"], qty=qty,
            lot=p["lot"], sku=None if p["lot"] else p["sku"]))

    def service_done(self, tag: str, value: object) -> None:
        if tag in ("order", "next"):
            self.order = value
            self.go("lot")
        elif tag == "lot":
            self.pick, label_qty = value
            if label_qty:
                self.step = "qty"
                self.translate()
                self.post(label_qty)
            else:
                self.go("qty")
        elif tag == "ship":
            self.go("lot")
            self.message.info(_("Shipped {qty} of {lot} on {so}").format(
                qty=qty_text(value["qty"]), lot=value["lot"] or value["sku"], so=value["so_number"]))
            self.call_service("next", shipping.proposal, self.app.services.db, self.app.actor, value["so_number"])

    def service_refused(self, tag: str, error) -> None:
        if tag == "next":  # the order is complete: a notice, not a refusal
            done = self.message.text
            self.go("order")
            self.message.info(f"{done} · {error}")
            return
        super().service_refused(tag, error)

    def action_back(self) -> None:
        """Esc: quantity -> lot -> order -> home."""
        if self.step == "qty":
            self.go("lot")
        elif self.step == "lot":
            self.go("order")
        else:
            self.app.pop_screen()
