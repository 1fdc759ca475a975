"""`lineside operations [--wo WO]` and `lineside nc [--all]`: the shop floor's listings."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from cli.common import actor, database, emit_json, plain, refusals
from core.services import shopfloor_views


def operations(
    wo: str | None = typer.Option(None, "--wo", help="One work order (default: every released or running one)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """A work order's operations: work centre, status, times, good, scrap, operators."""
    with refusals():
        db = database()
        rows = shopfloor_views.operation_rows(db, actor(db), wo)
    if as_json:
        emit_json([r.json() for r in rows])
        return
    table = Table("work order", "op", "work centre", "status", "started", "finished", "good", "scrap", "operators")
    for r in plain([r.json() for r in rows]):
        table.add_row(r["wo_number"], str(r["op_no"]), r["work_center"], r["status"], r["started_at"] or "-",
                      r["finished_at"] or "-", str(r["good"]), str(r["scrap"]), " ".join(r["operators"]))
    Console().print(table)


def nc(
    show_all: bool = typer.Option(False, "--all", help="Closed ones too"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Nonconformances waiting for a disposition (with --all, every one)."""
    with refusals():
        db = database()
        rows = shopfloor_views.nonconformance_rows(db, actor(db), include_closed=show_all)
    if as_json:
        emit_json([r.json() for r in rows])
        return
    table = Table("id", "work order", "op", "lot", "characteristic", "value", "reason", "qty", "disposition",
                  "signed by")
    for r in plain([r.json() for r in rows]):
        table.add_row(*(str(r[k]) if r[k] is not None else "-" for k in (
            "id", "wo_number", "op_no", "lot", "characteristic", "value", "reason", "qty", "disposition",
            "signed_by")))
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("operations")(operations)
    app.command("nc")(nc)
