"""`lineside db upgrade|downgrade REV|current|grant ROLE`: Alembic migrations on the configured database, as its
owner (`LINESIDE_OWNER_DATABASE_URL`, else `LINESIDE_DATABASE_URL`); the runtime role's grants."""

from __future__ import annotations

import typer
from sqlalchemy import create_engine, text

from cli.common import emit_json, fail
from core.db import RUNTIME_ROLE, Urls, resolve_urls, role_of, upgrade
from core.errors import MigrationRefused
from core.i18n import _

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

    urls = resolve_urls()
    try:
        upgrade(urls.owner, revision, runtime_role=_runtime_role(urls))
    except (CommandError, MigrationRefused) as exc:
        raise fail(str(exc)) from None
    typer.echo(_current(urls.owner) or "base")


def _runtime_role(urls: Urls) -> str | None:
    """The role the console connects as, to be granted the runtime rights (None: the same as the owner)."""
    if urls.embedded:
        return RUNTIME_ROLE
    return role_of(urls.runtime) if urls.runtime != urls.owner else None


def _columns(conn) -> set[tuple[str, str]]:
    return {(t, c) for t, c in conn.execute(text(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name <> 'alembic_version'"))}


def _holding_data(conn, lost: set[tuple[str, str]], gone_tables: set[str]) -> list[str]:
    """What of `lost` holds data now: a whole table with rows, or a column with a value."""
    held = [t for t in sorted(gone_tables)
            if conn.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{t}")')).scalar()]
    held += [f"{t}.{c}" for t, c in sorted(lost) if t not in gone_tables
             and conn.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{t}" WHERE "{c}" IS NOT NULL)')).scalar()]
    return held


@db_app.command("downgrade")
def db_downgrade(
    revision: str = typer.Argument(..., metavar="REV"),
    yes: bool = typer.Option(False, "--yes", help="Really change the schema"),
    destroy_data: bool = typer.Option(False, "--destroy-data", help="Allow dropping tables or columns that hold data"),
) -> None:
    """Migrate down to REV (`base` removes every table); refuses to drop data without --destroy-data."""
    from alembic import command
    from alembic.util.exc import CommandError

    from core.db import alembic_config

    if not yes:
        raise fail(_("A downgrade changes the database's schema: add --yes"))
    url = resolve_urls().owner
    engine = create_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            before = _columns(conn)
            trial = conn.begin_nested()  # DDL is transactional: try it, see what it drops, take it back
            command.downgrade(cfg, revision)
            after = _columns(conn)
            trial.rollback()
            lost = before - after
            gone_tables = {t for t, _c in before} - {t for t, _c in after}
            held = _holding_data(conn, lost, gone_tables)
            if held and not destroy_data:
                shown = ", ".join(held[:5]) + (" …" if len(held) > 5 else "")
                raise fail(_("This downgrade would drop data ({what}): add --destroy-data").format(what=shown))
            command.downgrade(cfg, revision)
    except (CommandError, MigrationRefused) as exc:  # a re-seal of a broken audit chain refuses
        raise fail(str(exc)) from None
    finally:
        engine.dispose()
    typer.echo(_current(url) or "base")


@db_app.command("current")
def db_current(as_json: bool = typer.Option(False, "--json")) -> None:
    """The revision the database is at, its name, the role owning it and the runtime role (the embedded one is
    migrated to head first)."""
    from core.roles import owner_of_schema

    urls = resolve_urls()
    if urls.embedded:
        upgrade(urls.owner, runtime_role=RUNTIME_ROLE)
    engine = create_engine(urls.runtime)
    try:
        with engine.connect() as conn:
            database, runtime = conn.execute(text("SELECT current_database(), current_user")).one()
            owner = owner_of_schema(conn)
    finally:
        engine.dispose()
    rev = _current(urls.runtime)
    if as_json:
        emit_json({"revision": rev, "database": database, "owner_role": owner, "runtime_role": runtime})
    else:
        typer.echo(rev or "base")


@db_app.command("grant")
def db_grant(role: str = typer.Argument(..., metavar="ROLE", help="The login role the console connects as")) -> None:
    """For the DBA: give ROLE the runtime rights (read and write the floor's tables, append to the ledger and the
    audit, nothing more). Run as the owner; every later `db upgrade` keeps ROLE's grants up to date."""
    from core.roles import grant_runtime, owner_of_schema

    engine = create_engine(resolve_urls().owner)
    try:
        with engine.begin() as conn:
            owner = owner_of_schema(conn)
            if owner is None:
                raise fail(_("The database is not migrated yet: run `lineside db upgrade` first"))
            if role == owner:
                raise fail(_("{role} owns the schema: the runtime role must be another role").format(role=role))
            if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar():
                raise fail(_("No such database role: {role}").format(role=role))
            grant_runtime(conn, role)
    finally:
        engine.dispose()
    typer.echo(role)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
