"""Production output (`5`): work order -> good quantity -> scrap (Enter = 0) -> output lot posted, label printed.

The label prints after the posting, as its own call: a printer that does not answer never undoes an output,
it says so on the message line and F4 prints the last labels again.
"""

from __future__ import annotations

from decimal import Decimal

from textual.binding import Binding
from textual.widgets import Static

from console.screens import production_common as pc
from console.screens import production_views as views
from console.screens.base import BACK, LANGUAGE, LOG_OUT
from console.screens.order_flow import OrderFlowScreen
from core.errors import InvalidInput, LinesideError
from core.i18n import _
from core.services import production
from core.services.work_order_views import print_output_labels, running_order

PROMPTS = {
    "wo": "Scan the work order",
    "good": "Good quantity made, then Enter",
    "scrap": "Scrap quantity (Enter = 0)",
}


class OutputScreen(OrderFlowScreen):
    """A state machine over `step`; after a posting the same work order takes the next output until Esc."""

    TITLE_MSGID = "Production output"
    BINDINGS = [Binding("f4", "reprint", show=False)]

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.order = None
        self.good = Decimal(0)
        self.last: dict | None = None  # the last posting: its lots get the labels (F4 again)
        self.posted_note = ""

    def open_order(self, wo: str, tag: str = "order") -> None:
        self.call_service(tag, running_order, self.app.services.db, self.app.actor, wo)

    def go(self, step: str) -> None:
        self.step = step
        self.set_prompt(PROMPTS[step])
        hints = [BACK, LOG_OUT, LANGUAGE]
        if self.last and self.last.get("lots"):
            hints.insert(0, pc.REPRINT)
        self.query_one("KeyHints").set_hints(hints)
        self.query_one("#detail", Static).update(views.output_panel(self.order, step, self.good, self.last))

    def scanned(self, value: str) -> None:
        value = value.strip()
        try:
            if self.step == "good":
                if not value:
                    raise InvalidInput("Type the good quantity (0 when only scrap)")
                self.good = pc.parse_qty(value)
                self.go("scrap")
            elif self.step == "scrap":
                self.post(pc.parse_qty(value) if value else Decimal(0))
            elif value:
                self.call_service("wo", self.app.services.classify, value)
        except LinesideError as exc:
            self.message.error(str(exc))

    def done_wo(self, scan) -> None:
        self.open_order(pc.require_work_order(scan))

    def done_order(self, order) -> None:
        self.order, self.key = order, None
        self.go("good")

    def post(self, scrap: Decimal) -> None:
        if self.good + scrap <= 0:
            raise InvalidInput("Quantity must be greater than zero")
        db, actor, key, wo, good = (self.app.services.db, self.app.actor, self.confirmation_key(),
                                    self.order.wo_number, self.good)
        self.call_service("posted", lambda: production.report_output(db, actor, key=key, wo_number=wo, good=good,
                                                                     scrap=scrap))

    def done_posted(self, result) -> None:
        self.key, self.last = None, result
        self.posted_note = _("Posted: {good} good, {scrap} scrap; lot {lots}").format(
            good=pc.qty_text(result["good"]), scrap=pc.qty_text(result["scrap"]), lots=", ".join(result["lots"]) or "—")
        self.print_labels()

    def print_labels(self, tag: str = "printed") -> None:
        db, actor, last = self.app.services.db, self.app.actor, self.last
        if last["lots"]:
            self.call_service(tag, print_output_labels, db, actor, last["lots"], last["sku"])
        else:
            self.open_order(self.order.wo_number, "reloaded")

    def done_printed(self, _where) -> None:
        self.posted_note += "   " + _("Label printed")
        self.open_order(self.order.wo_number, "reloaded")

    def done_reprinted(self, _where) -> None:
        self.message.info(_("Label printed again: {lots}").format(lots=", ".join(self.last["lots"])))

    def done_reloaded(self, order) -> None:
        """After a posting: the same work order, or the order step once it is complete."""
        self.order = order
        self.go("good" if order.state in ("released", "in_progress") else "wo")
        if self.posted_note:
            self.message.info(self.posted_note)

    def service_refused(self, tag: str, error: LinesideError) -> None:
        if tag in ("printed", "reprinted"):  # the output is posted; only the label is missing
            if tag == "reprinted":
                self.message.error(_("Label not printed: {error} (F4 reprint)").format(error=str(error)))
            else:
                self.posted_note = ""
                self.message.error(_("Posted {lots}; label not printed: {error} (F4 reprint)").format(
                    lots=", ".join(self.last["lots"]), error=str(error)))
                self.open_order(self.order.wo_number, "reloaded")
            return
        if tag == "reloaded":
            self.order = None
            self.go("wo")
        super().service_refused(tag, error)

    def action_reprint(self) -> None:
        """F4: the labels of the last output again."""
        if self.last and self.last["lots"]:
            self.print_labels("reprinted")

    def action_back(self) -> None:
        self.message.clear()
        if self.step == "wo":
            self.app.pop_screen()
        elif self.step == "good":
            self.order = None
            self.go("wo")
        else:
            self.go("good")
