"""How the production screens draw their panels: the order header, the pick task, the issue and output panels."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rich.text import Text

from console.screens.production_common import KIT_STYLES
from console.words import qty_text, state_text
from core.i18n import _, ngettext


def labelled(text: Text, pairs: list[tuple[str, str]], sep: str = "   ") -> Text:
    """Append `label value` pairs (label msgid dim, value bold) on one line."""
    for n, (label, value) in enumerate(pairs):
        text.append(("" if n == 0 else sep) + _(label) + " ", style="dim")
        text.append(value, style="bold")
    return text


def kit_text(status: str) -> Text:
    """kitted / kittable / short, coloured, in the operator's language."""
    return Text(_(status), style=KIT_STYLES.get(status, ""))


def order_header(order, *, due: bool = False) -> Text:
    """WO-1  PCBA-1 Board  ×100  Line L1  in progress (and the due date and kitting status on the board)."""
    text = Text(order.wo_number, style="bold")
    text.append(f"  {order.sku} {'' if due else order.name}".rstrip() + f"  ×{qty_text(order.qty)}  ")
    if due:
        text.append(f"{_('Due')} {order.due_date.isoformat()}  ")
    text.append(f"{_('Line')} {order.line}  ")
    text.append(state_text(order.state), style="dim")
    if due:
        text.append("  ").append_text(kit_text(order.kit_status))
    return text


def pick_panel(wo: str, tasks: list, i: int, lines: dict, lot: str | None) -> Text:
    """WO and task n/N, then the task's location, SKU, lot and quantity (or the summary after the last task)."""
    text = Text()
    if not tasks:
        return text
    text.append(wo, style="bold")
    text.append("   " + _("Task {n}/{total}").format(n=min(i + 1, len(tasks)), total=len(tasks)))
    if i >= len(tasks):
        # Lines only: a sum over the lines would add pieces to kilograms.
        done = ngettext("All tasks done: {n} line picked", "All tasks done: {n} lines picked", len(lines))
        return text.append("\n" + done.format(n=len(lines)))
    task = tasks[i]
    text.append("\n")
    labelled(text, [("Location", task.location), ("SKU", task.sku), ("Lot", lot or task.lot or "—"),
                    ("Qty", qty_text(task.qty - task.picked_qty))])
    if lot and task.lot and lot != task.lot:
        text.append("\n" + _("Substitute for lot {lot}").format(lot=task.lot), style="yellow")
    return text


def pick_rows(tasks: list, lines: dict) -> list[list]:
    """The pick list: #, location, SKU, lot (the scanned one once picked), quantity, picked (`!` = short)."""
    rows = []
    for n, t in enumerate(tasks, 1):
        line = lines.get(t.id)
        picked = "" if line is None else qty_text(line.qty) + (" !" if line.short else "")
        rows.append([str(n), t.location, t.sku, (line.lot if line and line.lot else t.lot) or "",
                     t.qty - t.picked_qty, Text(picked, justify="right")])
    return rows


def issue_panel(order, material, step: str, qty: Decimal, approving: bool) -> Text:
    """The order, then the scanned lot or SKU with what is at the line and still to issue."""
    text = order_header(order)
    if material is not None and step != "lot":
        text.append("\n")
        labelled(text, [("Lot" if material.lot else "SKU", material.lot or material.sku or "")])
        text.append("   " + _("At the line: {at}   Still to issue: {left}").format(
            at=qty_text(material.proposal.at_line), left=qty_text(material.proposal.remaining)))
    if approving:
        text.append("\n" + _("Over-issue of {qty}: a supervisor approves").format(qty=qty_text(qty)), style="yellow")
    return text


def output_panel(order, step: str, good: Decimal, last) -> Text:
    """The order and its progress, the good quantity while scrap is asked, then the lots of the last output."""
    text = Text()
    if order is not None:
        text = order_header(order)
        text.append("\n" + _("Ordered {qty}   Reported {done}   Still to make {left}").format(
            qty=qty_text(order.qty), done=qty_text(order.completed),
            left=qty_text(max(order.qty - order.completed, Decimal(0)))))
        if step == "scrap":
            labelled(text.append("\n"), [("Good", qty_text(good))])
    if last is not None:
        text.append("\n\n" + _("Last output of {wo}").format(wo=last.wo_number) + "\n", style="dim")
        for lot in last.lots[:8]:
            text.append(f"  {lot}\n", style="bold")
        if len(last.lots) > 8:
            text.append(f"  … +{len(last.lots) - 8}\n")
    return text


def board_summary(rows: list) -> Text:
    """n open · can run · short · due by today (and how many of those can run)."""
    today = date.today()
    due = [r for r in rows if r.kit.due_date <= today]
    ready = sum(1 for r in rows if r.kit.status != "short")
    text = Text(_("{n} open").format(n=len(rows)) + "   ")
    text.append(_("can run: {n}").format(n=ready), style="green")
    text.append("   " + _("short: {n}").format(n=len(rows) - ready), style="red")
    text.append("   " + _("due by today: {n} ({ready} can run)").format(
        n=len(due), ready=sum(1 for r in due if r.kit.status != "short")))
    return text
