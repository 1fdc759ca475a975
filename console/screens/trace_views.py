"""How the Trace screen draws things: tree labels, children filled when a node is first opened, the summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from console.words import qty_text, status_text
from core.errors import InvalidInput
from core.i18n import N_, _, ngettext
from core.scan import classify
from core.services import trace
from core.services.recall import Affected
from core.services.trace import Backward, Forward, ForwardUse

BLOCKABLE = ("available", "qc_hold")  # what raise_recall blocks


@dataclass(frozen=True)
class Traced:
    """Both trees of one lot."""

    back: Backward
    fwd: Forward


def lot_of(scan) -> tuple[str, str | None]:
    """(lot number, sku) of a classified scan; InvalidInput if it is not a lot."""
    if scan.kind == "lot":
        return scan.code, scan.sku if scan.candidates == 1 else None
    if scan.kind == "gs1" and scan.lot:
        return scan.lot, scan.sku
    if scan.kind == "unknown":
        raise InvalidInput(N_("Unknown scan: {scan}"), scan=scan.raw)
    raise InvalidInput(N_("Not a lot: {scan}"), scan=scan.raw)


def trace_lot(db, actor, scan_or_raw) -> Traced:
    """Classify (if raw) and trace both ways (worker side)."""
    scan = classify(db, scan_or_raw) if isinstance(scan_or_raw, str) else scan_or_raw
    return trace_both(db, actor, *lot_of(scan))


def trace_both(db, actor, lot: str, sku: str | None) -> Traced:
    """Both trees of a lot known by number and item (after a recall, the same lot again)."""
    return Traced(trace.backward(db, actor, lot, sku), trace.forward(db, actor, lot, sku))


def when(value: datetime | None) -> str:
    """A time as the floor reads it: 2026-11-25 14:05 (local)."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"


def back_label(node: Backward) -> Text:
    """lot · sku · qty · where it came from (work order, else supplier)."""
    text = Text(node.lot, style="bold").append(f" · {node.sku} · {qty_text(node.qty or 0)}")
    origin = node.work_order or node.supplier
    return text.append(f" · {origin}", style="cyan") if origin else text


def back_details(node: Backward) -> list[str]:
    """The facts a quality engineer asks about one lot, one short line each."""
    lines = []
    if node.supplier:
        lines.append(f"{_('Supplier')} {node.supplier} · {_('received')} {when(node.received_at)}")
    if node.inspected_by:
        lines.append(f"{_('Inspected by')} {node.inspected_by}")
    if node.work_order:
        lines.append(f"{node.work_order} · {_('line')} {node.line or '-'} · {_('produced')} "
                     f"{when(node.produced_at)}")
    if node.operators:
        lines.append(f"{_('Operators')} {', '.join(node.operators)}")
    return lines


def fwd_label(node: Forward | ForwardUse) -> Text:
    """lot · sku · qty consumed · work order (the traced lot itself: lot · sku)."""
    text = Text(node.lot, style="bold").append(f" · {node.sku}")
    if isinstance(node, ForwardUse):
        text.append(f" · {qty_text(node.qty)}")
        if node.work_order:
            text.append(f" · {node.work_order}", style="cyan")
    return text


def fwd_details(node: Forward | ForwardUse) -> list[Text]:
    """Shipments (to whom) and what is still on hand where."""
    lines = [Text("→ ", style="bold yellow").append(f"{s.customer} · {s.so_number} · {qty_text(s.qty)} · "
                                                   f"{when(s.shipped_at)}") for s in node.shipments]
    lines += [Text("■ ", style="green").append(f"{h.location} · {status_text(h.status)} · {qty_text(h.qty)}")
              for h in node.on_hand]
    return lines


def fill(tree_node: TreeNode) -> None:
    """Add a node's children the first time it opens (a 20,000-lot forward tree is not built up front)."""
    kind, data = tree_node.data["kind"], tree_node.data["node"]
    if tree_node.data.get("filled"):
        return
    tree_node.data["filled"] = True
    if kind == "back":
        for line in back_details(data):
            tree_node.add_leaf(Text(line, style="dim"))
        for child in data.inputs:
            tree_node.add(back_label(child), data={"kind": kind, "node": child}, allow_expand=True)
    else:
        for line in fwd_details(data):
            tree_node.add_leaf(line)
        for child in data.used_in:
            tree_node.add(fwd_label(child), data={"kind": kind, "node": child}, allow_expand=True)


def show(tree: Tree, kind: str, data: Backward | Forward | None, *, keep_place: bool = False) -> None:
    """Replace the tree's content: the root opened one level. `keep_place` (the same trace in another language):
    the lines that were open are opened again and the cursor goes back to its line."""
    opened, cursor_line = set(), tree.cursor_line
    if keep_place:
        opened = {id(n.data["node"]) for n in _nodes(tree.root) if n.data and n.is_expanded}
    tree.clear()
    if data is None:
        tree.root.set_label("")
        return
    tree.root.set_label(back_label(data) if kind == "back" else fwd_label(data))
    tree.root.data = {"kind": kind, "node": data}
    fill(tree.root)
    tree.root.expand()
    if keep_place and opened:
        for node in _nodes(tree.root):  # parents before children: each opened line's own lines exist by then
            if node is not tree.root and node.data and id(node.data["node"]) in opened:
                fill(node)
                node.expand()
        tree.cursor_line = max(0, cursor_line)
    else:
        tree.move_cursor(tree.root)


def _nodes(node: TreeNode):
    """A tree's nodes, parents before their children."""
    yield node
    for child in node.children:
        yield from _nodes(child)


def _walk(node, children: str):
    yield node
    for child in getattr(node, children):
        yield from _walk(child, children)


def summary(back: Backward, fwd: Forward) -> dict[str, object]:
    """Lots and work orders in both trees; customers reached and on-hand quantity downstream (with the lot)."""
    backward, forward = list(_walk(back, "inputs")), list(_walk(fwd, "used_in"))
    lots = {n.lot for n in backward} | {n.lot for n in forward}
    orders = {n.work_order for n in backward + forward if getattr(n, "work_order", None)}
    customers = {s.customer for n in forward for s in n.shipments}
    on_hand = sum((h.qty for n in forward for h in n.on_hand), Decimal(0))
    return {"lots": len(lots), "orders": len(orders), "customers": len(customers), "qty": qty_text(on_hand)}


def counted(figures: dict) -> dict[str, str]:
    """Each count with its noun in the right plural form ("1 lot", "3 lots"), for a line of several counts."""
    forms = {"lots": ngettext("{n} lot", "{n} lots", figures["lots"]),
             "orders": ngettext("{n} work order", "{n} work orders", figures["orders"]),
             "customers": ngettext("{n} customer", "{n} customers", figures["customers"])}
    if "shipments" in figures:
        forms["shipments"] = ngettext("{n} shipment", "{n} shipments", figures["shipments"])
    return {key: form.format(n=figures[key]) for key, form in forms.items()}


def summary_text(figures: dict) -> str:
    """One line, both languages."""
    return _("{lots} · {orders} · {customers} · on hand {qty}").format(**counted(figures), qty=figures["qty"])


def recall_text(listing: Affected, reason: str | None) -> Text:
    """What a recall of this lot would touch, and the reason once typed."""
    held = [h for h in listing.on_hand if h.status in BLOCKABLE]
    qty = sum((h.qty for h in held), Decimal(0))
    text = Text(_("Recall {lot} ({sku})").format(lot=listing.lot, sku=listing.sku), style="bold red")
    text.append("\n" + _("{lots} · {orders} · {customers} · {shipments}").format(**counted({
        "lots": len(listing.lots), "orders": len(listing.work_orders), "customers": len(listing.customers),
        "shipments": len(listing.shipments)})))
    text.append("\n" + ngettext("On hand to block: {qty} in {n} balance", "On hand to block: {qty} in {n} balances",
                                 len(held)).format(qty=qty_text(qty), n=len(held)))
    if listing.customers:
        text.append("\n" + _("Customers: {codes}").format(codes=", ".join(listing.customers[:8])))
    if reason:
        text.append("\n" + _("Reason: {reason}").format(reason=reason), style="bold")
    return text
