"""Picking's batch: the worker-side calls and the panels of several orders of one line picked in one walk.

After a first work order is claimed, F6 (or a `+` scan) at its first location offers the batch step: each further
work order scanned there joins the batch (the same line, else a red line naming it); Enter starts the merged walk.
"""

from __future__ import annotations

from rich.text import Text

from console.screens.production_common import require_work_order
from console.words import qty_text
from core.errors import InvalidInput
from core.i18n import N_, _, ngettext
from core.scan import classify
from core.services import batch_picking
from core.services.batch_picking import Batch, BatchLine, BatchPicked, WalkLine
from core.services.picking import PickLine

ADD = "+"  # the scan (a printed barcode on the terminal) that starts a batch at the first location
ADD_ORDER = ("F6", N_("Add order"))


def joined(db, actor, orders: tuple[str, ...], raw: str) -> Batch:
    """A work-order scan at the batch step -> the batch with it claimed too (refused: another line, not released,
    already in the batch)."""
    wo = require_work_order(classify(db, raw))
    if wo in orders:
        raise InvalidInput(N_("{wo} is already in the batch"), wo=wo)
    return batch_picking.claim_batch(db, actor, [*orders, wo])


def reclaimed(db, actor, orders: tuple[str, ...]) -> Batch:
    """After a batch posting: what is still open of its orders (a short order's re-planned tasks), merged again."""
    return batch_picking.claim_batch(db, actor, list(orders), strict=False)


def post_at_drop(db, actor, raw: str, *, key: str, line: str, walk: tuple[WalkLine, ...],
                 picks: tuple[PickLine, ...]) -> BatchPicked:
    """A drop-location scan -> the batch's picks posted there, each walk line split back to its orders."""
    scan = classify(db, raw)
    if scan.kind != "location":
        raise InvalidInput("Drop at the line side of {line}, not {location}", line=line or "—", location=scan.raw)
    by_id = {w.id: w for w in walk}
    lines = [BatchLine(by_id[p.task_id].task_ids, p.qty, p.lot, p.short, p.reason) for p in picks]
    return batch_picking.post_batch(db, actor, key=key, drop_location=scan.code, lines=lines)


def orders_panel(line: str, orders: tuple[str, ...]) -> Text:
    """The batch step's panel: the line and the orders in the batch, in due order."""
    text = Text()
    text.append(_("Batch of line {line}").format(line=line), style="bold")
    text.append("   " + ngettext("{n} order", "{n} orders", len(orders)).format(n=len(orders)))
    for n, wo in enumerate(orders, 1):
        text.append(f"\n  {n}  ").append(wo)
    return text


def shares(task: WalkLine) -> Text:
    """A merged walk line's split by order, shown under the task: `WO-1 20 · WO-2 10`."""
    return Text(_("For") + " " + " · ".join(f"{p.wo_number} {qty_text(p.qty)}" for p in task.parts))


def posted_note(done: BatchPicked) -> str:
    """`Posted: 4 lines of WO-1, WO-2 to LINE-1` and the shortages a short raised, by order (in the language of
    the moment: the screen says it through a function, so F9 says it again translated)."""
    lines = sum(o.lines for o in done.orders)
    orders = ", ".join(o.wo_number for o in done.orders)
    note = ngettext("Posted: {n} line of {wo} to {drop}", "Posted: {n} lines of {wo} to {drop}", lines
                    ).format(n=lines, wo=orders, drop=done.drop)
    for o in done.orders:
        for s in o.shortages:
            note += "  " + _("{wo} short {sku}: {qty}").format(wo=o.wo_number, sku=s.sku, qty=qty_text(s.qty))
    return note
