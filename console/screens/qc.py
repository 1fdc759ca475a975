"""QC inspection (`q`, inspectors): lot -> `1` pass or `2` fail -> reason (fail only) -> signed -> posted.

The lot step shows the queue, what waits for inspection oldest first; Enter alone takes the oldest.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Static

from console.compact import Lines
from console.flow import Step, handles
from console.screens import inbound_panels as panels
from console.screens import inbound_steps as steps
from console.screens.alert_views import age_text
from console.signing import SignatureFlow, signature_steps
from console.words import qty_text, status_text
from core.errors import InvalidInput
from core.i18n import N_, _, ngettext
from core.reasons import Meaning, QcFailReason
from core.services import qc
from core.services.qc import Inspected, Waiting
from core.services.stock import stock_rows

QUEUE_COLUMNS = (N_("Lot"), N_("SKU"), N_("Qty"), N_("Location"), N_("Received"), N_("Age"))
RESULTS = {"pass": N_("Lot {lot} passed: available"), "fail": N_("Lot {lot} failed: rejected, to quarantine")}
COMPACT_ROWS = 3  # the queue's entries (or a lot's locations) the RF gun lists
SIGNING = {True: N_("Pass: available where it is"), False: N_("Fail ({reason}): rejected, to quarantine")}


class QcScreen(SignatureFlow):
    """Steps `lot` -> `decide` -> `reason` (fail only) -> `sign` (Released / Rejected)."""

    TITLE_MSGID = N_("QC inspection")
    CSS_PATH = ["inbound.tcss", "qc.tcss"]
    STEPS = (
        Step("lot", N_("Scan the lot to inspect"), default=N_("Enter = {oldest}")),
        Step("decide", N_("1: pass · 2: fail, then Enter"), back="lot"),
        Step("reason", N_("Failed: type the reason number, then Enter"), back="decide", reasons=QcFailReason),
        *signature_steps(),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.held: steps.HeldLot | None = None
        self.queue: list[Waiting] = []

    def compose_body(self):
        yield Static(id="lotinfo", classes="inbound-panel")
        table = DataTable(id="queue", cursor_type="none", zebra_stripes=True)
        table.can_focus = False  # the scan field keeps the focus
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        self.read_queue()

    def read_queue(self) -> None:
        self.read(self.queue_read, qc.waiting, self.app.services.db, self.app.actor)

    def queue_read(self, rows: list[Waiting]) -> None:
        self.queue = list(rows)
        if self.step == "lot":
            self.show("lot")

    def prompt_values(self) -> dict[str, object]:
        return {**super().prompt_values(), "oldest": self.queue[0].lot if self.queue else ""}

    def has_default(self, step: Step) -> bool:
        return step.name != "lot" or bool(self.queue)

    def draw(self, step: Step) -> None:
        """The lot step: the queue; then the lot's held stock (and the reasons when failing)."""
        self.set_class(step.name == "lot", "queue")
        table = self.query_one("#queue", DataTable)
        table.display = step.name == "lot"
        if step.name == "lot":
            self.draw_queue(table)
            return
        text = Text()
        if self.held is not None:
            panels.label(text, "Lot", self.held.lot).append("  ")
            panels.label(text, "Item", self.held.sku)
            for r in self.held.rows[:4]:
                text.append("\n  ").append(f"{r.location:<12}", style="bold")
                panels.label(text, "Qty", qty_text(r.qty)).append("  ")
                panels.label(text, "Status", status_text(r.status), "yellow")
                if r.expiry:
                    panels.label(text.append("  "), "Expiry", r.expiry.isoformat(), "")
            if step.reasons:
                text.append("\n\n").append_text(self.reason_list(step.reasons))
            if self.signing is not None:  # what the signature releases or rejects
                passed, reason = self.signing.kwargs["passed"], self.signing.kwargs["reason"]
                text.append("\n\n").append(_(SIGNING[passed]).format(reason=_(reason.label) if reason else ""),
                                            style="bold")
        self.query_one("#lotinfo", Static).update(text)

    def draw_queue(self, table: DataTable) -> None:
        """What waits for inspection, oldest receipt first."""
        n = len(self.queue)
        self.query_one("#lotinfo", Static).update(Text(
            ngettext("{n} lot waits for inspection, oldest first", "{n} lots wait for inspection, oldest first",
                     n).format(n=n) if n else _("Nothing waits for inspection")))
        table.clear(columns=True)
        for column in QUEUE_COLUMNS:
            table.add_column(Text(_(column), justify="right" if column in ("Qty", "Age") else "left"), key=column)
        for w in self.queue:
            received = f"{w.received_at.astimezone():%m-%d %H:%M}" if w.received_at else ""
            table.add_row(w.lot, w.sku, Text(qty_text(w.qty), justify="right"), w.location, received,
                          Text(age_text(w.received_at), justify="right") if w.received_at else "")

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the queue's count and its oldest few; then the lot, where it is held, what the signature does."""
        lines = Lines()
        if step.name == "lot":
            n = len(self.queue)
            if n:
                lines.add(N_("To inspect"), n)
            else:
                lines.text(_("Nothing waits for inspection"), style="dim")
            for w in self.queue[:COMPACT_ROWS]:
                age = age_text(w.received_at) if w.received_at else ""
                lines.pair(f"{w.lot} {w.sku}", f"{qty_text(w.qty)} {age}", style="")
            return lines
        if self.held is not None:
            lines.pair(self.held.lot, self.held.sku)
            for r in self.held.rows[:COMPACT_ROWS]:
                lines.pair(r.location, qty_text(r.qty))
            if len(self.held.rows) == 1:
                lines.add("Expiry", self.held.rows[0].expiry.isoformat() if self.held.rows[0].expiry else "", "")
            if self.signing is not None:
                passed, reason = self.signing.kwargs["passed"], self.signing.kwargs["reason"]
                if passed:
                    lines.text(_(SIGNING[True]), style="bold yellow")
                else:
                    lines.add("Reason", _(reason.label), style="bold yellow")
                    lines.text(_("Rejected, to quarantine"), style="bold yellow")
        return lines

    @handles("lot")
    def lot_scanned(self, value: str) -> None:
        db, actor = self.app.services.db, self.app.actor
        if not value:  # Enter alone: the oldest in the queue
            oldest = self.queue[0]
            self.read(self.held_found, held_in_queue, db, actor, oldest.lot, oldest.sku)
            return
        self.read(self.held_found, steps.held_lot, db, actor, value)

    def held_found(self, held: steps.HeldLot) -> None:
        self.held = held
        self.go("decide")

    @handles("decide")
    def decided(self, value: str) -> None:
        if value not in ("1", "2"):
            raise InvalidInput(N_("No choice {key}"), key=value)
        if value == "2":
            self.go("reason")
        else:
            self.inspect(True, None)

    @handles("reason")
    def reason_chosen(self, reason: QcFailReason) -> None:
        self.inspect(False, reason)

    def inspect(self, passed: bool, reason: QcFailReason | None) -> None:
        held = self.held
        key = self.key.for_payload((held.lot, passed, reason))  # a retried Enter of the same decision reuses it
        self.sign(Meaning.RELEASED if passed else Meaning.REJECTED, self.inspected, steps.inspect,
                  self.app.services.db, self.app.actor, key=key, held=held, passed=passed, reason=reason)

    def inspected(self, done: Inspected) -> None:
        self.key.spent()
        self.held = None
        self.go("lot")
        self.message.info(lambda: _(RESULTS[done.result]).format(lot=done.lot))
        self.read_queue()

    def forget(self, step: str) -> None:
        if step == "decide":
            self.held = None


def held_in_queue(db, actor, lot: str, sku: str) -> steps.HeldLot:
    """The queue's row -> the lot's stock in QC hold (by lot and SKU: a lot number two items share is no doubt)."""
    rows = tuple(r for r in stock_rows(db, actor, lot=lot, sku=sku) if r.status == "qc_hold")
    if not rows:
        raise InvalidInput("Lot {lot} is not in QC hold", lot=lot)
    return steps.HeldLot(lot, sku, rows)
