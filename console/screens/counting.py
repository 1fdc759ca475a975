"""Cycle count (`7`, blind): location -> per lot: lot (untracked: SKU) -> counted quantity; F5 closes the location.

The counter never sees an expected quantity. A supervisor's F6 lists the variances waiting for approval
(with the expected quantity: approving needs it) and approves one or asks a recount, with a reason.
"""

from __future__ import annotations

import uuid

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Static

from console.screens.base import BACK, FlowScreen
from console.screens.quantity import parse_qty, qty_text
from core.errors import InvalidInput
from core.i18n import _, ngettext
from core.scan import classify
from core.services import count_session, counting

PROMPTS = {
    "location": "Scan the location to count",
    "lot": "Scan a lot (untracked: SKU) · F5: close the location",
    "qty": "Type the counted quantity, then Enter",
    "close": "Enter: close the location (lots not counted = 0) · Esc: go on",
    "pending": "Type a line number, then Enter",
    "decide": "1: approve (adjust to the count) · 2: ask a recount",
    "reason": "Type the reason, then Enter",
}
# Blind: the counter learns only that the count was recorded, never whether it matched.
RESULTS = {"posted": "Count recorded", "pending": "Count recorded"}
REVIEW = ("pending", "decide", "reason")


def resolve_location(db, actor, raw: str) -> dict:
    """A location scan -> its open count (worker side)."""
    scan = classify(db, raw)
    if scan.kind != "location":
        raise InvalidInput("Not a location: {scan}", scan=scan.raw)
    return count_session.start(db, actor, scan.code)


def resolve_lot(db, scan_raw: str) -> tuple[str | None, str]:
    """A lot-step scan -> (lot, sku); an untracked item by its SKU or GTIN (worker side)."""
    scan = classify(db, scan_raw)
    if scan.kind == "lot" or (scan.kind == "gs1" and scan.lot):
        return scan.lot, scan.sku if scan.kind == "gs1" or scan.candidates == 1 else None
    if scan.kind == "item" or (scan.kind == "gs1" and scan.sku):
        if not count_session.untracked(db, scan.sku):
            raise InvalidInput("Scan the lot of {sku}, not the item", sku=scan.sku)
        return None, scan.sku
    raise InvalidInput("Not a lot or an item: {scan}", scan=scan.raw)


class CountingScreen(FlowScreen):
    """Steps `location` -> `lot` -> `qty` (-> `lot` …); F5 `close`; supervisors F6 `pending` -> `decide` -> `reason`."""

    TITLE_MSGID = "Cycle count"
    CSS_PATH = "counting.tcss"
    HINTS = [("F5", "Close location"), BACK]
    BINDINGS = [Binding("f5", "close", show=False), Binding("f6", "review", show=False)]

    def __init__(self, scan=None) -> None:
        super().__init__()
        self.step, self.resume = "location", "location"
        self.location: str | None = None
        self.target: tuple[str | None, str] | None = None  # (lot, sku) being counted
        self.counted: list[tuple[str, str, object, str]] = []  # this visit's counts: lot, sku, qty, result
        self.open: list[str] = []
        self.pending: list[dict] = []
        self.chosen: dict | None = None
        self.approve = False
        self.key: tuple[str, object] | None = None

    def compose_body(self):
        yield Static(id="info")
        table = DataTable(id="lines", cursor_type="none", zebra_stripes=True)
        table.can_focus = False
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        if self.app.actor.may("count.approve"):
            self.query_one("KeyHints").set_hints([("F5", "Close location"), ("F6", "Variances"), BACK])
        self.call_service("open", count_session.open_locations, self.app.services.db, self.app.actor)

    def translate(self) -> None:
        self.set_prompt(PROMPTS[self.step])
        self.draw()

    def go(self, step: str) -> None:
        self.step = step
        if step in ("location", "lot"):
            self.target, self.key = None, None
        self.translate()

    def draw(self) -> None:
        info, table = self.query_one("#info", Static), self.query_one("#lines", DataTable)
        table.clear(columns=True)
        if self.step in REVIEW:
            info.update(self.review_text())
            for column in ("No.", "Location", "SKU", "Lot", "Expected", "Counted", "By"):
                table.add_column(_(column), key=column)
            for n, p in enumerate(self.pending, 1):
                table.add_row(str(n), p["location"], p["sku"], p["lot"] or "", qty_text(p["expected_qty"]),
                              qty_text(p["counted_qty"]), p["badge"])
            return
        text = Text()
        if self.location:
            text.append(f"{_('Counting')} ", style="dim").append(self.location, style="bold")
            if self.target:
                text.append(f"  {_('Lot')} ", style="dim").append(self.target[0] or self.target[1], style="bold")
        else:
            text.append(f"{_('Open counts')}: ", style="dim").append(", ".join(self.open) or _("none"))
        info.update(text)
        for column in ("Lot", "SKU", "Counted", "Result"):
            table.add_column(_(column), key=column)
        for lot, sku, qty, result in self.counted:
            table.add_row(lot or "", sku, qty_text(qty), _(RESULTS[result]))

    def review_text(self) -> Text:
        if self.chosen is None:
            return Text(ngettext("{n} variance waits for approval", "{n} variances wait for approval",
                                 len(self.pending)).format(n=len(self.pending)))
        c = self.chosen
        return Text(f"{c['location']} · {c['lot'] or c['sku']} · {_('Expected')} {qty_text(c['expected_qty'])}"
                    f" · {_('Counted')} {qty_text(c['counted_qty'])}", style="bold")

    # Keys and scans -------------------------------------------------------------------------------------------

    def action_close(self) -> None:
        """F5: ask to close the location being counted."""
        if self.step in ("lot", "qty"):
            self.key = (str(uuid.uuid4()), "close")
            self.go("close")

    def action_review(self) -> None:
        """F6 (supervisors): the variances waiting for approval."""
        if not self.app.actor.may("count.approve") or self.step in REVIEW:
            return
        self.resume, self.chosen = self.step, None
        self.call_service("pending", counting.pending_lines, self.app.services.db, self.app.actor)

    def scanned(self, value: str) -> None:
        value = value.strip()
        db, actor = self.app.services.db, self.app.actor
        if self.step == "close":
            self.call_service("close", lambda: counting.close_location(db, actor, key=self.key[0],
                                                                       location=self.location))
        elif not value:
            return
        elif self.step == "location":
            self.call_service("location", resolve_location, db, actor, value)
        elif self.step == "lot":
            self.call_service("lot", resolve_lot, db, value)
        elif self.step == "qty":
            self.count(value)
        else:
            self.review(value)

    def count(self, value: str) -> None:
        try:
            qty = parse_qty(value, allow_zero=True)
        except InvalidInput as exc:
            self.message.error(str(exc))
            return
        if self.key is None or self.key[1] != qty:  # a retried Enter of the same count reuses its key
            self.key = (str(uuid.uuid4()), qty)
        (lot, sku), key, db, actor = self.target, self.key[0], self.app.services.db, self.app.actor
        self.call_service("count", lambda: counting.record_count(db, actor, key=key, location=self.location,
                                                                 qty=qty, lot=lot, sku=sku))

    def review(self, value: str) -> None:
        db, actor = self.app.services.db, self.app.actor
        if self.step == "pending":
            n = int(value) if value.isdigit() else 0
            if not 1 <= n <= len(self.pending):
                self.message.error(_("No line {number}").format(number=value))
                return
            self.chosen = self.pending[n - 1]
            self.go("decide")
        elif self.step == "decide":
            if value not in ("1", "2"):
                self.message.error(_("No choice {key}").format(key=value))
                return
            self.approve, self.key = value == "1", (str(uuid.uuid4()), value)
            self.go("reason")
        else:
            line, approve, key = self.chosen["id"], self.approve, self.key[0]
            self.call_service("decide", lambda: counting.decide(db, actor, key=key, line_id=line, approve=approve,
                                                                reason=value))

    def service_done(self, tag: str, value: object) -> None:
        if tag == "open":
            self.open = value
            self.draw()
        elif tag == "location":
            self.location, self.counted = value["location"], []
            self.go("lot")
            if value["opened"]:
                self.message.info(_("Count opened for {location}").format(location=self.location))
        elif tag == "lot":
            self.target = value
            self.step = "qty"
            self.translate()
        elif tag == "count":
            self.counted.append((value["lot"], value["sku"], value["counted"], value["status"]))
            self.go("lot")
            self.message.info(_("Counted {what}: {qty}").format(what=value["lot"] or value["sku"],
                                                                 qty=qty_text(value["counted"])))
        elif tag == "close":
            self.location = None
            self.go("location")
            self.message.info(_("{location} closed: {zero} not counted set to 0, {pending} to review").format(
                location=value["location"], zero=value["uncounted_as_zero"], pending=value["pending_approval"]))
            self.call_service("open", count_session.open_locations, self.app.services.db, self.app.actor)
        elif tag == "pending":
            self.pending, self.chosen = value, None
            self.go("pending")
        elif tag == "decide":
            self.message.info(_("Line {status}").format(status=_(value["status"])))
            self.call_service("pending", counting.pending_lines, self.app.services.db, self.app.actor)

    def action_back(self) -> None:
        """Esc: one step back; out of the review, back where counting was."""
        back = {"qty": "lot", "lot": "location", "close": "lot", "reason": "decide", "decide": "pending",
                "pending": self.resume}
        if self.step == "location":
            self.app.pop_screen()
            return
        if self.step == "lot":
            self.location = None
        if self.step == "decide":
            self.chosen = None
        self.go(back[self.step])
