"""Picking (`3`): work order -> per task: location -> lot (or SKU/GTIN) -> quantity -> the line-side drop -> posted.

The picks are collected on the screen and posted in one operation at the drop (picking.post_picks), with one
idempotency key kept until that posting succeeds. F2 on the quantity step records a short pick with a reason.
"""

from __future__ import annotations

from decimal import Decimal

from textual.binding import Binding
from textual.widgets import DataTable, Static

from console.screens import production_common as pc
from console.screens import production_views as views
from console.screens.base import BACK, LANGUAGE, LOG_OUT
from console.screens.order_flow import OrderFlowScreen
from core.errors import InvalidInput, LinesideError, WrongLocation
from core.i18n import _, ngettext
from core.services import picking
from core.services.picking import PickLine
from core.services.work_order_views import work_order_view

PROMPTS = {
    "wo": "Scan the work order to pick",
    "location": "Go to {location} and scan the location",
    "lot": "Scan lot {lot}",
    "item": "Scan the item {sku} (SKU or GTIN)",
    "qty": "Quantity picked (Enter = {qty})",
    "reason": "Short pick: type the reason number, then Enter",
    "drop": "Scan the line-side drop location of line {line}",
}
COLUMNS = [("#", False), ("Location", False), ("SKU", False), ("Lot", False), ("Qty", True), ("Picked", True)]


class PickingScreen(OrderFlowScreen):
    """A state machine over `step`; `lines` holds the confirmed picks until the drop posts them."""

    TITLE_MSGID = "Picking"
    TABLE_ID = "tasks"
    BINDINGS = [Binding("f2", "short", show=False)]

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.wo, self.line, self.tasks, self.i = "", "", [], 0
        self.lines: dict[int, PickLine] = {}
        self.lot: str | None = None
        self.short_qty = Decimal(0)
        self.posted_note = ""

    def open_order(self, wo: str) -> None:
        self.claim(wo)

    def claim(self, wo: str, tag: str = "claim") -> None:
        """The work order (for its line) and the open tasks this clerk now holds, in pick-path order."""
        db, actor = self.app.services.db, self.app.actor
        self.call_service(tag, lambda: (work_order_view(db, actor, wo), picking.claim(db, actor, wo)))

    # Drawing ---------------------------------------------------------------------------------------------------

    @property
    def task(self):
        return self.tasks[self.i] if self.i < len(self.tasks) else None

    def remaining(self, task) -> Decimal:
        return task.qty - task.picked_qty

    def go(self, step: str) -> None:
        """Show a step: its prompt, its keys, the task panel and the pick list."""
        self.step = step
        task = self.task
        values = {"location": task and task.location, "lot": task and task.lot, "sku": task and task.sku,
                  "qty": task and pc.qty_text(self.remaining(task)), "line": self.line}
        if step == "lot" and task is not None and task.tracking == "none":
            step_prompt = PROMPTS["item"]
        else:
            step_prompt = PROMPTS[step]
        self.query_one("#prompt", Static).update(_(step_prompt).format(**values))
        hints = [pc.SHORT_PICK, BACK, LOG_OUT, LANGUAGE] if step == "qty" else [BACK, LOG_OUT, LANGUAGE]
        self.query_one("KeyHints").set_hints(hints)
        detail = views.pick_panel(self.wo, self.tasks, self.i, self.lines, self.lot)
        if step == "reason":
            detail.append("\n" + _("Found {qty} of {wanted}").format(
                qty=pc.qty_text(self.short_qty), wanted=pc.qty_text(self.remaining(task))) + "\n", style="yellow")
            detail.append_text(pc.reason_lines(pc.SHORT_REASONS))
        self.query_one("#detail", Static).update(detail)
        self.show_tasks()

    def show_tasks(self) -> None:
        table = self.query_one("#tasks", DataTable)
        pc.fill_table(table, COLUMNS, views.pick_rows(self.tasks, self.lines))
        if self.task is not None:
            table.move_cursor(row=self.i)

    # Steps -----------------------------------------------------------------------------------------------------

    def scanned(self, value: str) -> None:
        value = value.strip()
        if self.step == "qty":
            self.on_qty(value)
        elif self.step == "reason":
            self.on_reason(value)
        elif value:
            self.call_service(self.step, self.app.services.classify, value)

    def done_wo(self, scan) -> None:
        self.claim(pc.require_work_order(scan))

    def done_claim(self, answer) -> None:
        order, tasks = answer
        if not tasks:
            raise InvalidInput("No open pick tasks for {wo}", wo=order.wo_number)
        self.wo, self.line = order.wo_number, order.line
        self.tasks, self.i, self.lines, self.lot, self.key = list(tasks), 0, {}, None, None
        self.go("location")

    def done_location(self, scan) -> None:
        if scan.kind != "location" or scan.code != self.task.location:
            raise WrongLocation("Wrong location {scan}: go to {location}", scan=scan.raw, location=self.task.location)
        self.go("lot")

    def done_lot(self, scan) -> None:
        task = self.task
        if scan.sku is not None and scan.sku != task.sku:
            raise InvalidInput("Wrong item {sku}: pick {wanted}", sku=scan.sku, wanted=task.sku)
        lot, _sku = pc.material_of(scan, task.tracking)
        self.lot = lot
        if scan.qty is not None:  # a label that carries the quantity fills the quantity step
            self.confirm(scan.qty)
        else:
            self.go("qty")

    def on_qty(self, value: str) -> None:
        try:
            qty = pc.parse_qty(value) if value else self.remaining(self.task)
            if qty == 0:
                raise InvalidInput("Type a quantity, or F2 for a short pick")
            self.confirm(qty)
        except LinesideError as exc:
            self.message.error(str(exc))

    def confirm(self, qty: Decimal, reason: str | None = None) -> None:
        """Record the current task's line and move on to the next task, or to the drop."""
        task = self.task
        if qty > self.remaining(task):
            raise InvalidInput("Pick at most {qty}", qty=pc.qty_text(self.remaining(task)))
        self.lines[task.id] = PickLine(task.id, qty, self.lot, short=reason is not None, reason=reason)
        self.i, self.lot = self.i + 1, None
        self.go("drop" if self.task is None else "location")

    def action_short(self) -> None:
        """F2 on the quantity step: what is in the field is what was found (empty = none); then the reason."""
        if self.step != "qty":
            return
        typed, self.scan_field.value = self.scan_field.value.strip(), ""
        try:
            found = pc.parse_qty(typed) if typed else Decimal(0)
            if found >= self.remaining(self.task):
                raise InvalidInput("A short pick is less than {qty}", qty=pc.qty_text(self.remaining(self.task)))
        except LinesideError as exc:
            self.message.error(str(exc))
            return
        self.short_qty = found
        self.message.clear()
        self.go("reason")

    def on_reason(self, value: str) -> None:
        try:
            self.confirm(self.short_qty, reason=pc.pick_reason(pc.SHORT_REASONS, value))
        except LinesideError as exc:
            self.message.error(str(exc))

    def done_drop(self, scan) -> None:
        if scan.kind != "location":
            raise WrongLocation("Drop at the line side of {line}, not {location}", line=self.line or "—",
                                location=scan.raw)
        key = self.confirmation_key()
        self.call_service("post", lambda: picking.post_picks(
            self.app.services.db, self.app.actor, key=key, wo_number=self.wo,
            lines=list(self.lines.values()), drop_location=scan.code))

    def done_post(self, result) -> None:
        data = result.data
        self.key, self.lines = None, {}
        note = ngettext("Posted: {n} line of {wo} to {drop}", "Posted: {n} lines of {wo} to {drop}", data["lines"]
                        ).format(n=data["lines"], wo=data["wo_number"], drop=data["drop"])
        for s in data.get("shortages", []):
            note += "  " + _("short {sku}: {qty}").format(sku=s["sku"], qty=pc.qty_text(s["qty"]))
        self.posted_note = note
        self.claim(self.wo, "after")

    def done_after(self, answer) -> None:
        """After a posting: the same work order's remaining tasks, else back to the work-order step."""
        self.tasks, self.i, self.lot = list(answer[1]), 0, None
        tasks = self.tasks
        self.go("location" if tasks else "wo")
        self.message.info(self.posted_note)

    # Esc --------------------------------------------------------------------------------------------------------

    def action_back(self) -> None:
        """One step back; from a task's location to the previous task's quantity; from the order step, home."""
        self.message.clear()
        if self.step == "wo":
            self.app.pop_screen()
        elif self.step in ("lot", "qty", "reason"):
            self.go({"lot": "location", "qty": "lot", "reason": "qty"}[self.step])
        elif self.i == 0:
            self.tasks, self.lines, self.key = [], {}, None
            self.go("wo")
        else:
            self.i -= 1
            line = self.lines.pop(self.task.id, None)
            self.lot = line.lot if line else None
            self.go("qty")
