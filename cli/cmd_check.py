"""`lineside check [--json]`: every invariant; exit 1 when one fails."""

from __future__ import annotations

import typer

from cli.common import database, emit_json
from core.services.checks import run_checks


def check(as_json: bool = typer.Option(False, "--json")) -> None:
    """Ledger = balances, no negatives, reservations, genealogy, movements signed, audit chain."""
    report = run_checks(database())
    if as_json:
        emit_json({"ok": report.ok, "checks": [{"name": c.name, "ok": c.ok, "violations": c.violations}
                                                for c in report.checks]})
    else:
        for c in report.checks:
            typer.echo(f"{'ok ' if c.ok else 'FAIL'} {c.name}" + ("" if c.ok else f"  ({len(c.violations)})"))
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
