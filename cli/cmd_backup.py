"""`lineside backup FILE [--force]` / `lineside restore FILE --yes`: the whole database, with PostgreSQL's own
pg_dump and pg_restore (core/services/backup.py)."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import AsBadge, PinStdin

FileArg = typer.Argument(..., metavar="FILE", dir_okay=False)
Json = typer.Option(False, "--json", help="Print one JSON document")


def backup_cmd(
    file: Path = FileArg,
    force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists (else refused)"),
    as_badge: AsBadge = None,
    pin_stdin: PinStdin = False,
    as_json: bool = Json,
) -> None:
    """A consistent backup of the whole database into FILE (pg_dump custom format, one snapshot while consoles
    keep posting); an existing FILE is kept unless --force. Needs an admin."""
    from cli.common import database, emit_json, operator_actor, refusals
    from core.db import resolve_urls
    from core.i18n import _
    from core.services.backup import backup

    with refusals():
        db = database()
        actor = operator_actor(db, as_badge, pin_stdin)
        done = backup(resolve_urls(), file, actor, force=force)
    if as_json:
        emit_json(done.json())
    else:
        typer.echo(_("Backed up {database} to {file} ({size} bytes) with {tool}").format(
            database=done.database, file=done.file, size=done.bytes, tool=done.tool))


def restore_cmd(
    file: Path = FileArg,
    yes: bool = typer.Option(False, "--yes", help="Really restore (only into an empty database)"),
    as_badge: AsBadge = None,
    pin_stdin: PinStdin = False,
    as_json: bool = Json,
) -> None:
    """Restore a backup FILE into the configured database, which must hold no data (embedded or central);
    then `lineside check` passes. With --as, the operator must be an admin in the restored data."""
    from cli.common import emit_json, fail, read_pin, refusals
    from core.config import settings
    from core.i18n import _

    if not yes:
        raise fail(_("A restore replaces the whole database: add --yes"))
    from cli.cmd_db import _runtime_role
    from core.db import resolve_urls
    from core.services.auth import login
    from core.services.backup import restore

    terminal = f"cli:{settings().terminal}"
    with refusals():
        badge = (as_badge or "").strip()
        pin = read_pin(badge, pin_stdin) if badge else None
        who = (lambda db: login(db, badge, pin, terminal)) if badge else None
        urls = resolve_urls()
        done = restore(urls, file, runtime_role=_runtime_role(urls), who=who, terminal=terminal)
    if as_json:
        emit_json(done.json())
        return
    typer.echo(_("Restored {file} into {database} (revision {revision}) with {tool}").format(
        file=done.file, database=done.database, revision=done.revision or "base", tool=done.tool))
    if done.superseded_anchors:
        typer.echo(_("{n} audit anchors taken after this backup no longer bind").format(n=done.superseded_anchors),
                   err=True)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)
