"""`lineside alerts [--all] --json` and `lineside alerts evaluate`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from cli.common import AsBadge, PinStdin, actor, database, emit_json, operator_actor, plain, refusals
from core.i18n import ngettext
from core.services import alerts as alerts_service

alerts_app = typer.Typer(help="Live alerts: list them, or run a full evaluation.", invoke_without_command=True)


@alerts_app.callback()
def list_alerts(
    ctx: typer.Context,
    include_all: bool = typer.Option(False, "--all", help="Also acknowledged-and-resolved history"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Open alerts, most severe first."""
    if ctx.invoked_subcommand is not None:
        return
    with refusals():
        db = database()
        rows = alerts_service.list_alerts(db, actor(db), include_resolved=include_all)
    if as_json:
        emit_json(rows)
        return
    table = Table("id", "rule", "severity", "message", "raised", "ack")
    for a in plain(rows):
        table.add_row(str(a["id"]), a["rule"], a["severity"], a["message"], a["raised_at"][:16],
                      a["acknowledged_by"] or "")
    Console().print(table)


@alerts_app.command("evaluate")
def evaluate(as_badge: AsBadge = None, pin_stdin: PinStdin = False) -> None:
    """Evaluate every rule now (the schedule runs this too)."""
    with refusals():
        db = database()
        changes = alerts_service.evaluate_all(db, operator_actor(db, as_badge, pin_stdin))
    typer.echo(ngettext("{n} alert raised or resolved", "{n} alerts raised or resolved", changes).format(n=changes),
               err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
