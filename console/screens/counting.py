"""Cycle count (`7`, blind): location -> per lot: lot (untracked: SKU) -> counted quantity; F5 closes the location.

The counter never sees an expected quantity. A supervisor's F6 lists the variances waiting for approval
(with the expected quantity: approving needs it) and approves one or asks a recount, with a reason.
"""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Static

from console.compact import Lines
from console.flow import CLOSE, Key, Step, handles
from console.screens import counting_steps as steps
from console.signing import SIGN, SignatureFlow, signature_steps
from console.words import parse_qty, qty_text
from core.errors import InvalidInput
from core.i18n import N_, _, ngettext
from core.reasons import Meaning
from core.services import count_session, counting
from core.services.count_session import CountStart

VARIANCES: Key = ("F6", N_("Variances"))
# Blind: the counter learns only that the count was recorded, never whether it matched.
RESULTS = {"posted": N_("Count recorded"), "pending": N_("Count recorded")}
REVIEW = ("pending", "decide", "reason", SIGN)
REVIEW_COLUMNS = (N_("No."), N_("Location"), N_("SKU"), N_("Lot"), N_("Expected"), N_("Counted"), N_("By"))
COMPACT_ROWS = 3  # the counts (or variances, open locations) the RF gun lists
COUNT_COLUMNS = (N_("Lot"), N_("SKU"), N_("Counted"), N_("Result"))


class CountingScreen(SignatureFlow):
    """Steps `location` -> `lot` -> `qty` (-> `lot` …); F5 `close`; supervisors F6 `pending` -> `decide` -> `reason`
    -> `sign` (Approved, or Rejected for a recount)."""

    TITLE_MSGID = N_("Cycle count")
    CSS_PATH = "counting.tcss"
    BINDINGS = [Binding("f5", "close", show=False), Binding("f6", "review", show=False)]
    STEPS = (
        Step("location", N_("Scan the location to count")),
        Step("lot", N_("Scan a lot (untracked: SKU) · F5: close the location"), back="location", keys=(CLOSE,)),
        Step("qty", N_("Type the counted quantity, then Enter"), back="lot", keys=(CLOSE,)),
        Step("close", N_("Close the location (lots not counted = 0) · Esc: go on"), back="lot",
             default=N_("Enter = close")),
        Step("pending", N_("Type a line number, then Enter")),  # Esc: back where counting was (back_from)
        Step("decide", N_("1: approve (adjust to the count) · 2: ask a recount"), back="pending"),
        Step("reason", N_("Type the reason, then Enter"), back="decide"),
        *signature_steps(),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.resume = "location"  # the step F6 was pressed on
        self.location: str | None = None
        self.target: steps.Target | None = None  # the lot (or SKU) being counted
        self.counted: list[counting.Counted] = []  # this visit's counts
        self.open: list[str] = []
        self.pending: list[counting.PendingLine] = []
        self.chosen: counting.PendingLine | None = None
        self.approve = False

    def compose_body(self):
        yield Static(id="info")
        table = DataTable(id="lines", cursor_type="none", zebra_stripes=True)
        table.can_focus = False
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        self.read_open()

    def read_open(self) -> None:
        self.read(self.open_read, count_session.open_locations, self.app.services.db, self.app.actor)

    def open_read(self, codes: list[str]) -> None:
        self.open = list(codes)
        self.show(self.step)

    def keys_for(self, step: Step) -> list[Key]:
        keys = super().keys_for(step)
        if step.name not in REVIEW and self.app.actor is not None and self.app.actor.may("count.approve"):
            keys.append(VARIANCES)
        return keys

    # Drawing ------------------------------------------------------------------------------------------------

    def draw(self, step: Step) -> None:
        info, table = self.query_one("#info", Static), self.query_one("#lines", DataTable)
        table.clear(columns=True)
        if step.name in REVIEW:
            info.update(self.review_text())
            for column in REVIEW_COLUMNS:
                table.add_column(_(column), key=column)
            for n, p in enumerate(self.pending, 1):
                table.add_row(str(n), p.location, p.sku, p.lot or "", qty_text(p.expected_qty),
                              qty_text(p.counted_qty), p.badge)
            return
        text = Text()
        if self.location:
            text.append(f"{_('Counting')} ", style="dim").append(self.location, style="bold")
            if self.target and step.name == "qty":
                text.append(f"  {_('Lot')} ", style="dim").append(self.target.name, style="bold")
        else:
            text.append(f"{_('Open counts')}: ", style="dim").append(", ".join(self.open) or _("none"))
        info.update(text)
        for column in COUNT_COLUMNS:
            table.add_column(_(column), key=column)
        for c in self.counted:
            table.add_row(c.lot or "", c.sku, qty_text(c.counted), _(RESULTS[c.status]))

    def review_text(self) -> Text:
        if self.chosen is None:
            return Text(ngettext("{n} variance waits for approval", "{n} variances wait for approval",
                                 len(self.pending)).format(n=len(self.pending)))
        c = self.chosen
        text = Text(f"{c.location} · {c.lot or c.sku} · {_('Expected')} {qty_text(c.expected_qty)}"
                    f" · {_('Counted')} {qty_text(c.counted_qty)}", style="bold")
        if c.from_location:  # approving moves the serial here from where the book has it
            text.append(" · " + _("move from {location}").format(location=c.from_location))
        return text

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the open counts; the location and the lot being counted, this visit's last counts (never what
        was expected); for the supervisor the variances a short line each, then the one chosen."""
        lines = Lines()
        if step.name in REVIEW:
            if self.chosen is None:
                lines.text(self.review_text())
                for n, p in list(enumerate(self.pending, 1))[:COMPACT_ROWS]:
                    lines.pair(f"{n} {p.location} {p.lot or p.sku}",
                               f"{qty_text(p.expected_qty)}→{qty_text(p.counted_qty)}", style="")
                return lines
            c = self.chosen
            lines.pair(c.location, c.lot or c.sku)
            lines.add("Expected", qty_text(c.expected_qty))
            lines.add("Counted", qty_text(c.counted_qty), style="bold yellow")
            if c.from_location:
                lines.text(_("move from {location}").format(location=c.from_location))
            return lines
        if not self.location:
            more = len(self.open) - COMPACT_ROWS
            shown = ", ".join(self.open[:COMPACT_ROWS]) + (f" +{more}" if more > 0 else "")
            return lines.add("Open counts", shown or _("none"))
        lines.add("Counting", self.location, style="bold reverse green")
        if self.target and step.name == "qty":
            lines.add("Lot", self.target.name)
        if self.counted:
            lines.add(N_("Counted here"), len(self.counted), style="")
            for c in self.counted[-COMPACT_ROWS:]:
                lines.pair(c.lot or c.sku, qty_text(c.counted), style="")
        return lines

    # Counting -----------------------------------------------------------------------------------------------

    @handles("location")
    def location_scanned(self, value: str) -> None:
        self.read(self.count_started, steps.resolve_location, self.app.services.db, self.app.actor, value)

    def count_started(self, start: CountStart) -> None:
        self.location, self.counted, self.target = start.location, [], None
        self.go("lot")
        if start.opened:
            self.message.info(_("Count opened for {location}").format(location=self.location))

    @handles("lot")
    def lot_scanned(self, value: str) -> None:
        self.read(self.target_found, steps.resolve_lot, self.app.services.db, value)

    def target_found(self, target: steps.Target) -> None:
        self.target = target
        if target.serial:  # a serial is one unit: counted at its scan
            self.record(Decimal(1))
            return
        self.go("qty")

    @handles("qty")
    def qty_typed(self, value: str) -> None:
        self.record(parse_qty(value, zero=True))

    def record(self, qty: Decimal) -> None:
        location, target = self.location, self.target
        key = self.key.for_payload(("count", location, target, qty))  # a retried Enter reuses its key
        self.post(self.recorded, counting.record_count, self.app.services.db, self.app.actor, key=key,
                  location=location, qty=qty, lot=target.lot, sku=target.sku)

    def recorded(self, done: counting.Counted) -> None:
        self.key.spent()
        # a recount replaces that line's count (the same lot, or untracked SKU)
        self.counted = [c for c in self.counted if (c.lot, c.sku) != (done.lot, done.sku)] + [done]
        self.target = None
        self.go("lot")
        if done.booked_at and done.status == "pending":  # never a second unit: the count proposes a move here
            self.message.info(lambda: _("{serial} is booked at {location}: moving it here waits for approval").format(
                serial=done.lot, location=done.booked_at))
        elif done.booked_at:
            self.message.info(lambda: _("{serial} moved here from {location}").format(serial=done.lot,
                                                                              location=done.booked_at))
        else:
            self.message.info(lambda: _("Counted {what}: {qty}").format(what=done.lot or done.sku,
                                                                qty=qty_text(done.counted)))

    def action_close(self) -> None:
        """F5: ask to close the location being counted."""
        if self.step in ("lot", "qty"):
            self.message.clear()
            self.target = None
            self.go("close")

    @handles("close")
    def close_confirmed(self, _value: str) -> None:
        location = self.location
        key = self.key.for_payload(("close", location))
        self.post(self.closed, counting.close_location, self.app.services.db, self.app.actor, key=key,
                  location=location)

    def closed(self, done: counting.Closed) -> None:
        self.key.spent()
        self.location, self.counted = None, []
        self.go("location")
        self.message.info(lambda: _("{location} closed: {zero} not counted set to 0, {pending} to review").format(
            location=done.location, zero=done.uncounted_as_zero, pending=done.pending_approval))
        self.read_open()

    # Supervisor's review ------------------------------------------------------------------------------------

    def action_review(self) -> None:
        """F6 (supervisors): the variances waiting for approval."""
        if not self.app.actor.may("count.approve") or self.step in REVIEW:
            return
        self.message.clear()
        self.resume = self.step
        self.read_pending()

    def read_pending(self) -> None:
        self.read(self.pending_read, counting.pending_lines, self.app.services.db, self.app.actor)

    def pending_read(self, lines: list[counting.PendingLine]) -> None:
        self.pending, self.chosen = list(lines), None
        self.go("pending")

    @handles("pending")
    def line_chosen(self, value: str) -> None:
        n = int(value) if value.isdigit() else 0
        if not 1 <= n <= len(self.pending):
            raise InvalidInput(N_("No line {number}"), number=value)
        self.chosen = self.pending[n - 1]
        self.go("decide")

    @handles("decide")
    def decided(self, value: str) -> None:
        if value not in ("1", "2"):
            raise InvalidInput(N_("No choice {key}"), key=value)
        self.approve = value == "1"
        self.go("reason")

    @handles("reason")
    def reason_typed(self, value: str) -> None:
        line, approve = self.chosen.id, self.approve
        key = self.key.for_payload(("decide", line, approve, value))
        self.sign(Meaning.APPROVED if approve else Meaning.REJECTED, self.decision_posted, counting.decide,
                  self.app.services.db, self.app.actor, key=key, line_id=line, approve=approve, reason=value)

    def decision_posted(self, done: counting.Decided) -> None:
        self.key.spent()
        self.message.info(lambda: _("Line {status}").format(status=_(done.status)))
        self.read_pending()

    # Esc ----------------------------------------------------------------------------------------------------

    def back_from(self, step: str) -> str | None:
        return self.resume if step == "pending" else super().back_from(step)

    def forget(self, step: str) -> None:
        if step == "lot":
            self.location, self.counted = None, []
        elif step == "decide":
            self.chosen = None
        if step in ("lot", "qty"):
            self.target = None
