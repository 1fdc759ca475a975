"""Alerts (`a`): the live list; type an alert's number (or move with ↑↓) and Enter, then act on it.

Steps: list -> detail (numbered choices) -> comment (acknowledge) or reason (block the lot) -> back to the list.
The list reloads whenever the app's live feed reports a change (LISTEN lineside_alerts), never on a timer.
"""

from __future__ import annotations

import uuid

from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from console import menu
from console.screens import alert_views as views
from console.screens.base import BACK, LANGUAGE, LOG_OUT, FlowScreen
from core.i18n import _, ngettext
from core.services import alert_actions, alerts, recall

PROMPTS = {
    "list": "Type an alert number (or ↑↓), then Enter",
    "detail": "Type the number of a choice, then Enter",
    "comment": "Type a comment for the acknowledgement, then Enter",
    "reason": "Type the reason for blocking the lot, then Enter",
    "result": "Enter or Esc: back to the list",
}


class AlertsLoaded(Message):
    """The open alerts, freshly read."""

    def __init__(self, rows: list) -> None:
        super().__init__()
        self.rows = rows


class AlertsScreen(FlowScreen):
    """A state machine over `step`; the scan field keeps the focus, ↑↓ move the highlighted row."""

    TITLE_MSGID = "Alerts"
    CSS_PATH = "alerts.tcss"
    HINTS = [("↑↓", "Select"), BACK, LOG_OUT, LANGUAGE]
    BINDINGS = [Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False)]

    def __init__(self, scan=None) -> None:
        super().__init__()
        self.rows: list = []
        self.step = "list"
        self.chosen = None
        self.options: list[tuple[str, str]] = []
        self.block_key: str | None = None

    def compose_body(self):
        yield Static(id="detail")
        table = DataTable(id="alerts", cursor_type="row", zebra_stripes=True)
        table.can_focus = False  # the scan field keeps the focus
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "alerts_serial", lambda *_a: self.reload(), init=False)
        self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="alerts-list")
    def reload(self) -> None:
        """Read the open alerts (a worker of its own, so a live refresh never cancels an acknowledgement)."""
        self.post_message(AlertsLoaded(alerts.list_alerts(self.app.services.db, self.app.actor)))

    def on_alerts_loaded(self, message: AlertsLoaded) -> None:
        self.rows = message.rows
        if self.step == "list":
            self.show_list()

    def translate(self) -> None:
        self.set_prompt(PROMPTS[self.step])
        if self.step == "list":
            self.show_list()
        elif self.chosen is not None:
            self.query_one("#detail", Static).update(views.detail_text(self.chosen, self.options))

    def show_list(self) -> None:
        table = self.query_one("#alerts", DataTable)
        keep = table.cursor_row
        views.fill_alerts(table, self.rows, self.size.width or 80)
        table.move_cursor(row=min(keep, max(len(self.rows) - 1, 0)))
        detail = self.query_one("#detail", Static)
        n = len(self.rows)
        detail.update(ngettext("{n} open alert", "{n} open alerts", n).format(n=n) if n else _("No open alerts"))

    def go(self, step: str) -> None:
        self.step = step
        self.set_prompt(PROMPTS[step])
        if step == "list":
            self.chosen = None
            self.show_list()

    # Keys and scans -------------------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        table = self.query_one("#alerts", DataTable)
        if self.step == "list" and table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + delta, table.row_count - 1)))

    def scanned(self, value: str) -> None:
        value = value.strip()
        getattr(self, f"_on_{self.step}")(value)

    def _on_list(self, value: str) -> None:
        if not value:
            table = self.query_one("#alerts", DataTable)
            if not self.rows:
                return
            value = str(self.rows[min(table.cursor_row, len(self.rows) - 1)].id)
        alert = next((a for a in self.rows if str(a.id) == value.lstrip("#")), None)
        if alert is None:
            self.message.error(_("No open alert {number}").format(number=value))
            return
        self.choose(alert)

    def choose(self, alert) -> None:
        self.chosen, self.options = alert, views.options_for(self.app.actor, alert)
        self.query_one("#alerts", DataTable).clear(columns=True)
        self.query_one("#detail", Static).update(views.detail_text(alert, self.options))
        self.go("detail")

    def _on_detail(self, value: str) -> None:
        picked = int(value) if value.isdigit() else 0
        if not 1 <= picked <= len(self.options):
            self.message.error(_("No choice {key}").format(key=value))
            return
        tag, a = self.options[picked - 1][0], self.chosen
        db, actor = self.app.services.db, self.app.actor
        if tag == "ack":
            self.go("comment")
        elif tag == "block":
            self.block_key = str(uuid.uuid4())  # kept until the block posts, so a retried Enter reuses it
            self.go("reason")
        elif tag == "count":
            self.call_service("count", alert_actions.count_reserved, db, actor, a.id)
        elif tag == "cleanup":
            self.call_service("cleanup", alert_actions.dead_stock_cleanup, db, actor, a.id)
        elif tag == "kit":
            if menu.entry_for_key(actor, "w") is not None:  # the work-order screen exists: open it on this WO
                self.call_service("open_wo", self.app.services.classify, a.work_order)
            else:
                self.call_service("kit", alert_actions.shortage_kit, db, actor, a.id)

    def _on_comment(self, value: str) -> None:
        self.call_service("ack", alerts.acknowledge, self.app.services.db, self.app.actor, self.chosen.id, value)

    def _on_reason(self, value: str) -> None:
        self.call_service("block", lambda: recall.block_lot(
            self.app.services.db, self.app.actor, key=self.block_key, lot=self.chosen.lot, reason=value,
            sku=self.chosen.sku))

    def _on_result(self, value: str) -> None:
        self.go("list")

    # Answers ----------------------------------------------------------------------------------------------------

    def service_done(self, tag: str, value: object) -> None:
        table = self.query_one("#alerts", DataTable)
        if tag == "ack":
            number = self.chosen.id
            self.go("list")
            self.message.info(_("Alert {number} acknowledged").format(number=number))
        elif tag == "block":
            self.block_key = None
            self.go("list")
            self.message.info(_("Lot {lot} blocked: {qty}").format(lot=value["lot"], qty=views.qty_text(
                value["blocked"])))
        elif tag == "count":
            self.message.info(_("Count tasks opened: {locations}").format(locations=", ".join(value)))
        elif tag == "cleanup":
            views.fill_cleanup(table, value)
            self.go("result")
            if not value:
                self.message.info(_("Nothing left to clear"))
        elif tag == "kit":
            views.fill_kit(table, value[1])
            self.go("result")
        elif tag == "open_wo":
            self.app.push_screen(menu.entry_for_key(self.app.actor, "w").screen(scan=value))

    def action_back(self) -> None:
        """Esc: comment/reason -> the alert; the alert or a result -> the list; the list -> home."""
        if self.step in ("comment", "reason"):
            self.block_key = None
            self.go("detail")
        elif self.step in ("detail", "result"):
            self.go("list")
        else:
            self.app.pop_screen()
