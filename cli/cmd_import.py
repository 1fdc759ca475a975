"""`lineside import KIND FILE [--dry-run] [--rejects OUT.csv] [--json]`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cli.common import AsBadge, PinStdin, database, emit_json, fail, operator_actor
from core.errors import LinesideError
from core.i18n import _, ngettext
from core.permissions import Actor
from core.services.imports import KINDS, ImportSummary, run_import

LARGE = 256 * 1024  # bytes: smaller files finish before a progress bar would be worth drawing


def _document(summary: ImportSummary) -> dict:
    doc = {"kind": summary.kind, "rows": summary.rows, "inserted": summary.inserted, "updated": summary.updated,
           "rejected": summary.rejected,
           "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in summary.errors]}
    if summary.errors_total > len(summary.errors):  # only the first errors are listed; the rejects file has all
        doc["errors_omitted"] = summary.errors_total - len(summary.errors)
    return doc


def _refused(kind: str, message: str, as_json: bool) -> typer.Exit:
    """A refusal of the whole file: one line on stderr, and with --json still the one summary document."""
    if as_json:
        emit_json({"kind": kind, "rows": 0, "inserted": 0, "updated": 0, "rejected": 0,
                   "errors": [{"row": 0, "column": "", "message": message}]})
    return fail(message)


def _run(acting: Actor, kind: str, file: Path, dry_run: bool, rejects: Path | None, as_json: bool) -> ImportSummary:
    db = database()
    if as_json:
        return run_import(db, acting, kind, file, dry_run=dry_run, rejects=rejects)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True,
                  disable=file.stat().st_size < LARGE) as bar:
        task = bar.add_task(kind, total=None)

        def shown(n: int) -> None:
            bar.update(task, description=ngettext("{kind}: {rows} row", "{kind}: {rows} rows", n).format(
                kind=kind, rows=n))

        return run_import(db, acting, kind, file, dry_run=dry_run, rejects=rejects, progress=shown)


def import_file(
    kind: str = typer.Argument(..., metavar="KIND", help=", ".join(KINDS)),
    file: Path = typer.Argument(..., metavar="FILE", help="CSV (UTF-8) or XLSX with a header row"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and count; write nothing"),
    rejects: Path | None = typer.Option(None, "--rejects", help="Write the good rows; bad ones go to this CSV"),
    as_json: bool = typer.Option(False, "--json"),
    as_badge: AsBadge = None,
    pin_stdin: PinStdin = False,
) -> None:
    """Import master data, orders or opening stock: all or nothing unless --rejects."""
    if kind not in KINDS:
        raise fail(_("KIND must be one of: {kinds}").format(kinds=", ".join(KINDS)), code=2)
    if not file.is_file():
        raise _refused(kind, _("File not found: {path}").format(path=str(file)), as_json)
    try:
        # a dry run writes nothing: it needs no operator (one named with --as is still signed in and checked)
        acting = operator_actor(database(), as_badge, pin_stdin, changes=not dry_run)
        summary = _run(acting, kind, file, dry_run, rejects, as_json)
    except LinesideError as exc:
        raise _refused(kind, str(exc), as_json) from None
    # a header problem refuses the whole file, even with --rejects (no row could be read against it)
    failed = any(e.row == 0 for e in summary.errors) or (bool(summary.errors) and rejects is None)
    if as_json:
        emit_json(_document(summary))
    else:
        err = Console(stderr=True, highlight=False)
        for e in summary.errors[:50]:
            err.print(_("row {row} {column}: {message}").format(row=e.row, column=e.column, message=e.message),
                      markup=False)
        if max(summary.errors_total, len(summary.errors)) > 50:
            more = max(summary.errors_total, len(summary.errors)) - 50
            err.print(ngettext("… and {more} more error", "… and {more} more errors", more).format(more=more),
                      markup=False)
        rows = summary.rows
        if failed:
            refused = ngettext("{n} row refused", "{n} rows refused", summary.rejected).format(n=summary.rejected)
            line = ngettext("{kind}: {rows} row, nothing written ({refused})",
                            "{kind}: {rows} rows, nothing written ({refused})", rows)
        elif dry_run:
            line = ngettext("{kind}: {rows} row checked, {inserted} new, {updated} updated, {rejected} rejected",
                            "{kind}: {rows} rows checked, {inserted} new, {updated} updated, {rejected} rejected", rows)
        else:
            line = ngettext("{kind}: {rows} row imported, {inserted} new, {updated} updated, {rejected} rejected",
                            "{kind}: {rows} rows imported, {inserted} new, {updated} updated, {rejected} rejected",
                            rows)
        err.print(line.format(kind=kind, rows=rows, inserted=summary.inserted, updated=summary.updated,
                              rejected=summary.rejected, refused=refused if failed else ""), markup=False)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)
