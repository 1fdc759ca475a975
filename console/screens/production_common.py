"""What the production screens (picking, issue, output, work orders) share: the worker-side calls and the table.

Each function here runs in a flow worker and takes plain arguments (evaluated on the event loop when the
screen called read() or post()), so one step that needs several service calls never reads the screen's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rich.text import Text
from textual.widgets import DataTable

from console.words import qty_text
from core.errors import InvalidInput
from core.i18n import _
from core.scan import ScanResult, classify
from core.services import issuing, picking, picking_check, schedule
from core.services.picking import PickLine, PickTaskView
from core.services.work_order_views import BoardRow, WorkOrderView, board, running_order, work_order_view

KIT_STYLES = {"kitted": "green", "kittable": "yellow", "short": "bold red"}


def require_work_order(scan: ScanResult) -> str:
    """The work order number a scan names, or a one-line refusal."""
    if scan.kind != "work_order":
        raise InvalidInput("Not a work order: {scan}", scan=scan.raw)
    return scan.code


def material_of(scan: ScanResult, tracking: str) -> tuple[str | None, str | None]:
    """(lot, sku) a scan names for a component: a lot (label or number) or, when untracked, its SKU or GTIN."""
    if scan.kind == "lot" or (scan.kind == "gs1" and scan.lot):
        return scan.lot, scan.sku
    if scan.kind == "item" or (scan.kind == "gs1" and scan.sku):
        if tracking != "none":
            raise InvalidInput("{sku} is lot-tracked: scan the lot", sku=scan.sku)
        return None, scan.sku
    if scan.kind == "gs1" and scan.gtin:
        raise InvalidInput("Not found: {what}", what=scan.gtin)
    raise InvalidInput("Not a lot or an item: {scan}", scan=scan.raw)


def scanned_order(db, actor, raw: str) -> WorkOrderView:
    """A work-order scan -> the order, if material can be issued to it or output reported for it."""
    return running_order(db, actor, require_work_order(classify(db, raw)))


# Picking --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PickList:
    """A work order and the open pick tasks this clerk now holds, in pick-path order."""

    wo_number: str
    line: str
    tasks: tuple[PickTaskView, ...]


def pick_list(db, actor, wo: str) -> PickList:
    """Claim a work order's open tasks (picking.claim) with the order's line, for the drop."""
    order = work_order_view(db, actor, wo)
    return PickList(order.wo_number, order.line, tuple(picking.claim(db, actor, order.wo_number)))


def scanned_pick_list(db, actor, raw: str) -> PickList:
    """A work-order scan -> its pick list."""
    return pick_list(db, actor, require_work_order(classify(db, raw)))


@dataclass(frozen=True)
class PickMaterial:
    """A lot (or untracked SKU) the task may be picked from, and the quantity a label carries."""

    lot: str | None
    carried: Decimal | None


def pick_material(db, actor, raw: str, task: PickTaskView) -> PickMaterial:
    """A lot or item scan at a task's lot step -> what is picked, refused there (picking_check) when it may not be."""
    scan = classify(db, raw)
    if scan.sku is not None and scan.sku != task.sku:
        lot, sku = None, scan.sku  # the check names the wrong item
    else:
        lot, sku = material_of(scan, task.tracking)
    qty = scan.qty if scan.qty is not None else task.qty - task.picked_qty  # a batch: the merged quantity
    picking_check.check_pick(db, actor, task.id, lot=lot, sku=sku, qty=qty)
    return PickMaterial(lot, scan.qty)


def post_at_drop(db, actor, raw: str, *, key: str, wo_number: str, line: str,
                 lines: tuple[PickLine, ...]) -> picking.Picked:
    """A drop-location scan -> the collected picks posted there (the service checks it is the order's line side)."""
    scan = classify(db, raw)
    if scan.kind != "location":
        raise InvalidInput("Drop at the line side of {line}, not {location}", line=line or "—", location=scan.raw)
    return picking.post_picks(db, actor, key=key, wo_number=wo_number, lines=list(lines), drop_location=scan.code)


# Issue ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Material:
    """A scanned lot (or untracked SKU) of a component, what Enter would issue, and a label's quantity."""

    lot: str | None
    sku: str | None
    proposal: issuing.Proposal
    carried: Decimal | None  # a label with a quantity fills the quantity step


def material_for(db, actor, raw: str, order: WorkOrderView) -> Material:
    """A lot or item scan at the issue step -> the component it is, with the issue proposal."""
    scan = classify(db, raw)
    comp = next((c for c in order.components if scan.sku and c.sku == scan.sku), None)
    if comp is None and (scan.kind in ("lot", "item") or scan.sku):
        raise InvalidInput("{sku} is not a component of {wo}", sku=scan.sku or scan.raw, wo=order.wo_number)
    lot, sku = material_of(scan, comp.tracking if comp else "lot")
    return Material(lot, sku, issuing.proposal(db, actor, order.wo_number, lot=lot, sku=sku), scan.qty)


# Work orders ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Board:
    """The board's rows, and the work order opened from it (None on the list)."""

    rows: tuple[BoardRow, ...]
    order: WorkOrderView | None = None
    slots: tuple[schedule.Slot, ...] | None = None  # each line's sequence, when the schedule is shown


def board_view(db, actor, *, wo: str | None = None, raw: str | None = None, with_schedule: bool = False) -> Board:
    """The board, read again with every look-up of the screen (one read, so none is lost to a newer one); with
    the schedule, computed now from the stock as it is."""
    if raw is not None:
        wo = require_work_order(classify(db, raw))
    order = work_order_view(db, actor, wo) if wo else None
    slots = tuple(schedule.schedule(db, actor)) if with_schedule else None
    return Board(tuple(board(db, actor)), order, slots)


# Tables ---------------------------------------------------------------------------------------------------------


def fill_table(table: DataTable, columns: list[tuple[str, bool]], rows: list[list]) -> None:
    """Replace a table: (column msgid, numeric) headers in the current language, numbers right-aligned.

    Each column's width is measured here, from its header and cells: the table's own measuring waits for its
    idle moment, and a screen drawn before that shows the columns cut to their headers.
    """
    cells = [[Text(qty_text(v), justify="right") if numeric and v is not None and not isinstance(v, Text)
              else (v if isinstance(v, Text) else Text("" if v is None else str(v)))
              for v, (_label, numeric) in zip(row, columns, strict=True)] for row in rows]
    table.clear(columns=True)
    for n, (label, numeric) in enumerate(columns):
        header = Text(_(label), justify="right" if numeric else "left")
        table.add_column(header, width=max([header.cell_len, *(row[n].cell_len for row in cells)]))
    for row in cells:
        table.add_row(*row)
