"""`lineside kpi [--since DATE] [--until DATE] --json`."""

from __future__ import annotations

from datetime import date

import typer

from cli.common import actor, database, emit_json, fail, plain, refusals
from core.services import kpi as kpi_service


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{name} must be YYYY-MM-DD", code=2) from None


def kpi(
    since: str | None = typer.Option(None, "--since", help="First day (YYYY-MM-DD); default 30 days ago"),
    until: str | None = typer.Option(None, "--until", help="Last day (YYYY-MM-DD); default today"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Inventory turnover, kitting rate, on-time delivery, accuracy, dock-to-stock, pick rate, stoppages."""
    with refusals():
        db = database()
        doc = kpi_service.kpis(db, actor(db), _date(since, "--since"), _date(until, "--until"))
    if as_json:
        emit_json(doc.json())
        return
    for key, value in plain(doc.json()).items():
        typer.echo(f"{key:26} {value if value is not None else '-'}")


def register(app: typer.Typer) -> None:
    app.command("kpi")(kpi)
