"""`lineside backup FILE` / `restore FILE`: the whole database through PostgreSQL's own pg_dump and pg_restore.

A backup is `pg_dump -Fc` as the schema's owner: one snapshot (REPEATABLE READ), so consoles keep posting and the
copy holds each of their transactions whole or not at all. It is written next to FILE and renamed onto it.

A restore goes only into an empty database ("holds data": a row in item, movement or audit_log, or an operator
besides SYSTEM; a database freshly migrated by the embedded server holds none). Its schema is emptied and the
archive restored as the owner with --no-owner --no-privileges, so the owner owns every object whatever role owned
them where the backup was taken; then the runtime role's grants are applied again (core/roles.py), exactly as
`db upgrade` leaves them.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from core.db import Database, Urls
from core.errors import Conflict, InvalidInput, LinesideError, NotFound
from core.permissions import Actor, require
from core.roles import grant_runtime, quote
from core.services import anchors, audit
from core.services.auth import system_actor
from core.services.pgtools import Tool, pick, run, tools

DATA_TABLES = ("item", "movement", "audit_log")


@dataclass(frozen=True)
class BackupDone:
    file: Path
    bytes: int
    database: str
    server_version: str
    tool: Tool
    seconds: float

    def json(self) -> dict:
        return {"file": str(self.file), "bytes": self.bytes, "database": self.database,
                "server_version": self.server_version, "pg_dump": str(self.tool), "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class RestoreDone:
    file: Path
    database: str
    revision: str | None
    tool: Tool
    seconds: float
    superseded_anchors: int = 0

    def json(self) -> dict:
        return {"file": str(self.file), "database": self.database, "revision": self.revision,
                "pg_restore": str(self.tool), "seconds": round(self.seconds, 3),
                "superseded_anchors": self.superseded_anchors}


def _server(url: str) -> tuple[str, int, str]:
    """(database name, server major version, server version) of `url`."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            name, num, version = conn.execute(text(
                "SELECT current_database(), current_setting('server_version_num')::int,"
                " current_setting('server_version')")).one()
    finally:
        engine.dispose()
    return name, num // 10000, version.split()[0]


def holding(conn) -> list[str]:
    """What makes the database hold data: the tables of DATA_TABLES with a row, `operator` past SYSTEM."""
    held = [t for t in DATA_TABLES if conn.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": t}).scalar()
            and conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {quote(t)})")).scalar()]
    if conn.execute(text("SELECT to_regclass('operator') IS NOT NULL")).scalar() and conn.execute(text(
            "SELECT EXISTS (SELECT 1 FROM operator WHERE upper(badge) <> 'SYSTEM')")).scalar():
        held.append("operator")
    return held


def backup(urls: Urls, file: Path, actor: Actor, *, force: bool = False) -> BackupDone:
    """Dump the whole database to `file` (custom format, one snapshot), atomically; audited as `actor`."""
    require(actor, "database.backup")
    file = Path(file).absolute()
    if file.exists() and not force:
        raise Conflict("{file} exists: add --force to overwrite it", file=str(file))
    if not file.parent.is_dir():
        raise NotFound("No such folder: {folder}", folder=str(file.parent))
    started = time.monotonic()
    database, major, version = _server(urls.owner)
    tool = pick("pg_dump", major)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        run(tool, ["--format=custom", "--no-password", f"--file={tmp}"], urls.owner)
        _sync(tmp)
        if force:
            os.replace(tmp, file)
        else:  # link, not rename: a FILE that appeared meanwhile is never overwritten
            try:
                os.link(tmp, file)
            except FileExistsError:
                raise Conflict("{file} exists: add --force to overwrite it", file=str(file)) from None
    finally:
        tmp.unlink(missing_ok=True)
    _sync(file.parent)
    done = BackupDone(file, file.stat().st_size, database, version, tool, time.monotonic() - started)
    db = Database(urls.runtime)
    try:
        _audit(db, actor, "database.backup", database,
               {"file": str(file), "bytes": done.bytes, "pg_dump": tool.version, "server_version": version})
    finally:
        db.dispose()
    return done


def restore(urls: Urls, file: Path, *, runtime_role: str | None, who: Callable[[Database], Actor] | None = None,
            terminal: str = "restore", anchors_path: Path | None = None) -> RestoreDone:
    """Restore the backup `file` into the (empty) database; `who(db)` then names the operator on the restored
    data, who must be an admin there (else the database is emptied again and the restore refused). Without
    `who`, SYSTEM: an empty database has no admin to sign in as (the contract's exemption).

    The restore is audited in the restored database and marked in the anchors file (LINESIDE_HOME's, or
    `anchors_path`): anchors taken after the backup recorded a history the restore deliberately replaced."""
    file = Path(file).absolute()
    if not file.is_file():
        raise NotFound("No such backup file: {file}", file=str(file))
    started = time.monotonic()
    database, major, _version = _server(urls.owner)
    tool = pick("pg_restore", max(major, _dumped_by(file)))
    _empty_schema(urls.owner, database, only_if_empty=True)
    run(tool, ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--no-password",
               str(file)], urls.owner)
    revision = _regrant(urls.owner, runtime_role)
    db = Database(urls.runtime)
    try:
        if who is not None:
            try:
                actor = who(db)
                require(actor, "database.restore")
            except LinesideError:
                db.dispose()
                _empty_schema(urls.owner, database, only_if_empty=False)
                raise
        else:
            actor = system_actor(db, terminal)
        _audit(db, actor, "database.restored", database, {"file": str(file), "revision": revision})
        superseded = _mark_anchors(db, anchors_path or anchors.anchors_file())
    finally:
        db.dispose()
    return RestoreDone(file, database, revision, tool, time.monotonic() - started, superseded)


def _mark_anchors(db: Database, path: Path) -> int:
    """Write the restore's line in the anchors file; returns how many of this database's anchors it supersedes
    (ahead of the restored chain, or of another chain)."""
    lines = anchors.read(path)
    with db.uow() as uow:
        mark = anchors.restored(uow.session, path)
    before = anchors.since_restore(lines, mark["database"])
    return sum(1 for rec in before if rec.get("chain") != mark["chain"] or rec["seq"] > mark["seq"])


def _dumped_by(file: Path) -> int:
    """The major version of the pg_dump that wrote `file` (read by the newest pg_restore); refuses a non-archive."""
    newest = tools("pg_restore")
    if not newest:
        raise LinesideError("No {tool} of PostgreSQL {major} or newer on this machine", tool="pg_restore", major=14)
    try:
        listing = run(newest[-1], ["--list", str(file)]).stdout
    except LinesideError:
        raise InvalidInput("{file} is not a backup made by lineside backup", file=str(file)) from None
    found = re.search(r"Dumped by pg_dump version: (\d+)", listing)
    return int(found.group(1)) if found else 0


def _empty_schema(owner_url: str, database: str, *, only_if_empty: bool) -> None:
    """Drop the schema with everything in it (a migrated but empty database's tables) and create it again, the
    owner's; nobody else may create in it (as core/roles.py leaves a schema). `only_if_empty`: refused, nothing
    touched, when the database holds data; the tables that tell are locked first, so a console that posts
    meanwhile is either seen here or waits and then finds its tables gone."""
    engine = create_engine(owner_url)
    try:
        with engine.begin() as conn:  # one transaction: the schema is gone and back, or untouched
            if only_if_empty:
                present = [t for t in (*DATA_TABLES, "operator")
                           if conn.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": t}).scalar()]
                if present:
                    conn.execute(text(f"LOCK TABLE {', '.join(quote(t) for t in present)} IN EXCLUSIVE MODE"))
                held = holding(conn)
                if held:
                    raise Conflict("Database {database} holds data ({tables}): restore only into an empty one",
                                   database=database, tables=", ".join(held))
            schema = quote(conn.execute(text("SELECT current_schema()")).scalar_one() or "public")
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema} AUTHORIZATION CURRENT_USER"))
    except DBAPIError as exc:  # the owner role does not own the schema, or may not create one
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise LinesideError("The owner role cannot empty the schema: {reason}", reason=reason) from None
    finally:
        engine.dispose()


def _regrant(owner_url: str, runtime_role: str | None) -> str | None:
    """The runtime role's grants on the restored schema; returns the restored Alembic revision."""
    engine = create_engine(owner_url)
    try:
        with engine.begin() as conn:
            if runtime_role:
                grant_runtime(conn, runtime_role)
            if not conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar():
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def _audit(db: Database, actor: Actor, action: str, database: str, new: dict) -> None:
    with db.uow() as uow:
        audit.record(uow.session, actor, action, "database", database, new=new)
        uow.commit()


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
