"""Trace (`8`, or a lot scanned on home): lot -> backward and forward trees, a summary line; F2 recall (signed).

The scan field keeps the focus: ↑↓ move in the active tree, Enter alone opens or closes the line,
Tab switches between the trees, a new scan traces another lot. At 80x24 the trees are stacked and the
active one gets two thirds of the room; on a wide terminal they stand side by side.
A lot made here opens on its backward tree (what went into it); a supplier lot on its forward tree.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.widgets import Static, Tree

from console.compact import Lines, pack
from console.flow import BACK, Key, Step, handles
from console.screens import trace_views as views
from console.signing import SIGN, SignatureFlow, signature_steps
from console.words import qty_text
from core.errors import InvalidInput
from core.i18n import N_, _, ngettext
from core.reasons import Meaning
from core.services import recall

HEADINGS = {"back": N_("Backward: made of"), "fwd": N_("Forward: went into")}
SHORT_HEADINGS = {"back": N_("Made of"), "fwd": N_("Went into")}  # the RF-gun layout's
WIDE = 120  # columns from which the trees stand side by side
TREE_KEYS: list[Key] = [("↑↓", N_("Move")), ("Enter", N_("Open/close")), ("Tab", N_("Other tree"))]
RECALL: Key = ("F2", N_("Recall"))
RECALLING = ("reason", "confirm", SIGN)


class TraceScreen(SignatureFlow):
    """Steps `lot` -> `trees`; supervisors: F2 -> `reason` -> `confirm` -> `sign` (Recalled) -> raised -> `trees`."""

    TITLE_MSGID = N_("Trace")
    CSS_PATH = "trace.tcss"
    BINDINGS = [
        Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False),
        Binding("pageup", "move(-8)", show=False), Binding("pagedown", "move(8)", show=False),
        Binding("tab", "switch", show=False, priority=True),
        Binding("f2", "recall", show=False),
    ]
    STEPS = (
        Step("lot", N_("Scan a lot")),
        Step("trees", N_("↑↓ Enter: open a line · Tab: other tree · or scan a lot"), back="lot", blank=True),
        Step("reason", N_("Type the reason for the recall, then Enter"), back="trees", blank=True),
        Step("confirm", N_("Enter again: block all affected stock · Esc: cancel"), back="reason", blank=True),
        *signature_steps(),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.traced: views.Traced | None = None
        self.active = "back"
        self.listing: recall.Affected | None = None
        self.reason = ""
        self._built: tuple[views.Traced | None, str] | None = None  # the trace and language the trees show

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

    @property
    def HINTS(self) -> list[Key]:  # noqa: N802  (FlowScreen's name for the keys every step shows)
        """The tree keys, F2 for those who may recall, Esc; the RF-gun layout leaves the tree keys to the prompt,
        which names them, so that Esc fits in 20 columns."""
        recall_key = [RECALL] if self.app.actor is not None and self.app.actor.may("recall.raise") else []
        return [*([] if self.compact else TREE_KEYS), *recall_key, BACK]

    def on_mount(self) -> None:
        super().on_mount()
        if self.initial_scan is not None:
            self.read(self.shown, views.trace_lot, self.app.services.db, self.app.actor, self.initial_scan)

    def on_resize(self) -> None:
        self.query_one("#trees").set_class(self.size.width >= WIDE, "-wide")

    def draw(self, step: Step) -> None:
        """Headings, the trees from the last trace (rebuilt only when they or the language changed), the recall."""
        for kind in ("back", "fwd"):
            self.query_one(f"#head-{kind}", Static).update(_(HEADINGS[kind]))
            self.query_one(f"#pane-{kind}").set_class(kind == self.active, "-active")
        t = self.traced
        if self._built is None or self._built[0] is not t or self._built[1] != self.app.lang:
            same = self._built is not None and self._built[0] is t  # only the language changed: keep the place
            self._built = (t, self.app.lang)  # a redraw of the same trace keeps the lines opened; words follow lang
            views.show(self.query_one("#tree-back", Tree), "back", t.back if t else None, keep_place=same)
            views.show(self.query_one("#tree-fwd", Tree), "fwd", t.fwd if t else None, keep_place=same)
            self.query_one("#summary", Static).update(views.summary_text(views.summary(t.back, t.fwd)) if t else "")
        recalling = step.name in RECALLING
        self.query_one("#trees").display = not recalling
        self.query_one("#recall").display = recalling
        if recalling and self.listing is not None:
            self.query_one("#recall", Static).update(views.recall_text(self.listing, self.reason or None))

    # The RF-gun layout ---------------------------------------------------------------------------------------

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: no tree panes (a 20-column tree cuts every label), but the active tree's line under the cursor in
        full, one row each for the lines above and below it, which tree and where in it ("Made of 3/9"), and the
        summary's counts; the rows decide what is left out, the cursor's line last. Recalling: what it touches."""
        if step.name in RECALLING:
            return self.recall_lines()
        lines = Lines()
        t = self.traced
        if t is None:
            return lines
        width, rows = self.app.size.width, self.compact_rows()
        tree = self.tree
        at, last = tree.cursor_line, tree.last_line
        head = Text(_(SHORT_HEADINGS[self.active]), style="bold").append(f" {at + 1}/{last + 1}", style="dim")
        summary = views.summary(t.back, t.fwd)
        figures = views.counted(summary)
        counts = [Text(figures[k]) for k in ("lots", "orders", "customers")]
        counts.append(Text(_("on hand {qty}").format(qty=summary["qty"])))
        top = pack([head, *counts], width)
        current = self.tree_line(tree, at, width, whole=True)
        current.stylize("reverse")
        before = self.tree_line(tree, at - 1, width) if at > 0 else None
        after = self.tree_line(tree, at + 1, width) if at < last else None
        # what the rows keep, in order of need: the cursor's line, the heading, the line below, the counts, above
        blocks = {"current": [current], "head": top[:1], "after": [after] if after else [], "counts": top[1:],
                  "before": [before] if before else []}
        kept, used = set(), 0
        for name in ("current", "head", "after", "counts", "before"):
            need = sum(-(-max(1, ln.cell_len) // width) for ln in blocks[name])
            if used + need <= rows or name == "current":
                kept.add(name)
                used += need
        for name in ("head", "counts", "before", "current", "after"):
            if name in kept:
                for line in blocks[name]:
                    lines.text(line)
        return lines

    @staticmethod
    def tree_line(tree: Tree, line: int, width: int, whole: bool = False) -> Text:
        """One line of a tree as the RF gun shows it: indented by depth (at most 3), ▸ closed / ▾ open, the label
        cut to one row with an ellipsis unless `whole`."""
        node = tree.get_node_at_line(line)
        if node is None:
            return Text()
        depth, parent = 0, node.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        icon = ("▾ " if node.is_expanded else "▸ ") if node.allow_expand else "  "
        text = Text(" " * min(depth, 3) + icon).append_text(Text.assemble(node.label))
        if not whole:
            text.truncate(width, overflow="ellipsis")
        return text

    def recall_lines(self) -> Lines:
        """What the recall touches, a short line each: the lot, what is blocked, the counts, the reason."""
        lines = Lines()
        listing = self.listing
        if listing is None:
            return lines
        held = [h for h in listing.on_hand if h.status in views.BLOCKABLE]
        lines.text(_("Recall {lot} ({sku})").format(lot=listing.lot, sku=listing.sku), style="bold red")
        lines.text(ngettext("On hand to block: {qty} in {n} balance", "On hand to block: {qty} in {n} balances",
                            len(held)).format(qty=qty_text(sum((h.qty for h in held), 0)), n=len(held)))
        counted = views.counted({"lots": len(listing.lots), "orders": len(listing.work_orders),
                                  "customers": len(listing.customers), "shipments": len(listing.shipments)})
        for line in pack([Text(counted[k]) for k in ("lots", "orders", "customers", "shipments")],
                           self.app.size.width):
            lines.text(line)
        if listing.customers:
            lines.text(_("Customers: {codes}").format(codes=", ".join(listing.customers[:8])))
        if self.reason:
            lines.text(_("Reason: {reason}").format(reason=self.reason), style="bold")
        return lines

    @property
    def tree(self) -> Tree:
        return self.query_one(f"#tree-{self.active}", Tree)

    # Trees --------------------------------------------------------------------------------------------------

    @handles("lot", "trees")
    def lot_scanned(self, value: str) -> None:
        if value:
            self.read(self.shown, views.trace_lot, self.app.services.db, self.app.actor, value)
            return
        node = self.tree.cursor_node  # Enter alone on the trees: open or close the line
        if node is not None and node.data is not None:
            views.fill(node)
            node.toggle()
            self.redraw_compact()

    def shown(self, traced: views.Traced) -> None:
        self.traced = traced
        self.active = "back" if traced.back.inputs else "fwd"
        self.go("trees")

    def action_move(self, delta: int) -> None:
        if self.step == "trees":
            tree = self.tree
            tree.cursor_line = max(0, min(tree.cursor_line + delta, tree.last_line))
            self.redraw_compact()

    def action_switch(self) -> None:
        """Tab: the other tree becomes the one the keys drive (and the larger one at 80x24)."""
        if self.step == "trees":
            self.active = "fwd" if self.active == "back" else "back"
            for kind in ("back", "fwd"):
                self.query_one(f"#pane-{kind}").set_class(kind == self.active, "-active")
            self.redraw_compact()

    # Recall -------------------------------------------------------------------------------------------------

    def action_recall(self) -> None:
        """F2 (supervisors): list what a recall of this lot touches, then ask a reason."""
        if self.step != "trees":
            return
        if not self.app.actor.may("recall.raise"):
            self.message.error(lambda: _("Only a supervisor can raise a recall"))
            return
        back = self.traced.back
        self.read(self.listed, recall.affected, self.app.services.db, self.app.actor, back.lot, back.sku)

    def listed(self, listing: recall.Affected) -> None:
        self.listing, self.reason = listing, ""
        self.go("reason")

    @handles("reason")
    def reason_typed(self, value: str) -> None:
        if not value:
            raise InvalidInput(N_("A recall needs a reason"))
        self.reason = value
        self.go("confirm")

    @handles("confirm")
    def confirmed(self, _value: str) -> None:
        listing, reason = self.listing, self.reason
        key = self.key.for_payload((listing.lot, listing.sku, reason))  # a retried Enter reuses its key
        self.sign(Meaning.RECALLED, self.recalled, recall.raise_recall, self.app.services.db, self.app.actor,
                  key=key, lot=listing.lot, reason=reason, sku=listing.sku)

    def recalled(self, done: recall.Recalled) -> None:
        self.key.spent()
        self.listing, self.reason = None, ""
        self.go("trees")
        self.message.info(lambda: ngettext("Recall raised: {lots} lot, {blocked}",
                                           "Recall raised: {lots} lots, {blocked}", done.lots).format(
            lots=done.lots, blocked=ngettext("{n} balance blocked", "{n} balances blocked",
                                             done.blocked_balances).format(n=done.blocked_balances)))
        self.read(self.shown, views.trace_both, self.app.services.db, self.app.actor, done.lot, done.sku)

    def forget(self, step: str) -> None:
        if step == "reason":
            self.listing, self.reason = None, ""
        elif step == "trees":
            self.traced = None

