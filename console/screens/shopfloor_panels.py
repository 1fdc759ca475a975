"""What the shop-floor screens (operations, downtime, nonconformance) draw: plain Text, never markup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text

from console.screens.inbound_panels import label
from console.words import qty_text
from core.i18n import N_, _
from core.services.operations import Characteristic, OperationDone
from core.services.shopfloor_views import WorkCenterView

OP_STATUS = {"planned": N_("not started"), "running": N_("running"), "done": N_("done")}

__all__ = ["label", "center_line", "operation_line", "limits_text", "checks"]


def center_line(center: WorkCenterView | None) -> Text:
    """The work centre being worked at: code, name, line."""
    text = Text()
    if center is not None:
        label(text, N_("Work centre"), center.code).append(f"  {center.name}")
        if center.line:
            label(text.append("  "), N_("Line"), center.line, "")
    return text


def operation_line(op: OperationDone) -> Text:
    """The order's operation here: order, op number, status, what it made so far, who works on it."""
    text = label(Text(), N_("Work order"), op.wo_number)
    label(text.append("  "), N_("Op"), str(op.op_no))
    if op.rework:
        text.append(" ").append(_("(rework)"), style="yellow")
    label(text.append("  "), N_("Status"), _(OP_STATUS.get(op.status, op.status)),
          "green" if op.status == "running" else "bold")
    if op.good or op.scrap:
        label(text.append("  "), N_("Good"), qty_text(op.good), "")
        label(text.append("  "), N_("Scrap"), qty_text(op.scrap), "")
    if op.operators:
        text.append("\n")
        label(text, N_("Operators"), " ".join(op.operators), "")
    return text


def limits_text(c: Characteristic) -> str:
    """`25–75 um`, `≥ 25 um`, `≤ 40 °C`, or the unit alone when the check has no limits."""
    low, high = (qty_text(v) if v is not None else None for v in (c.min, c.max))
    if low is not None and high is not None:
        limits = f"{low}–{high}"
    elif low is not None:
        limits = f"≥ {low}"
    elif high is not None:
        limits = f"≤ {high}"
    else:
        return c.unit
    return f"{limits} {c.unit}".strip()


def checks(chars: Sequence[Characteristic], measured: Mapping[str, str], current: int | None) -> Text:
    """The operation's QC plan: each check with its limits, what was measured, and which one is asked now."""
    text = Text(_("Checks"), style="dim")
    for n, c in enumerate(chars):
        text.append("\n ").append("▶ " if n == current else "  ", style="bold")
        text.append(f"{c.characteristic:<22}", style="bold" if n == current else "")
        text.append(f" {limits_text(c):<14}", style="dim")
        value = measured.get(c.characteristic)
        if value is not None and n != current:
            text.append(f" {value}")
    return text
