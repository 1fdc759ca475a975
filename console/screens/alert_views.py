"""How the Alerts screen draws things: ages, severities, the action each rule offers, the result tables."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.widgets import DataTable

from console.words import qty_text
from core.i18n import N_, _
from core.permissions import Actor
from core.services.alert_actions import CleanupRow
from core.services.alerts import AlertView
from core.services.kitting import ComponentKit

SEVERITY = {"critical": (N_("Critical"), "bold red"), "warning": (N_("Warning"), "yellow"),
            "info": (N_("Info"), "cyan")}

# rule -> (action tag, menu label msgid, permission the action needs)
ACTIONS = {
    "reserved_not_issued": ("count", N_("Count the reserved stock"), "count.approve"),
    "expiring": ("block", N_("Block the lot"), "recall.raise"),
    "expired": ("block", N_("Block the lot"), "recall.raise"),
    "dead_stock": ("cleanup", N_("Clean-up list"), "alerts.view"),
    "shortage": ("kit", N_("Kitting view"), "stock.view"),
}


def now() -> datetime:
    """The screen's clock (tests pin it)."""
    return datetime.now(UTC)


def age_text(raised_at: datetime) -> str:
    """How long ago: 12m, 5h, 3d (the short form fits the narrow column in both languages)."""
    minutes = int((now() - raised_at).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // 1440}d"


def severity_text(severity: str) -> Text:
    label, style = SEVERITY.get(severity, (severity, ""))
    return Text(_(label), style=style)


def options_for(actor: Actor, alert: AlertView) -> list[tuple[str, str]]:
    """The numbered choices an alert offers this operator: (tag, label msgid)."""
    options = []
    if actor.may("alerts.ack") and alert.acknowledged_at is None:
        options.append(("ack", N_("Acknowledge with a comment")))
    action = ACTIONS.get(alert.rule)
    if action and actor.may(action[2]) and (action[0] != "block" or alert.lot):
        options.append((action[0], action[1]))
    return options


def fill_alerts(table: DataTable, alerts: list[AlertView], width: int) -> None:
    """The list: number, severity, message, age, who acknowledged."""
    table.clear(columns=True)
    message_width = max(20, width - 5 - 9 - 5 - 5 - 4 * 2 - 4)
    for label, w in (("#", 5), (N_("Severity"), 9), (N_("Alert"), message_width), (N_("Age"), 5), (N_("Ack"), 5)):
        table.add_column(Text(_(label), justify="right" if label in ("#", "Age") else "left"), width=w)
    for a in alerts:
        message = Text(a.message)
        message.truncate(message_width, overflow="ellipsis")  # never a silently cut figure ("1000" as "10")
        table.add_row(Text(str(a.id), justify="right"), severity_text(a.severity), message,
                      Text(age_text(a.raised_at), justify="right"), a.acknowledged_by or "", key=str(a.id))


def fill_cleanup(table: DataTable, rows: list[CleanupRow]) -> None:
    """Dead stock to clear: where it lies and what it is worth, dearest first."""
    table.clear(columns=True)
    for label in (N_("SKU"), N_("Lot"), N_("Location"), N_("Qty"), N_("Value")):
        table.add_column(Text(_(label), justify="right" if label in ("Qty", "Value") else "left"))
    for r in rows:
        table.add_row(r.sku, r.lot or "", r.location, Text(qty_text(r.qty), justify="right"),
                      Text(f"{r.value:,.2f}", justify="right"))


def fill_kit(table: DataTable, components: list[ComponentKit]) -> None:
    """A work order's components: required, reserved, issued, available, short."""
    table.clear(columns=True)
    numbers = (N_("Required"), N_("Reserved"), N_("Issued"), N_("Available"), N_("Short"))
    table.add_column(Text(_("SKU")))
    for label in numbers:
        table.add_column(Text(_(label), justify="right"))
    for c in components:
        short = Text(qty_text(c.short), justify="right", style="bold red" if c.short > 0 else "")
        table.add_row(c.sku, *(Text(qty_text(v), justify="right") for v in (c.required, c.reserved, c.issued,
                                                                             c.available)), short)


def detail_text(alert: AlertView, options: list[tuple[str, str]]) -> Text:
    """The chosen alert in full, and its numbered choices."""
    line = Text()
    line.append(f"#{alert.id} ", style="bold")
    line.append_text(severity_text(alert.severity))
    line.append(f"  {alert.message}\n")
    line.append(f"{_('Raised')} {alert.raised_at.astimezone():%Y-%m-%d %H:%M}", style="dim")
    if alert.acknowledged_by:
        line.append(f"  {_('Acknowledged by {badge}').format(badge=alert.acknowledged_by)}", style="dim")
    line.append("\n")
    for n, (_tag, label) in enumerate(options, start=1):
        line.append(f" {n} ", style="bold reverse")
        line.append(f" {_(label)}   ")
    if not options:
        line.append(_("Nothing to do here for this alert"), style="dim")
    return line
