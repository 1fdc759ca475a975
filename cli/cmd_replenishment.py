"""`lineside replenishment [--all]`: the line-side replenishment tasks that line-stock min/max raised."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from cli.common import actor, database, emit_json, plain, refusals
from core.services import replenishment

KEYS = ("id", "location", "sku", "qty", "status", "from_location", "lot", "created_at")


def tasks(
    show_all: bool = typer.Option(False, "--all", help="Done and cancelled ones too"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Open replenishment tasks, oldest first (with --all, every one)."""
    with refusals():
        db = database()
        rows = replenishment.tasks(db, actor(db), include_closed=show_all)
    if as_json:
        emit_json(rows)
        return
    table = Table(*KEYS)
    for r in plain(rows):
        table.add_row(*(str(r[k]) if r[k] is not None else "-" for k in KEYS))
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("replenishment")(tasks)
