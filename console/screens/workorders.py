"""Work orders & kitting (`w`, supervisors): which work orders can run today, their shortages, and the actions.

The list shows open work orders by due date with their kitting status; a scanned or typed work order (or Enter
on the highlighted row) opens its components. F5 releases, F6 cancels, F7 closes the selected work order
(cancel and close ask for Enter to confirm). F8 shows the schedule: each line's sequence (core/services/schedule),
computed from the stock as it is now; F4 there pins the highlighted order at a typed position (0 unpins).
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Static

from console.compact import Lines
from console.flow import BACK, LANGUAGE, LOG_OUT, FlowScreen, Key, Step, handles
from console.screens import production_common as pc
from console.screens import production_compact as compact
from console.screens import production_views as views
from console.screens import schedule_views
from console.words import qty_text, state_text
from core.errors import InvalidInput
from core.i18n import N_, _
from core.services import schedule, workorders
from core.services.workorders import Released

ACTIONS = {"release": ("F5", N_("Release")), "cancel": ("F6", N_("Cancel")), "close": ("F7", N_("Close"))}
SERVICES = {"release": workorders.release, "cancel": workorders.cancel, "close": workorders.close}
SCHEDULE = ("F8", N_("Schedule"))
PIN = ("F4", N_("Pin position"))
LIST_COLUMNS = [("Work order", False), ("SKU", False), ("Qty", True), ("Due", False), ("Line", False),
                ("State", False), ("Kitting", False)]
COMPONENT_COLUMNS = [("SKU", False), ("Required", True), ("Reserved", True), ("Issued", True),
                     ("Available", True), ("Short", True)]


class WorkOrdersScreen(FlowScreen):
    """Steps: list -> detail -> confirm (cancel/close); list -> schedule -> pin; the board (and the schedule, while
    it is shown) is read again with every look-up."""

    TITLE_MSGID = N_("Work orders & kitting")
    CSS_PATH = "production.tcss"
    SHORT_TITLE_MSGID = N_("Work orders")  # the RF gun's 20 columns
    BINDINGS = [Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False),
                Binding("f5", "act('release')", show=False), Binding("f6", "act('cancel')", show=False),
                Binding("f7", "act('close')", show=False), Binding("f8", "schedule", show=False),
                Binding("f4", "pin", show=False)]
    STEPS = (
        Step("list", N_("Scan or type a work order (or ↑↓ and Enter)"), blank=True, keys=(SCHEDULE,)),
        Step("detail", N_("Scan another work order, or Esc for the list"), back="list"),
        Step("confirm", N_("{action} {wo}? Enter to confirm, Esc to keep it"), blank=True),  # Esc: back_to
        Step("schedule", N_("Scan a work order, or ↑↓ and F4 to pin one; Esc for the list"), back="list",
             short=N_("Scan a work order, or ↑↓ and F4 to pin one"),
             keys=(PIN,), blank=True),
        Step("pin", N_("Position of {wo} in its line (0 unpins it)"), back="schedule"),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.rows, self.order = (), None
        self.slots: tuple = ()  # the schedule, while it is shown
        self.pin_wo: str | None = None  # the order whose position is asked
        self.follow: str | None = None  # the order the highlight follows once the schedule is read again
        self.action: str | None = None
        self.back_to = "list"  # where the confirmation came from

    def compose_body(self):
        yield Static(id="detail")
        table = DataTable(id="board", cursor_type="row", zebra_stripes=True)
        table.can_focus = False  # the scan field keeps the focus; ↑↓ move the highlighted row
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        scan = self.initial_scan
        self.look_up(wo=scan.code if scan is not None and scan.kind == "work_order" else None)

    def look_up(self, **what: str | None) -> None:
        """Read the board (and the work order named, if any; and the schedule, while it is shown)."""
        self.read(self.loaded, pc.board_view, self.app.services.db, self.app.actor,
                  with_schedule=self.step in ("schedule", "pin"), **what)

    # Drawing ---------------------------------------------------------------------------------------------------

    def prompt_values(self) -> dict[str, object]:
        return {"action": _(ACTIONS[self.action][1]) if self.action else "", "wo": self.selected() or ""}

    def draw(self, step: Step) -> None:
        if step.name == "list":
            detail = views.board_summary(self.rows)
        elif step.name in ("schedule", "pin"):
            detail = schedule_views.schedule_summary(self.slots)
        else:
            detail = views.order_header(self.order, due=True) if self.order is not None else ""
        self.query_one("#detail", Static).update(detail)
        table = self.query_one("#board", DataTable)
        if step.name == "schedule":
            keep = table.cursor_row
            pc.fill_table(table, schedule_views.SCHEDULE_COLUMNS, schedule_views.schedule_rows(self.slots))
            moved = [n for n, s in enumerate(self.slots) if s.wo_number == self.follow]
            table.move_cursor(row=moved[0] if moved else min(keep, max(len(self.slots) - 1, 0)))
        elif step.name == "list":
            keep = table.cursor_row
            pc.fill_table(table, LIST_COLUMNS, [
                [r.kit.wo_number, r.kit.sku, r.kit.qty, r.kit.due_date.isoformat(), r.kit.line, state_text(r.state),
                 views.kit_text(r.kit.status)] for r in self.rows])
            table.move_cursor(row=min(keep, max(len(self.rows) - 1, 0)))
        elif step.name == "detail" and self.order is not None:
            pc.fill_table(table, COMPONENT_COLUMNS, [
                [c.sku, c.required, c.reserved, c.issued, c.available,
                 Text(qty_text(c.short), justify="right", style="bold red" if c.short else "")]
                for c in self.order.components])

    @property
    def HINTS(self) -> list[Key]:  # noqa: N802 (FlowScreen's name for the keys every step shows)
        """The actions, Esc, F10 (KeyHints drops labels to fit, never Esc and F10); a 20-column key line holds four
        keys, so there the actions are named in #compact instead (compact.key_legend) and still work."""
        return [BACK, LOG_OUT, LANGUAGE] if self.narrow else [*ACTIONS.values(), BACK, LOG_OUT, LANGUAGE]

    @property
    def narrow(self) -> bool:
        return self.compact and self.app.size.width < compact.KEY_LINE_WIDTH

    def keys_for(self, step: Step) -> list[Key]:
        keys = super().keys_for(step)
        return [k for k in keys if k != SCHEDULE] if self.narrow else keys

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the board's counts and its highlighted row, an opened order, the schedule's highlighted slot."""
        lines, row = Lines(), self.query_one("#board", DataTable).cursor_row
        on_schedule = step.name in ("schedule", "pin") or (step.name == "confirm" and self.back_to == "schedule")
        if on_schedule:
            compact.slot(lines, self.slots, row, self.pin_wo if step.name == "pin" else None)
        elif step.name != "list" and self.order is not None:
            compact.order(lines, self.order)
        else:
            compact.board_row(lines, self.rows, row)
        if self.narrow and step.name in ("list", "detail", "schedule"):
            compact.key_legend(lines, [*ACTIONS.values(), *([SCHEDULE] if step.name != "schedule" else [])])
        return lines

    def selected(self) -> str | None:
        """The work order the keys act on: the one opened, else the highlighted row."""
        table = self.query_one("#board", DataTable)
        if self.step == "pin":
            return self.pin_wo
        if self.step == "schedule" or (self.step == "confirm" and self.back_to == "schedule"):
            return self.slots[min(table.cursor_row, len(self.slots) - 1)].wo_number if self.slots else None
        if self.step != "list" and self.order is not None:
            return self.order.wo_number
        return self.rows[min(table.cursor_row, len(self.rows) - 1)].kit.wo_number if self.rows else None

    # Keys, scans and answers ------------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.follow = None  # ↑↓ take the highlight over
        table = self.query_one("#board", DataTable)
        if self.step in ("list", "schedule") and table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + delta, table.row_count - 1)))
            self.redraw_compact()  # the RF-gun layout shows the highlighted row

    @handles("list", "detail")
    def order_scanned(self, value: str) -> None:
        if value:
            self.look_up(raw=value)
        elif self.rows:  # Enter on the highlighted row opens it
            self.look_up(wo=self.selected())

    def loaded(self, found: pc.Board) -> None:
        self.rows = found.rows
        if found.slots is not None:
            self.slots = found.slots
        if found.order is not None:
            self.order = found.order
            self.go("detail")
        elif self.step in ("list", "schedule"):
            self.show(self.step)

    # The schedule -----------------------------------------------------------------------------------------------

    def action_schedule(self) -> None:
        """F8 on the list or an order: each line's sequence, as the stock is now."""
        if self.step in ("list", "detail"):
            self.message.clear()
            self.go("schedule")
            self.look_up()

    @handles("schedule")
    def schedule_scanned(self, value: str) -> None:
        if value:
            self.look_up(raw=value)
        elif self.slots:  # Enter on the highlighted row opens it
            self.look_up(wo=self.selected())

    def action_pin(self) -> None:
        """F4 on the schedule: ask the highlighted order's position."""
        if self.step == "schedule" and self.slots:
            self.message.clear()
            self.pin_wo = self.selected()
            self.go("pin")

    @handles("pin")
    def position_typed(self, value: str) -> None:
        if not value.isdigit():
            raise InvalidInput("A position is a whole number (0 unpins): {value}", value=value)
        position, wo = int(value), self.pin_wo
        key = self.key.for_payload(("pin", wo, position))
        if position == 0:
            self.post(self.pinned, schedule.unpin, self.app.services.db, self.app.actor, wo, key=key)
        else:
            self.post(self.pinned, schedule.pin, self.app.services.db, self.app.actor, wo, position, key=key)

    def pinned(self, done: schedule.Pinned) -> None:
        self.key.spent()
        self.pin_wo, self.follow = None, done.wo_number  # the highlight stays on the order just pinned
        self.go("schedule")
        if done.position is None:
            self.message.info(lambda: _("{wo}: unpinned").format(wo=done.wo_number))
        else:
            self.message.info(lambda: _("{wo}: pinned at {position}").format(wo=done.wo_number, position=done.position))
        self.look_up()

    def action_act(self, action: str) -> None:
        wo = self.selected()
        if wo is None or self.step in ("confirm", "pin"):
            return
        self.message.clear()
        self.action, self.back_to = action, self.step
        if action == "release":
            self.run_action(wo)
        else:
            self.go("confirm")

    @handles("confirm")
    def confirmed(self, _value: str) -> None:
        self.run_action(self.selected())

    def run_action(self, wo: str) -> None:
        key = self.key.for_payload((self.action, wo))
        self.post(self.acted, SERVICES[self.action], self.app.services.db, self.app.actor, wo, key=key,
                  refused=self.act_refused)

    def acted(self, done) -> None:
        note = _("{wo}: {status}").format(wo=done.wo_number, status=state_text(done.status))
        for s in done.shortages if isinstance(done, Released) else ():
            note += "  " + _("short {sku}: {qty}").format(sku=s.sku, qty=qty_text(s.qty))
        items = [_("{qty} {sku} {lot} at {location}").format(  # a closed order: what is left at its line side
            qty=qty_text(r.qty), sku=r.sku, lot=r.lot or "", location=r.location).replace("  ", " ")
            for r in getattr(done, "to_return", ())]
        if items:
            note += "  " + _("to return: {items}").format(items=_(", ").join(items))
        self.key.spent()
        self.action = None
        self.go(self.back_to)
        self.message.info(note)
        self.look_up(wo=done.wo_number if self.back_to == "detail" else None)

    def act_refused(self, error) -> None:
        if self.step == "confirm":
            self.action = None
            self.go(self.back_to)
        self.refuse(error)

    def back_from(self, step: str) -> str | None:
        return self.back_to if step == "confirm" else super().back_from(step)

    def forget(self, step: str) -> None:
        if step == "confirm":
            self.action = None
        elif step == "pin":
            self.pin_wo = None
        elif step == "detail":
            self.order = None
