"""Work orders & kitting (`w`, supervisors): which work orders can run today, their shortages, and the actions.

The list shows open work orders by due date with their kitting status; a scanned or typed work order (or Enter
on the highlighted row) opens its components. F5 releases, F6 cancels, F7 closes the selected work order
(cancel and close ask for Enter to confirm).
"""

from __future__ import annotations

import uuid

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.widgets import DataTable, Static

from console.messages import ServiceDone, ServiceRefused
from console.screens import production_common as pc
from console.screens import production_views as views
from console.screens.base import BACK, LANGUAGE, FlowScreen
from core.errors import LinesideError
from core.i18n import _
from core.services import workorders
from core.services.work_order_views import board, work_order_view

PROMPTS = {
    "list": "Scan or type a work order (or ↑↓ and Enter)",
    "detail": "Scan another work order, or Esc for the list",
    "confirm": "{action} {wo}? Enter to confirm, Esc to keep it",
}
ACTIONS = {"release": ("F5", "Release"), "cancel": ("F6", "Cancel"), "close": ("F7", "Close")}
LIST_COLUMNS = [("Work order", False), ("SKU", False), ("Qty", True), ("Due", False), ("Line", False),
                ("State", False), ("Kitting", False)]
COMPONENT_COLUMNS = [("SKU", False), ("Required", True), ("Reserved", True), ("Issued", True),
                     ("Available", True), ("Short", True)]


class WorkOrdersScreen(FlowScreen):
    """Steps: list -> detail -> confirm (cancel/close); the board reloads after every action."""

    TITLE_MSGID = "Work orders & kitting"
    CSS_PATH = "production.tcss"
    HINTS = [*ACTIONS.values(), BACK, LANGUAGE]  # F10 still logs out; the line must fit 80 columns
    BINDINGS = [Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False),
                Binding("f5", "act('release')", show=False), Binding("f6", "act('cancel')", show=False),
                Binding("f7", "act('close')", show=False)]

    def __init__(self, scan=None) -> None:
        super().__init__()
        self.initial_scan = scan
        self.step, self.rows, self.order = "list", [], None
        self.action: str | None = None
        self.back_to = "list"
        self.key: str | None = None

    def compose_body(self):
        yield Static(id="detail")
        table = DataTable(id="board", cursor_type="row", zebra_stripes=True)
        table.can_focus = False  # the scan field keeps the focus; ↑↓ move the highlighted row
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        self.reload()
        if self.initial_scan is not None and self.initial_scan.kind == "work_order":
            self.open(self.initial_scan.code)

    @work(thread=True, exclusive=True, exit_on_error=False, group="wo-board")
    def reload(self) -> None:
        """Read the board in a worker of its own, so opening a work order never cancels it."""
        try:
            answer: ServiceDone | ServiceRefused = ServiceDone("board", board(self.app.services.db, self.app.actor))
        except LinesideError as exc:
            answer = ServiceRefused("board", exc)
        except Exception as exc:  # a lost database or a bug: one line, the screen stays
            answer = ServiceRefused("board", LinesideError("Unexpected error: {error}", error=type(exc).__name__))
        self.post_message(answer)

    def open(self, wo: str) -> None:
        self.call_service("order", work_order_view, self.app.services.db, self.app.actor, wo)

    # Drawing ---------------------------------------------------------------------------------------------------

    def translate(self) -> None:
        self.go(self.step)

    def go(self, step: str) -> None:
        self.step = step
        names = {"release": _("Release"), "cancel": _("Cancel"), "close": _("Close")}
        wo = self.selected()
        self.query_one("#prompt", Static).update(
            _(PROMPTS[step]).format(action=names.get(self.action or "", ""), wo=wo or ""))
        detail = views.board_summary(self.rows) if step == "list" else None
        if detail is None:
            detail = views.order_header(self.order, due=True) if self.order is not None else ""
        self.query_one("#detail", Static).update(detail)
        table = self.query_one("#board", DataTable)
        if step == "list":
            keep = table.cursor_row
            pc.fill_table(table, LIST_COLUMNS, [
                [r.kit.wo_number, r.kit.sku, r.kit.qty, r.kit.due_date.isoformat(), r.kit.line, pc.state_text(r.state),
                 views.kit_text(r.kit.status)] for r in self.rows])
            table.move_cursor(row=min(keep, max(len(self.rows) - 1, 0)))
        elif step == "detail" and self.order is not None:
            pc.fill_table(table, COMPONENT_COLUMNS, [
                [c.sku, c.required, c.reserved, c.issued, c.available,
                 Text(pc.qty_text(c.short), justify="right", style="bold red" if c.short else "")]
                for c in self.order.components])

    def selected(self) -> str | None:
        """The work order the keys act on: the one opened, else the highlighted row."""
        if self.step != "list" and self.order is not None:
            return self.order.wo_number
        table = self.query_one("#board", DataTable)
        return self.rows[min(table.cursor_row, len(self.rows) - 1)].kit.wo_number if self.rows else None

    # Keys, scans and answers ------------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        table = self.query_one("#board", DataTable)
        if self.step == "list" and table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + delta, table.row_count - 1)))

    def action_act(self, action: str) -> None:
        wo = self.selected()
        if wo is None or self.step == "confirm":
            return
        self.action, self.key, self.back_to = action, str(uuid.uuid4()), self.step
        if action == "release":
            self.run_action(wo)
        else:
            self.go("confirm")

    def run_action(self, wo: str) -> None:
        fn = {"release": workorders.release, "cancel": workorders.cancel, "close": workorders.close}[self.action]
        db, actor, key = self.app.services.db, self.app.actor, self.key
        self.call_service("acted", lambda: fn(db, actor, wo, key=key))

    def scanned(self, value: str) -> None:
        value = value.strip()
        if self.step == "confirm":
            self.run_action(self.selected())
        elif value:
            self.call_service("scan", self.app.services.classify, value)
        elif self.step == "list" and self.rows:
            self.open(self.selected())

    def service_done(self, tag: str, value: object) -> None:
        if tag == "board":
            self.rows = value
            if self.step == "list":
                self.go("list")
        elif tag == "scan":
            try:
                self.open(pc.require_work_order(value))
            except LinesideError as exc:
                self.message.error(str(exc))
        elif tag == "order":
            self.order = value
            self.go("detail")
        elif tag == "acted":
            self.action_done(value)

    def action_done(self, result: dict) -> None:
        note = _("{wo}: {status}").format(wo=result["wo_number"], status=pc.state_text(result["status"]))
        for s in result.get("shortages", []):
            note += "  " + _("short {sku}: {qty}").format(sku=s["sku"], qty=pc.qty_text(s["qty"]))
        self.key, self.action = None, None
        self.go(self.back_to)
        self.message.info(note)
        self.reload()
        if self.back_to == "detail":
            self.open(result["wo_number"])

    def service_refused(self, tag: str, error: LinesideError) -> None:
        if tag == "acted" and self.step == "confirm":
            self.go(self.back_to)
        super().service_refused(tag, error)

    def action_back(self) -> None:
        """confirm -> where it came from; detail -> list; list -> home."""
        self.message.clear()
        if self.step == "confirm":
            self.action, self.key = None, None
            self.go(self.back_to)
        elif self.step == "detail":
            self.order = None
            self.go("list")
        else:
            self.app.pop_screen()
