"""`lineside check [--json]`: every invariant; exit 1 when one fails."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from cli.common import actor, database, emit_json, plain, refusals
from core.i18n import _
from core.services.checks import LIMIT, CheckReport, run_checks, title

SHOWN = 5  # violations printed per failing check in the table view; --json lists up to checks.LIMIT


def check(as_json: bool = typer.Option(False, "--json", help="Print one JSON document")) -> None:
    """Ledger = balances, no negatives, reservations, genealogy, movements signed, audit chain."""
    with refusals():
        db = database()
        report = run_checks(db, actor(db))
    if as_json:
        emit_json({"ok": report.ok, "checks": [{"name": c.name, "ok": c.ok, "violations": c.violations}
                                                for c in report.checks]})
    else:
        _print(report)
    if not report.ok:
        raise typer.Exit(1)


def _print(report: CheckReport) -> None:
    table = Table(_("Check"), _("Result"), _("Violations"))
    for c in report.checks:
        table.add_row(title(c.name), _("ok") if c.ok else f"[red]{_('FAIL')}[/red]",
                      f"{len(c.violations)}{'+' if len(c.violations) >= LIMIT else ''}")
    console = Console()
    console.print(table)
    for c in report.checks:
        for v in plain(c.violations[:SHOWN]):
            console.print(f"{c.name}: " + ", ".join(f"{k}={v[k]}" for k in v), markup=False, highlight=False,
                          soft_wrap=True)
    console.print(_("All invariants hold") if report.ok else _("Some invariants are broken"))


def register(app: typer.Typer) -> None:
    app.command("check")(check)
