"""The production screens in the RF-gun layout (20x16, 40x8): picking, issue, output and the work-order board as a
few short lines each (console.compact.Lines), the values the step needs, no tables.

A list (pick tasks, components, board rows, the schedule) shows its current entry and a count (`Task 2/5`,
`WO-2 1/3`), or at most a few short entries and `+n`.
"""

from __future__ import annotations

from decimal import Decimal

from rich.cells import cell_len
from rich.text import Text

from console.compact import Lines
from console.screens import schedule_views
from console.screens.production_views import kit_text
from console.words import qty_text, state_text
from core.i18n import N_, _, ngettext

FEW = 3  # a list's entries shown before `+n`
NARROW = 20  # the RF gun's width: a pair of values wider than this is two lines
KEY_LINE_WIDTH = 40  # narrower, the key line holds four keys (Esc and F10 among them)


def _qty(qty: Decimal, uom: str = "") -> str:
    return f"{qty_text(qty)} {uom}".rstrip()


def _more(lines: Lines, left: int) -> None:
    if left > 0:
        lines.text(f"+{left}", style="dim")


def key_legend(lines: Lines, keys: list) -> None:
    """F-keys named in #compact, two a line (`F5 Release F6 Cancel`), where the key line has no room for them."""
    for n in range(0, len(keys), 2):
        line = Text()
        for key, label in keys[n:n + 2]:
            line.append(" " if line else "").append(key, style="bold reverse").append(" " + _(label), style="dim")
        lines.text(line)


# Picking ----------------------------------------------------------------------------------------------------------


def pick(heading: str, tasks: tuple, i: int, picks: dict, lot: str | None, step: str) -> Lines:
    """The order (or batch, or replenishment) and task n/N, then the task's location, SKU, lot and quantity; after
    the last task, how many lines wait for the drop."""
    lines = Lines()
    if not tasks:
        return lines
    count = _("Task {n}/{total}").format(n=i + 1, total=len(tasks)) if i < len(tasks) > 1 else ""
    if cell_len(f"{heading} {count}") <= NARROW:
        lines.pair(heading, count)
    else:  # a batch's heading: the count on a line of its own, so it is never broken at 20 columns
        lines.pair(heading).pair(count)
    if i >= len(tasks):
        done = ngettext("All tasks done: {n} line picked", "All tasks done: {n} lines picked", len(picks))
        lines.text(done.format(n=len(picks)), style="green")
        short = sum(1 for p in picks.values() if p.short)
        if short:
            lines.add(N_("Short pick"), str(short), style="bold yellow")
        return lines
    task = tasks[i]
    lines.add(N_("Location"), task.location)
    lines.add(N_("SKU"), task.sku)
    lines.add(N_("Lot"), lot or task.lot or "")
    if lot and task.lot and lot != task.lot:
        lines.text(_("Substitute for lot {lot}").format(lot=task.lot), style="yellow")
    lines.add(N_("Qty"), _qty(task.qty - task.picked_qty, task.uom))
    kept = picks.get(task.id)
    if kept is not None and step == "qty":  # Esc came back to a recorded pick
        lines.add(N_("Picked"), _qty(kept.qty, task.uom) + (" !" if kept.short else ""), style="bold green")
    parts = getattr(task, "parts", ())
    if len(parts) > 1:  # a batch's merged line: how it splits by order, one order a line
        label = _("For")
        for n, p in enumerate(parts[:FEW]):
            lines.text(Text(label if n == 0 else " " * cell_len(label), style="dim").append(
                f" {p.wo_number} {qty_text(p.qty)}"))
        _more(lines, len(parts) - FEW)
    return lines


def batch(line: str, orders: tuple[str, ...]) -> Lines:
    """The batch step: its line, how many orders, the orders (the newest last)."""
    lines = Lines()
    lines.text(_("Batch of line {line}").format(line=line), style="bold")
    lines.text(ngettext("{n} order", "{n} orders", len(orders)).format(n=len(orders)))
    lines.text(" ".join(orders), style="bold")
    return lines


# Issue ------------------------------------------------------------------------------------------------------------


def issue(order, material, step: str, qty: Decimal, approving: bool) -> Lines:
    """The order, then what is still to issue (the lot step) or the scanned lot's numbers (the quantity step)."""
    lines = Lines()
    if order is None:
        return lines
    if material is None or step == "lot":
        lines.pair(order.wo_number, order.sku)
        todo = [c for c in order.components if not c.backflush and c.required > c.issued]
        if todo:
            lines.text(_("To issue"), style="dim")
        for c in todo[:FEW]:
            lines.text(Text(c.sku, style="bold").append(f" {qty_text(c.required - c.issued)}"))
        _more(lines, len(todo) - FEW)
        return lines
    p = material.proposal
    lines.pair(order.wo_number)
    lines.add(N_("Lot") if material.lot else N_("SKU"), material.lot or material.sku or "")
    lines.add(N_("At the line"), _qty(p.at_line, p.uom))
    lines.add(N_("To issue"), _qty(p.remaining, p.uom))
    if approving:
        lines.text(_("Over-issue of {qty}: a supervisor approves").format(qty=qty_text(qty)), style="yellow")
    return lines


# Output -----------------------------------------------------------------------------------------------------------


def output(order, step: str, good: Decimal, scrap: Decimal, last, approving: bool) -> Lines:
    """The order and its progress, the good (and scrap) quantity once typed, then the last output's lots."""
    lines = Lines()
    if order is not None:
        lines.pair(order.wo_number, f"{order.sku} ×{qty_text(order.qty)}")
        lines.add(N_("Reported"), _qty(order.completed, order.uom))
        lines.add(N_("Still to make"), _qty(max(order.qty - order.completed, Decimal(0)), order.uom))
        if step == "scrap" or approving:
            lines.add(N_("Good"), _qty(good, order.uom))
        if approving:
            lines.add(N_("Scrap"), _qty(scrap, order.uom))
    if last is not None and last.lots and not approving:
        lines.text(_("Last output of {wo}").format(wo=last.wo_number), style="dim")
        lines.text(" ".join(last.lots[:2]) + (f" +{len(last.lots) - 2}" if len(last.lots) > 2 else ""),
                   style="bold green")
    return lines


# Work orders ------------------------------------------------------------------------------------------------------


def _state_kit(line: str, state: str, kit: str) -> Text:
    return Text(f"{line} {state_text(state)} ".lstrip(), style="").append_text(kit_text(kit))


def board_row(lines: Lines, rows: tuple, n: int) -> Lines:
    """How many are open and short, then the highlighted row: order n/N, product and quantity, due, state."""
    short = sum(1 for r in rows if r.kit.status == "short")
    lines.text(Text(_("{n} open").format(n=len(rows)) + "  ").append(_("short: {n}").format(n=short),
                                                                      style="red" if short else "dim"))
    if rows:
        r = rows[min(n, len(rows) - 1)]
        lines.pair(r.kit.wo_number, f"{min(n, len(rows) - 1) + 1}/{len(rows)}")
        lines.pair(r.kit.sku, f"×{qty_text(r.kit.qty)}", style="")
        lines.add(N_("Due"), r.kit.due_date.isoformat(), style="")
        lines.text(_state_kit(r.kit.line, r.state, r.kit.status))
    return lines


def order(lines: Lines, o) -> Lines:
    """An opened order: its header in short lines, then its short components (at most a few)."""
    lines.pair(o.wo_number, f"{o.sku} ×{qty_text(o.qty)}")
    lines.add(N_("Due"), o.due_date.isoformat(), style="")
    lines.text(_state_kit(o.line, o.state, o.kit_status))
    shorts = [c for c in o.components if c.short]
    for c in shorts[:FEW]:
        lines.text(Text(c.sku + " ", style="bold").append(_("short") + " " + qty_text(c.short), style="red"))
    _more(lines, len(shorts) - FEW)
    return lines


def slot(lines: Lines, slots: tuple, n: int, wo: str | None = None) -> Lines:
    """The schedule: lines and orders, then the highlighted (or named) order's place, due, kitting and times."""
    if not wo:
        lines.text(_("lines: {n}").format(n=len({s.line for s in slots})) + "  "
                   + _("orders: {n}").format(n=len(slots)), style="dim")
    if not slots:
        return lines
    n = next((k for k, s in enumerate(slots) if s.wo_number == wo), min(n, len(slots) - 1))
    s, today = slots[n], schedule_views.schedule.clock().astimezone().date()
    lines.pair(s.wo_number, f"{s.line} #{s.position}")
    lines.add(N_("Due"), s.due_date.isoformat(), style="")
    lines.text(kit_text(s.kitting))
    lines.text(f"{schedule_views.when(s.start, today)}–{schedule_views.when(s.end, today)}")
    lines.add(N_("Pinned"), s.pinned or "", style="bold yellow")
    return lines
