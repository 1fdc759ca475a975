"""Picking (`3`): work order -> per task: location -> lot (or SKU/GTIN) -> quantity -> the line-side drop -> posted.
Enter alone at the work-order step takes the next line-replenishment task (line-stock min/max) through the same
steps, dropped at the task's line-side location (replenishment_common).

The picks are collected on the screen and posted in one operation at the drop (picking.post_picks), with one
idempotency key per collected payload. F2 on the quantity step records a short pick with a reason.
A batch (picking_batch): after a first order, F6 or a `+` scan at its first location asks for more orders of the
same line; Enter walks their merged tasks, and the drop splits each pick back to its orders (post_batch).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from textual.binding import Binding
from textual.widgets import DataTable, Static

from console.compact import Lines
from console.flow import SHORT, FlowScreen, Key, Step, handles
from console.screens import picking_batch as pb
from console.screens import production_common as pc
from console.screens import production_compact as compact
from console.screens import production_views as views
from console.screens import replenishment_common as rc
from console.words import parse_qty, qty_text
from core.errors import InvalidInput, WrongLocation
from core.i18n import N_, _, ngettext
from core.reasons import ShortPickReason
from core.services import picking
from core.services.picking import Picked, PickLine
from core.units import require_whole

COLUMNS = [("#", False), ("Location", False), ("SKU", False), ("Lot", False), ("Qty", True), ("Picked", True)]


def posted_note(done: Picked) -> str:
    """`Posted: 3 lines of WO-1 to LINE-1` and the shortages a short raised, in the language of the moment."""
    note = ngettext("Posted: {n} line of {wo} to {drop}", "Posted: {n} lines of {wo} to {drop}", done.lines
                    ).format(n=done.lines, wo=done.wo_number, drop=done.drop)
    for s in done.shortages:
        note += "  " + _("short {sku}: {qty}").format(sku=s.sku, qty=qty_text(s.qty))
    return note


class PickingScreen(FlowScreen):
    """`tasks[i]` is the task at hand; `lines` holds the confirmed picks until the drop posts them."""

    TITLE_MSGID = N_("Picking")
    CSS_PATH = "production.tcss"
    BINDINGS = [Binding("f2", "short", show=False), Binding("f6", "add_order", show=False)]
    STEPS = (
        Step("wo", N_("Scan the work order to pick"), default=N_("Enter = next replenishment"), blank=True),
        Step("location", N_("Go to {location} and scan the location")),  # Esc: the previous task (back_from)
        Step("lot", N_("Scan lot {lot}"), back="location"),
        Step("item", N_("Scan the item {sku} (SKU or GTIN)"), back="location"),  # an untracked task
        Step("qty", N_("Quantity picked"), default=N_("Enter = {qty}"), keys=(SHORT,)),
        Step("reason", N_("Short pick: type the reason number, then Enter"), back="qty", reasons=ShortPickReason),
        Step("drop", N_("Scan the line-side drop location of line {line}")),
        Step("batch", N_("Scan another work order of line {line}, or Enter to start"), blank=True),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.wo, self.line, self.tasks, self.i = "", "", (), 0
        self.lines: dict[int, PickLine] = {}
        self.lot: str | None = None
        self.short_qty = Decimal(0)
        self.posted_note: Callable[[], str] = str  # the last posting's note, said again in the new language on F9
        self.orders: tuple[str, ...] = ()  # a batch's orders (due order); empty: one order is picked
        self.repl = None  # the replenishment task taken by Enter alone, while it is being picked

    def compose_body(self):
        yield Static(id="detail")
        table = DataTable(id="tasks", cursor_type="row", zebra_stripes=True)
        table.can_focus = False  # the scan field keeps the focus
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        if self.initial_scan is not None and self.initial_scan.kind == "work_order":
            self.read(self.claimed, pc.pick_list, self.app.services.db, self.app.actor, self.initial_scan.code)

    # Drawing ---------------------------------------------------------------------------------------------------

    @property
    def task(self):
        return self.tasks[self.i] if self.i < len(self.tasks) else None

    def remaining(self, task) -> Decimal:
        return task.qty - task.picked_qty

    def prompt_values(self) -> dict[str, object]:
        task, kept = self.task, self.kept()
        qty = qty_text(kept.qty if kept else self.remaining(task)) if task else ""
        return {"location": task.location if task else "", "lot": task.lot if task else "",
                "sku": task.sku if task else "", "qty": qty, "line": self.line}

    def kept(self) -> PickLine | None:
        """The pick already recorded for the task at hand (Esc came back to its quantity), if any."""
        return self.lines.get(self.task.id) if self.task is not None and self.step == "qty" else None

    def scanned(self, value: str) -> None:
        """Enter alone on a kept pick's quantity keeps that pick (a short one stays short) and goes on; a `+` scan
        at the first location of an order starts a batch."""
        if value.strip() == pb.ADD and self.can_batch():
            self.action_add_order()
            return
        if self.step == "qty" and not value.strip() and self.kept() is not None:
            self.i, self.lot = self.i + 1, None
            self.go("drop" if self.task is None else "location")
            return
        super().scanned(value)

    def keys_for(self, step: Step) -> list[Key]:
        """F6 Add order is offered at an order's first location, before anything is picked."""
        return [pb.ADD_ORDER, *super().keys_for(step)] if self.can_batch() else super().keys_for(step)

    def can_batch(self) -> bool:
        return self.step == "location" and not self.orders and self.i == 0 and not self.lines and bool(self.wo)

    def draw(self, step: Step) -> None:
        if step.name == "batch":
            detail = pb.orders_panel(self.line, self.orders)
        else:
            heading = (_("Replenish {location}").format(location=self.repl.location) if self.repl
                       else " + ".join(self.orders) or self.wo)
            detail = views.pick_panel(heading, self.tasks, self.i, self.lines, self.lot)
        if self.orders and self.task is not None and step.name != "batch":
            detail.append("\n").append_text(pb.shares(self.task))
        if step.reasons:
            detail.append("\n" + _("Found {qty} of {wanted}").format(
                qty=qty_text(self.short_qty), wanted=qty_text(self.remaining(self.task))) + "\n", style="yellow")
            detail.append_text(self.reason_list(step.reasons))
        self.query_one("#detail", Static).update(detail)
        table = self.query_one("#tasks", DataTable)
        pc.fill_table(table, COLUMNS, views.pick_rows(self.tasks, self.lines))
        if self.task is not None and step.name != "batch":
            table.move_cursor(row=self.i)

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the order (the batch's line, the replenishment), task n/N and what it asks; the batch's orders."""
        if step.name == "batch":
            return compact.batch(self.line, self.orders)
        heading = (_("Replenish {location}").format(location=self.repl.location) if self.repl
                   else _("Batch of line {line}").format(line=self.line) if self.orders else self.wo)
        return compact.pick(heading, self.tasks, self.i, self.lines, self.lot, step.name)

    def material_step(self) -> str:
        """`lot`, or `item` for an untracked task (its SKU or GTIN is scanned)."""
        return "item" if self.task.tracking == "none" else "lot"

    # Steps -----------------------------------------------------------------------------------------------------

    @handles("wo")
    def wo_scanned(self, value: str) -> None:
        if not value:
            self.read(self.replenishing, rc.next_task, self.app.services.db, self.app.actor)
            return
        self.read(self.claimed, pc.scanned_pick_list, self.app.services.db, self.app.actor, value)

    def replenishing(self, found: rc.Replenishing) -> None:
        self.repl, self.wo, self.line = found.task, "", found.task.line or found.task.location
        self.tasks, self.i, self.lines, self.lot = (found.pick,), 0, {}, None
        self.go("location")

    def claimed(self, found: pc.PickList) -> None:
        if not found.tasks:
            raise InvalidInput("No open pick tasks for {wo}", wo=found.wo_number)
        self.wo, self.line = found.wo_number, found.line
        self.tasks, self.i, self.lines, self.lot = found.tasks, 0, {}, None
        self.go("location")

    @handles("location")
    def location_scanned(self, value: str) -> None:
        self.read(self.at_location, self.app.services.classify, value)

    def at_location(self, scan) -> None:
        if scan.kind != "location" or scan.code != self.task.location:
            raise WrongLocation("Wrong location {scan}: go to {location}", scan=scan.raw, location=self.task.location)
        self.go(self.material_step())

    @handles("lot", "item")
    def material_scanned(self, value: str) -> None:
        if self.repl is not None:
            self.read(self.material, rc.material, self.app.services.db, self.app.actor, value, self.task)
            return
        self.read(self.material, pc.pick_material, self.app.services.db, self.app.actor, value, self.task)

    def material(self, found: pc.PickMaterial) -> None:
        self.lot = found.lot
        if found.carried is not None:  # a label that carries the quantity fills the quantity step
            self.confirm(found.carried)
        else:
            self.go("qty")

    @handles("qty")
    def qty_typed(self, value: str) -> None:
        task = self.task
        if not value:
            self.picked(self.remaining(task))
        else:
            self.quantity(value, task.sku, lambda qty: self.picked(require_whole(qty, task.uom, task.sku)), zero=True)

    def picked(self, qty: Decimal) -> None:
        if qty == 0:
            raise InvalidInput("Type a quantity, or F2 for a short pick")
        self.confirm(qty)

    def confirm(self, qty: Decimal, reason: ShortPickReason | None = None) -> None:
        """Record the current task's line and move on to the next task, or to the drop."""
        task = self.task
        if qty > self.remaining(task):
            raise InvalidInput("Pick at most {qty}", qty=qty_text(self.remaining(task)))
        self.lines[task.id] = PickLine(task.id, qty, self.lot, short=reason is not None, reason=reason)
        self.i, self.lot = self.i + 1, None
        self.go("drop" if self.task is None else "location")

    def action_short(self) -> None:
        """F2 on the quantity step: what is in the field is what was found (empty = none); then the reason."""
        if self.step != "qty":
            return
        typed, self.scan_field.value = self.scan_field.value.strip(), ""
        self.message.clear()
        try:
            found = require_whole(parse_qty(typed, zero=True), self.task.uom, self.task.sku) if typed else Decimal(0)
            if found >= self.remaining(self.task):
                raise InvalidInput("A short pick is less than {qty}", qty=qty_text(self.remaining(self.task)))
        except InvalidInput as exc:
            self.refuse(exc)
            return
        self.short_qty = found
        self.go("reason")

    @handles("reason")
    def reason_chosen(self, reason: ShortPickReason) -> None:
        self.confirm(self.short_qty, reason=reason)

    # Batch -------------------------------------------------------------------------------------------------------

    def action_add_order(self) -> None:
        """F6 (or `+`) at the first location of an order: more orders of its line join a batch at the next step."""
        if self.can_batch():
            self.message.clear()
            self.orders = (self.wo,)
            self.go("batch")

    @handles("batch")
    def batch_scanned(self, value: str) -> None:
        if not value:  # Enter: the walk starts (one order alone: its own pick list, as before)
            if len(self.orders) == 1:
                self.orders = ()
            self.i, self.lines, self.lot = 0, {}, None
            self.go("location")
            return
        self.read(self.joined, pb.joined, self.app.services.db, self.app.actor, self.orders, value)

    def joined(self, batch: pb.Batch) -> None:
        added = next(wo for wo in batch.orders if wo not in self.orders)
        self.orders, self.tasks, self.i, self.lines = batch.orders, batch.walk, 0, {}
        self.go("batch")
        self.message.info(lambda: ngettext("{wo} added: {n} line to pick", "{wo} added: {n} lines to pick",
                                   len(batch.walk)).format(wo=added, n=len(batch.walk)))

    def batch_posted(self, done: pb.BatchPicked) -> None:
        self.key.spent()
        self.lines = {}
        self.posted_note = lambda: pb.posted_note(done)
        self.read(self.batch_reclaimed, pb.reclaimed, self.app.services.db, self.app.actor, self.orders)

    def batch_reclaimed(self, batch: pb.Batch) -> None:
        """After a batch posting: what its orders still have open (a short order re-planned), else the order step."""
        if len(batch.orders) == 1:  # one order left: picked on alone, as if it had been scanned
            self.orders = ()
            self.read(self.reclaimed, pc.pick_list, self.app.services.db, self.app.actor, batch.orders[0])
            return
        self.tasks, self.i, self.lines, self.lot = batch.walk, 0, {}, None
        if batch.walk:
            self.orders, self.wo = batch.orders, batch.orders[0]
            self.go("location")
        else:
            self.orders, self.wo, self.line = (), "", ""
            self.go("wo")
        self.message.info(self.posted_note)

    # Drop -------------------------------------------------------------------------------------------------------

    @handles("drop")
    def drop_scanned(self, value: str) -> None:
        lines = tuple(self.lines.values())  # what is posted is what was confirmed, whatever happens meanwhile
        if self.repl is not None:
            (line,) = lines
            key = self.key.for_payload(("replenishment", self.repl.id, line, value))
            self.post(self.replenished, rc.drop, self.app.services.db, self.app.actor, value, key=key,
                      task=self.repl, lot=line.lot, qty=line.qty)
            return
        if self.orders:
            key = self.key.for_payload((self.orders, lines, value))
            self.post(self.batch_posted, pb.post_at_drop, self.app.services.db, self.app.actor, value, key=key,
                      line=self.line, walk=self.tasks, picks=lines)
            return
        key = self.key.for_payload((self.wo, lines, value))
        self.post(self.posted, pc.post_at_drop, self.app.services.db, self.app.actor, value, key=key,
                  wo_number=self.wo, line=self.line, lines=lines)

    def posted(self, done: Picked) -> None:
        self.key.spent()
        self.lines = {}
        self.posted_note = lambda: posted_note(done)
        self.read(self.reclaimed, pc.pick_list, self.app.services.db, self.app.actor, done.wo_number)

    def replenished(self, done) -> None:
        """A replenishment dropped: back to the work-order step, where Enter takes the next one."""
        self.key.spent()
        self.repl, self.tasks, self.i, self.lines, self.lot, self.line = None, (), 0, {}, None, ""
        self.go("wo")
        self.message.info(lambda: _("Replenished {location}: {qty} {sku} from {source}").format(
            location=done.location, qty=qty_text(done.qty), sku=done.sku, source=done.from_location))

    def reclaimed(self, found: pc.PickList) -> None:
        """After a posting: the same work order's remaining tasks, else back to the work-order step."""
        self.wo, self.line, self.orders = found.wo_number, found.line, ()
        self.tasks, self.i, self.lines, self.lot = found.tasks, 0, {}, None
        self.go("location" if found.tasks else "wo")
        self.message.info(self.posted_note)

    # Esc --------------------------------------------------------------------------------------------------------

    def claims_released(self, _count: int) -> None:
        """The claims of the order left are given back; nothing to show."""

    def back_from(self, step: str) -> str | None:
        """From a task's location (or the drop) to the previous task's quantity; from the first, the order step
        (in a batch: the batch step, and from there the order step)."""
        if step == "batch":
            return "wo"
        if step in ("location", "drop") and self.i == 0 and self.orders:
            return "batch"
        if step in ("location", "drop"):
            return "wo" if self.i == 0 else "qty"
        if step == "qty":
            return self.material_step()
        return super().back_from(step)

    def forget(self, step: str) -> None:
        if step == "batch" or (step in ("location", "drop") and self.i == 0 and not self.orders):
            for wo in self.orders or (self.wo,):  # out of the order(s): their tasks are free for another clerk
                if wo:
                    self.post(self.claims_released, picking.release_claims, self.app.services.db, self.app.actor, wo)
            if self.repl is not None:  # out of the replenishment: another terminal may take it at once
                self.post(self.claims_released, rc.release, self.app.services.db, self.app.actor, self.repl.id)
            self.tasks, self.lines, self.wo, self.line, self.orders, self.repl = (), {}, "", "", (), None
        elif step in ("location", "drop") and self.i == 0:  # back to the batch step: its orders stay claimed
            self.lines = {}
        elif step in ("location", "drop"):  # back to the previous task's quantity: its pick stays recorded
            self.i -= 1
            line = self.lines.get(self.task.id)
            self.lot = line.lot if line else None
        elif step == "qty":  # back to the lot: this task's pick (only this one) is undone
            self.lines.pop(self.task.id, None)
            self.lot = None
        elif step == "reason":
            self.short_qty = Decimal(0)
