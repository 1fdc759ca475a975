"""`lineside import KIND FILE [--dry-run] [--rejects OUT.csv] [--json]`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn

from cli.common import actor, database, emit_json, fail, refusals
from core.services.imports import KINDS, run_import


def import_file(
    kind: str = typer.Argument(..., metavar="KIND", help=", ".join(KINDS)),
    file: Path = typer.Argument(..., metavar="FILE", help="CSV (UTF-8) or XLSX with a header row"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and count; write nothing"),
    rejects: Path | None = typer.Option(None, "--rejects", help="Write the good rows; bad ones go to this CSV"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import master data, orders or opening stock: all or nothing unless --rejects."""
    if kind not in KINDS:
        raise fail(f"KIND must be one of: {', '.join(KINDS)}", code=2)
    err = Console(stderr=True)
    with refusals():
        db = database()
        if as_json:
            summary = run_import(db, actor(db), kind, file, dry_run=dry_run, rejects=rejects)
        else:
            with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err, transient=True) as bar:
                task = bar.add_task(f"{kind}: reading", total=None)
                summary = run_import(db, actor(db), kind, file, dry_run=dry_run, rejects=rejects,
                                     progress=lambda n: bar.update(task, description=f"{kind}: {n} rows"))
    doc = {"kind": summary.kind, "rows": summary.rows, "inserted": summary.inserted, "updated": summary.updated,
           "rejected": summary.rejected,
           "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in summary.errors]}
    failed = bool(summary.errors) and rejects is None
    if as_json:
        emit_json(doc)
    else:
        for e in summary.errors[:50]:
            err.print(f"row {e.row} {e.column}: {e.message}", highlight=False, markup=False)
        verb = "checked" if dry_run else "imported"
        err.print(f"{kind}: {summary.rows} rows {verb}, {summary.inserted} new, {summary.updated} updated,"
                  f" {summary.rejected} rejected", highlight=False)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)
