"""`lineside db upgrade|downgrade REV|current`: Alembic migrations on the configured database."""

from __future__ import annotations

import typer
from sqlalchemy import create_engine, text

from cli.common import emit_json, fail
from core.db import resolve_url, upgrade
from core.errors import MigrationRefused

db_app = typer.Typer(no_args_is_help=True, help="Database migrations (Alembic).")


def _current(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() if exists else None
    finally:
        engine.dispose()


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Migrate to head (or REV)."""
    from alembic.util.exc import CommandError

    url, _ = resolve_url()
    try:
        upgrade(url, revision)
    except (CommandError, MigrationRefused) as exc:
        raise fail(str(exc)) from None
    typer.echo(_current(url) or "base")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., metavar="REV")) -> None:
    """Migrate down to REV (`base` removes every table)."""
    from alembic import command
    from alembic.util.exc import CommandError

    from core.db import alembic_config

    url, _ = resolve_url()
    try:
        command.downgrade(alembic_config(url), revision)
    except CommandError as exc:
        raise fail(str(exc)) from None
    typer.echo(_current(url) or "base")


@db_app.command("current")
def db_current(as_json: bool = typer.Option(False, "--json")) -> None:
    """The revision the database is at (the embedded one is migrated to head first)."""
    url, embedded = resolve_url()
    if embedded:
        upgrade(url)
    rev = _current(url)
    if as_json:
        emit_json({"revision": rev, "embedded": embedded})
    else:
        typer.echo(rev or "base")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
