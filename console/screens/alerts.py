"""Alerts (`a`): the live list; type an alert's number (or move with ↑↓) and Enter, then act on it.

Steps: list -> detail (numbered choices) -> comment (acknowledge) or reason (block the lot) -> back to the list.
The list reloads whenever the app's live feed reports a change (LISTEN lineside_alerts), never on a timer; a
change noticed while an alert is open is read when the list comes back.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Static

from console import menu
from console.compact import Lines
from console.flow import FlowScreen, Step, handles
from console.screens import alert_views as views
from console.words import qty_text
from core.errors import InvalidInput
from core.i18n import N_, _, ngettext
from core.scan import ScanResult
from core.services import alert_actions, alerts, recall
from core.services.alert_actions import CleanupRow, ShortageKit
from core.services.alerts import AlertView
from core.services.recall import BlockedLot

SELECT = ("↑↓", N_("Select"))


class AlertsScreen(FlowScreen):
    """The scan field keeps the focus; ↑↓ move the highlighted row of the list."""

    TITLE_MSGID = N_("Alerts")
    CSS_PATH = "alerts.tcss"
    BINDINGS = [Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False)]
    STEPS = (
        Step("list", N_("Type an alert number (or ↑↓), then Enter"), keys=(SELECT,), blank=True),
        Step("detail", N_("Type the number of a choice, then Enter"), back="list"),
        # An alert that offers this operator no choice (an inspector's): read it, then back.
        Step("view", N_("Enter or Esc: back to the list"), back="list", blank=True),
        # An empty comment or reason goes to the service, which refuses it with its own words.
        Step("comment", N_("Type a comment for the acknowledgement, then Enter"), back="detail", blank=True),
        Step("reason", N_("Type the reason for blocking the lot, then Enter"), back="detail", blank=True),
        Step("result", N_("Enter or Esc: back to the list"), back="list", blank=True),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.rows: list[AlertView] = []
        self.chosen: AlertView | None = None
        self.options: list[tuple[str, str]] = []
        self.result: list[CleanupRow] | ShortageKit | None = None  # what the `result` step shows

    def compose_body(self):
        yield Static(id="detail")
        table = DataTable(id="alerts", cursor_type="row", zebra_stripes=True)
        table.can_focus = False  # the scan field keeps the focus
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "alerts_serial", lambda *_a: self.reload(), init=False)
        self.reload()

    def reload(self) -> None:
        """Read the open alerts while the list is shown (a reload must not replace an open alert's look-up)."""
        if self.step == "list" and self.app.actor is not None:
            self.read(self.loaded, alerts.list_alerts, self.app.services.db, self.app.actor)

    def loaded(self, rows: list[AlertView]) -> None:
        self.rows = rows
        if self.step == "list":
            self.show("list")

    def go(self, step: str) -> None:
        super().go(step)
        if step == "list":
            self.reload()

    # Drawing -------------------------------------------------------------------------------------------------

    def draw(self, step: Step) -> None:
        table = self.query_one("#alerts", DataTable)
        detail = self.query_one("#detail", Static)
        if step.name == "list":
            keep = table.cursor_row
            views.fill_alerts(table, self.rows, self.size.width or 80)
            table.move_cursor(row=min(keep, max(len(self.rows) - 1, 0)))
            n = len(self.rows)
            detail.update(ngettext("{n} open alert", "{n} open alerts", n).format(n=n) if n else _("No open alerts"))
            return
        detail.update(views.detail_text(self.chosen, self.options))
        if step.name != "result":
            table.clear(columns=True)
        elif isinstance(self.result, ShortageKit):
            views.fill_kit(table, self.result.components)
        else:
            views.fill_cleanup(table, self.result or [])

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the highlighted alert of the list and where it stands ("2/5", ↑↓ move), or the chosen alert with
        its numbered choices first, or the first few lines of a result (how many more). The alert's message gets
        the rows left, cut with an ellipsis when they are too few (40x8)."""
        lines = Lines()
        width, rows = self.app.size.width, self.compact_rows()
        if step.name == "list":
            if not self.rows:
                return lines.text(_("No open alerts"), style="dim")
            at = min(self.query_one("#alerts", DataTable).cursor_row, len(self.rows) - 1)
            alert = self.rows[at]
            lines.text(self.alert_head(alert, f"{at + 1}/{len(self.rows)} "))
            return self.alert_message(lines, alert, rows - 1, width)
        alert = self.chosen
        if alert is None:
            return lines
        lines.text(self.alert_head(alert))
        rows -= 1
        if step.name in ("detail", "view"):
            for n, (_tag, label) in enumerate(self.options, start=1):
                option = Text(str(n), style="bold reverse").append(f" {_(label)}")
                lines.text(option)
                rows -= -(-option.cell_len // width)
            if not self.options:
                lines.text(_("Nothing to do here for this alert"), style="dim")
                rows -= 1
        elif step.name == "reason":
            lines.add("Lot", alert.lot)
            rows -= 1
        elif step.name == "result":
            if isinstance(self.result, ShortageKit):
                lines.add("Work order", self.result.wo_number)
            entries = ([Text(c.sku).append(f" {_('Short')} ", style="dim").append(
                           qty_text(c.short), style="bold red" if c.short > 0 else "") for c in self.result.components]
                       if isinstance(self.result, ShortageKit) else
                       [Text(f"{r.location} ", style="bold").append(f"{r.sku} {qty_text(r.qty)}")
                        for r in self.result or []])
            room = max(1, rows - 2)
            for entry in entries[:room]:
                lines.text(entry)
            if len(entries) > room:
                lines.text(f"+{len(entries) - room}", style="dim")
            return lines
        return self.alert_message(lines, alert, rows, width)

    @staticmethod
    def alert_head(alert: AlertView, place: str = "") -> Text:
        """`2/5 #12 Warning 5h`: where in the list, the number, the severity, the age."""
        head = Text(place, style="dim").append(f"#{alert.id} ", style="bold")
        return head.append_text(views.severity_text(alert.severity)).append(
            f" {views.age_text(alert.raised_at)}", style="dim")

    @staticmethod
    def alert_message(lines: Lines, alert: AlertView, rows: int, width: int) -> Lines:
        """The alert's message in the rows left (an ellipsis says when it is cut), then who acknowledged it."""
        message = Text(alert.message)
        if rows <= 1 and message.cell_len > width:
            message.truncate(width, overflow="ellipsis")
        elif -(-message.cell_len // width) > rows:
            message.truncate(max(width, rows * width - 8), overflow="ellipsis")
        lines.text(message)
        if alert.acknowledged_by and rows > -(-message.cell_len // width):
            lines.text(_("Acknowledged by {badge}").format(badge=alert.acknowledged_by), style="dim")
        return lines

    def forget(self, step: str) -> None:
        if step in ("detail", "view"):
            self.chosen, self.options = None, []
        elif step == "result":
            self.chosen, self.options, self.result = None, [], None

    # Keys and scans ------------------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        table = self.query_one("#alerts", DataTable)
        if self.step == "list" and table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + delta, table.row_count - 1)))
            self.redraw_compact()

    @handles("list")
    def number_typed(self, value: str) -> None:
        """An alert's number, or Enter alone for the highlighted one."""
        if not value:
            if not self.rows:
                return
            table = self.query_one("#alerts", DataTable)
            value = str(self.rows[min(table.cursor_row, len(self.rows) - 1)].id)
        alert = next((a for a in self.rows if str(a.id) == value.lstrip("#")), None)
        if alert is None:
            raise InvalidInput(N_("No open alert {number}"), number=value)
        self.chosen, self.options = alert, views.options_for(self.app.actor, alert)
        self.go("detail" if self.options else "view")

    @handles("view")
    def viewed(self, value: str) -> None:
        """Enter alone: back to the list; anything typed is no choice here."""
        if value:
            raise InvalidInput(N_("No choice {key}"), key=value)
        self.forget("view")
        self.go("list")

    @handles("detail")
    def choice_typed(self, value: str) -> None:
        picked = int(value) if value.isdigit() else 0
        if not 1 <= picked <= len(self.options):
            raise InvalidInput(N_("No choice {key}"), key=value)
        tag, a = self.options[picked - 1][0], self.chosen
        db, actor = self.app.services.db, self.app.actor
        if tag == "ack":
            self.go("comment")
        elif tag == "block":
            self.go("reason")
        elif tag == "count":
            self.post(self.counted, alert_actions.count_reserved, db, actor, a.id)
        elif tag == "cleanup":
            self.read(self.show_result, alert_actions.dead_stock_cleanup, db, actor, a.id)
        elif tag == "kit":
            if menu.entry_for_key(actor, "w") is not None:  # the work-order screen exists: open it on this WO
                self.read(self.open_work_order, self.app.services.classify, a.work_order)
            else:
                self.read(self.show_result, alert_actions.shortage_kit, db, actor, a.id)

    @handles("comment")
    def comment_typed(self, comment: str) -> None:
        number = self.chosen.id
        self.post(partial(self.acknowledged, number), alerts.acknowledge, self.app.services.db, self.app.actor,
                  number, comment)

    @handles("reason")
    def reason_typed(self, reason: str) -> None:
        a = self.chosen
        key = self.key.for_payload((a.lot, a.sku, reason))  # a retried Enter of the same block reuses its key
        self.post(self.blocked, recall.block_lot, self.app.services.db, self.app.actor, key=key, lot=a.lot,
                  reason=reason, sku=a.sku)

    @handles("result")
    def result_closed(self, _value: str) -> None:
        self.forget("result")
        self.go("list")

    # Answers ------------------------------------------------------------------------------------------------

    def acknowledged(self, number: int, _none: None) -> None:
        self.back_to_list_from("comment")
        self.message.info(lambda: _("Alert {number} acknowledged").format(number=number))

    def blocked(self, done: BlockedLot) -> None:
        self.key.spent()
        self.back_to_list_from("reason")
        self.message.info(lambda: _("Lot {lot} blocked: {qty}").format(lot=done.lot, qty=qty_text(done.blocked)))

    def back_to_list_from(self, step: str) -> None:
        """A confirmation posted: back to the list, unless the operator has moved on while it ran."""
        if self.step == step:
            self.forget("detail")
            self.go("list")

    def counted(self, locations: list[str]) -> None:
        self.message.info(lambda: _("Count tasks opened: {locations}").format(locations=", ".join(locations)))

    def show_result(self, result: list[CleanupRow] | ShortageKit) -> None:
        self.result = result
        self.go("result")
        if isinstance(result, list) and not result:
            self.message.info(lambda: _("Nothing left to clear"))

    def open_work_order(self, scan: ScanResult) -> None:
        self.app.push_screen(menu.entry_for_key(self.app.actor, "w").screen(scan=scan))
