"""How the Work orders screen draws the schedule: each line's sequence with kitting and start–end times."""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text

from console.screens.production_views import kit_text
from core.i18n import N_, _
from core.services import schedule

SCHEDULE_COLUMNS = [("Line", False), ("#", True), ("Work order", False), ("Due", False), ("Kitting", False),
                    (N_("Start–end"), False), (N_("Pinned"), True)]


def when(at: datetime, today: date) -> str:
    """14:05 today, else 12-03 14:05 (the terminal's local time)."""
    local = at.astimezone()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d %H:%M")


def schedule_rows(slots, today: date | None = None) -> list[list]:
    """One row per slot: line, position, order, due, kitting (coloured), start–end, the pinned position."""
    today = today or schedule.clock().astimezone().date()
    return [[s.line, str(s.position), s.wo_number, s.due_date.isoformat(), kit_text(s.kitting),
             f"{when(s.start, today)}–{when(s.end, today)}", Text(str(s.pinned) if s.pinned else "", justify="right")]
            for s in slots]


def schedule_summary(slots) -> Text:
    """What the sequence is, how many lines and orders, how many pinned."""
    lines = {s.line for s in slots}
    text = Text(_("Sequence per line, as the stock is now") + "   ")
    text.append(_("lines: {n}").format(n=len(lines)) + "   " + _("orders: {n}").format(n=len(slots)))
    pinned = sum(1 for s in slots if s.pinned)
    if pinned:
        text.append("   " + _("pinned: {n}").format(n=pinned), style="yellow")
    return text
