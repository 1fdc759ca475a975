"""Shipping (`6`): sales order -> lot (or serial; untracked: SKU/GTIN) -> quantity -> posted, FEFO proposed.

After a posting the flow stays on the same order at the lot step, until the order is fully shipped.
A lot label that carries a quantity (GS1 AI 30/37) fills the quantity step and posts at once.
"""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.widgets import Static

from console.compact import Lines
from console.flow import FlowScreen, Step, handles
from console.screens import shipping_steps as steps
from console.words import qty_text
from core.i18n import N_, _
from core.services import shipping
from core.services.shipping_check import Shippable


class ShippingScreen(FlowScreen):
    """Steps `order` -> `lot` -> `qty`; Esc goes back one step."""

    TITLE_MSGID = N_("Shipping")
    CSS_PATH = "shipping.tcss"
    STEPS = (
        Step("order", N_("Scan the sales order")),
        Step("lot", N_("Scan the lot (untracked: SKU or GTIN)"), back="order"),
        Step("qty", N_("Type the quantity to ship, then Enter"), back="lot"),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.order: shipping.Proposal | None = None  # the next open line and the FEFO lot
        self.pick: Shippable | None = None  # the checked lot (or SKU) and how much of it is free
        self.complete: str | None = None  # the order just fully shipped (the RF gun's message line cuts it off)

    def compose_body(self):
        yield Static(id="order", classes="flow-panel")

    def draw(self, step: Step) -> None:
        """The order, its open quantity and the proposed lot; at the quantity step the chosen lot."""
        text = Text()
        if self.order:
            o = self.order
            text.append(f"{_('Order')} ", style="dim").append(f"{o.so_number}/{o.line_no}", style="bold")
            text.append(f"  {_('Customer')} ", style="dim").append(o.customer)
            text.append(f"\n{_('Item')} ", style="dim").append(o.sku, style="bold")
            text.append(f"  {_('Open qty')} ", style="dim").append(qty_text(o.open), style="bold")
            text.append(f"\n{_('FEFO lot')} ", style="dim")
            if o.lot:
                text.append(o.lot, style="bold green").append(f"  {_('at')} ").append(o.location or "")
            else:
                text.append(_("none in stock"), style="yellow")
        if self.pick and step.name == "qty":
            p = self.pick
            text.append(f"\n{_('Shipping')} ", style="dim").append(p.lot or p.sku, style="bold")
            text.append(f"  {_('Free')} ", style="dim").append(qty_text(p.free))
        self.query_one("#order", Static).update(text)

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the order's line and what is open of it, the FEFO lot and where; at the quantity step the lot."""
        lines = Lines()
        if step.name == "order" and self.complete:
            lines.text(_("Sales order {so} is fully shipped").format(so=self.complete), style="bold green")
        if self.order:
            o = self.order
            lines.pair(f"{o.so_number}/{o.line_no}", o.customer)
            lines.pair(o.sku)
            lines.add("Open qty", qty_text(o.open), style="bold")
            if o.lot:
                lines.add("FEFO lot", o.lot, style="bold green")
                lines.add("Location", o.location, style="")
            else:
                lines.add("FEFO lot", _("none in stock"), style="yellow")
        if self.pick and step.name == "qty":
            p = self.pick
            lines.add("Shipping", p.lot or p.sku)
            lines.add("Free", qty_text(p.free))
        return lines

    @handles("order")
    def order_scanned(self, value: str) -> None:
        self.read(self.proposed, shipping.proposal, self.app.services.db, self.app.actor, value)

    def proposed(self, order: shipping.Proposal) -> None:
        self.order, self.pick, self.complete = order, None, None
        self.go("lot")

    @handles("lot")
    def lot_scanned(self, value: str) -> None:
        self.read(self.picked, steps.resolve_pick, self.app.services.db, self.app.actor, self.order.so_number,
                  value)

    def picked(self, pick: steps.Pick) -> None:
        self.pick = pick.check
        self.go("qty")
        if pick.check.serial:  # a serial is one unit: its scan alone ships it
            self.ship(Decimal(1))
        elif pick.label_qty:  # the label said how much: post it at once
            self.ship(pick.label_qty)

    @handles("qty")
    def qty_typed(self, value: str) -> None:
        self.quantity(value, self.pick.sku, self.ship)

    def ship(self, qty: Decimal) -> None:
        pick = self.pick
        key = self.key.for_payload((pick, qty))  # a retried Enter of the same confirmation reuses its key
        self.post(self.shipped, steps.ship, self.app.services.db, self.app.actor, key=key, pick=pick, qty=qty)

    def shipped(self, done: steps.ShipDone) -> None:
        self.key.spent()
        s = done.shipped
        self.pick = None
        text = _("Shipped {qty} of {lot} on {so}").format(qty=qty_text(s.qty), lot=s.lot or s.sku, so=s.so_number)
        if done.next is None:  # the order is complete: a notice, then the first step
            self.order, self.complete = None, s.so_number
            self.go("order")
            text += " · " + _("Sales order {so} is fully shipped").format(so=s.so_number)
        else:
            self.order = done.next
            self.go("lot")
        self.message.info(text)

    def forget(self, step: str) -> None:
        if step == "lot":
            self.order = None
        self.pick = None
