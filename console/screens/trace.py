"""Trace (`8`, or a lot scanned on home): lot -> backward and forward trees, a summary line; F2 recall.

The scan field keeps the focus: ↑↓ move in the active tree, Enter alone opens or closes the line,
Tab switches between the trees, a new scan traces another lot. At 80x24 the trees are stacked and the
active one gets two thirds of the room; on a wide terminal they stand side by side.
A lot made here opens on its backward tree (what went into it); a supplier lot on its forward tree.
"""

from __future__ import annotations

import uuid

from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.widgets import Static, Tree

from console.screens import trace_views as views
from console.screens.base import BACK, FlowScreen
from core.errors import InvalidInput
from core.i18n import _, ngettext
from core.scan import classify
from core.services import recall, trace

PROMPTS = {
    "lot": "Scan a lot",
    "trees": "↑↓ Enter: open a line · Tab: other tree · or scan a lot",
    "reason": "Type the reason for the recall, then Enter",
    "confirm": "Enter again: block all affected stock · Esc: cancel",
}
HEADINGS = {"back": "Backward: made of", "fwd": "Forward: went into"}
WIDE = 120  # columns from which the trees stand side by side


def lot_of(scan) -> tuple[str, str | None]:
    """(lot number, sku) of a classified scan; InvalidInput if it is not a lot."""
    if scan.kind == "lot":
        return scan.code, scan.sku if scan.candidates == 1 else None
    if scan.kind == "gs1" and scan.lot:
        return scan.lot, scan.sku
    if scan.kind == "unknown":
        raise InvalidInput("Unknown scan: {scan}", scan=scan.raw)
    raise InvalidInput("Not a lot: {scan}", scan=scan.raw)


def trace_lot(db, actor, scan_or_raw) -> tuple[dict, dict]:
    """Classify (if raw) and trace both ways (worker side)."""
    scan = classify(db, scan_or_raw) if isinstance(scan_or_raw, str) else scan_or_raw
    lot, sku = lot_of(scan)
    return trace.backward(db, actor, lot, sku), trace.forward(db, actor, lot, sku)


class TraceScreen(FlowScreen):
    """Steps `lot` -> `trees`; supervisors: F2 -> `reason` -> `confirm` -> recall raised -> `trees`."""

    TITLE_MSGID = "Trace"
    CSS_PATH = "trace.tcss"
    HINTS = [("↑↓", "Move"), ("Enter", "Open/close"), ("Tab", "Other tree"), BACK]
    BINDINGS = [
        Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False),
        Binding("pageup", "move(-8)", show=False), Binding("pagedown", "move(8)", show=False),
        Binding("tab", "switch", show=False, priority=True),
        Binding("f2", "recall", show=False),
    ]

    def __init__(self, scan=None) -> None:
        super().__init__()
        self.initial_scan = scan
        self.step = "lot"
        self.back: dict | None = None
        self.fwd: dict | None = None
        self.active = "back"
        self.listing: dict | None = None
        self.reason = ""
        self.recall_key: str | None = None

    def compose_body(self):
        yield Static(id="summary")
        with Container(id="trees"):
            for kind in ("back", "fwd"):
                with Vertical(id=f"pane-{kind}", classes="pane"):
                    yield Static(id=f"head-{kind}", classes="head")
                    tree = Tree("", id=f"tree-{kind}")
                    tree.can_focus = False  # the scan field keeps the focus; the screen drives the cursor
                    tree.show_root = True
                    tree.guide_depth = 2
                    yield tree
        yield Static(id="recall")

    def on_mount(self) -> None:
        super().on_mount()
        if self.app.actor is not None and self.app.actor.may("recall.raise"):
            self.query_one("KeyHints").set_hints([*self.HINTS[:3], ("F2", "Recall"), BACK])
        if self.initial_scan is not None:
            self.call_service("trace", trace_lot, self.app.services.db, self.app.actor, self.initial_scan)

    def on_resize(self) -> None:
        self.query_one("#trees").set_class(self.size.width >= WIDE, "-wide")

    def translate(self) -> None:
        self.set_prompt(PROMPTS[self.step])
        for kind in ("back", "fwd"):
            self.query_one(f"#head-{kind}", Static).update(_(HEADINGS[kind]))
            self.query_one(f"#pane-{kind}").set_class(kind == self.active, "-active")
        self.draw()

    def draw(self) -> None:
        """Trees from the last trace (details are words, so they are redrawn in the new language too)."""
        views.show(self.query_one("#tree-back", Tree), "back", self.back)
        views.show(self.query_one("#tree-fwd", Tree), "fwd", self.fwd)
        summary = views.summary_text(views.summary(self.back, self.fwd)) if self.back else ""
        self.query_one("#summary", Static).update(summary)
        recalling = self.step in ("reason", "confirm")
        self.query_one("#trees").display = not recalling
        self.query_one("#recall").display = recalling
        if recalling and self.listing:
            self.query_one("#recall", Static).update(views.recall_text(self.listing, self.reason or None))

    def go(self, step: str) -> None:
        self.step = step
        self.set_prompt(PROMPTS[step])
        recalling = step in ("reason", "confirm")
        self.query_one("#trees").display = not recalling
        self.query_one("#recall").display = recalling
        if recalling:
            self.query_one("#recall", Static).update(views.recall_text(self.listing, self.reason or None))

    @property
    def tree(self) -> Tree:
        return self.query_one(f"#tree-{self.active}", Tree)

    # Keys and scans -------------------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        if self.step == "trees":
            tree = self.tree
            tree.cursor_line = max(0, min(tree.cursor_line + delta, tree.last_line))

    def action_switch(self) -> None:
        """Tab: the other tree becomes the one the keys drive (and the larger one at 80x24)."""
        if self.step == "trees":
            self.active = "fwd" if self.active == "back" else "back"
            for kind in ("back", "fwd"):
                self.query_one(f"#pane-{kind}").set_class(kind == self.active, "-active")

    def action_recall(self) -> None:
        """F2 (supervisors): list what a recall of this lot touches, then ask a reason."""
        if self.step != "trees":
            return
        if not self.app.actor.may("recall.raise"):
            self.message.error(_("Only a supervisor can raise a recall"))
            return
        self.call_service("affected", recall.affected, self.app.services.db, self.app.actor, self.back["lot"],
                          self.back["sku"])

    def scanned(self, value: str) -> None:
        value = value.strip()
        db, actor = self.app.services.db, self.app.actor
        if self.step in ("lot", "trees") and value:
            self.call_service("trace", trace_lot, db, actor, value)
        elif self.step == "trees":
            node = self.tree.cursor_node
            if node is not None and node.data is not None:
                views.fill(node)
                node.toggle()
        elif self.step == "reason":
            if not value:
                self.message.error(_("A recall needs a reason"))
                return
            self.reason, self.recall_key = value, str(uuid.uuid4())  # kept until the recall posts
            self.go("confirm")
        elif self.step == "confirm":
            self.call_service("recall", lambda: recall.raise_recall(
                db, actor, key=self.recall_key, lot=self.back["lot"], reason=self.reason, sku=self.back["sku"]))

    def service_done(self, tag: str, value: object) -> None:
        if tag == "trace":
            self.back, self.fwd = value
            self.active = "back" if self.back["inputs"] else "fwd"
            self.step = "trees"
            self.translate()
        elif tag == "affected":
            self.listing, self.reason = value, ""
            self.go("reason")
        elif tag == "recall":
            self.recall_key, self.listing = None, None
            blocked = ngettext("{n} balance blocked", "{n} balances blocked", value["blocked_balances"]).format(
                n=value["blocked_balances"])
            self.message.info(ngettext("Recall raised: {lots} lot, {blocked}", "Recall raised: {lots} lots, {blocked}",
                                       value["lots"]).format(lots=value["lots"], blocked=blocked))
            self.call_service("trace", trace_lot, self.app.services.db, self.app.actor, self.back["lot"])

    def action_back(self) -> None:
        """Esc: confirm -> reason -> trees; trees -> lot; lot -> home."""
        if self.step == "confirm":
            self.recall_key = None
            self.go("reason")
        elif self.step == "reason":
            self.listing = None
            self.go("trees")
        elif self.step == "trees":
            self.back = self.fwd = None
            self.step = "lot"
            self.translate()
        else:
            self.app.pop_screen()
