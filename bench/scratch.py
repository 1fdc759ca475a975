"""The databases the benchmarks work in: next to the configured one on the same server, never the user's data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.db import Database, ensure_database, resolve_urls, upgrade


def _admin(base_url: str, sql: str) -> None:
    """One statement in autocommit on the database of `base_url` (CREATE/DROP DATABASE cannot run in a transaction)."""
    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def sibling_url(base_url: str, name: str) -> str:
    """The URL of database `name` on the server of `base_url` (same host, port, user, password)."""
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def scratch_name(kind: str) -> str:
    """`lineside_bench_<kind>_<pid>`: two runs on one server never share a scratch database."""
    return f"lineside_bench_{kind}_{os.getpid()}"


@contextmanager
def scratch_url(kind: str, base_url: str | None = None) -> Iterator[str]:
    """CREATE a fresh `lineside_bench_<kind>_<pid>` migrated to head; yield its URL; DROP it afterwards.

    `base_url` (a role that may create databases) defaults to the configured owner's URL
    (`LINESIDE_OWNER_DATABASE_URL`, else `LINESIDE_DATABASE_URL`), or the embedded server's superuser.
    """
    base = base_url or resolve_urls().admin
    name = scratch_name(kind)
    _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # left over by a run that was killed
    _admin(base, f'CREATE DATABASE "{name}"')
    try:
        url = sibling_url(base, name)
        upgrade(url)
        yield url
    finally:
        _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_database(kind: str, base_url: str | None = None) -> Iterator[Database]:
    """`scratch_url` with a `Database` on it, disposed before the drop."""
    with scratch_url(kind, base_url) as url:
        db = Database(url)
        try:
            yield db
        finally:
            db.dispose()


def kept_database(name: str, base_url: str) -> str:
    """A bench database kept between runs (a history too costly to rebuild each time): created when missing,
    migrated to head; returns its URL."""
    ensure_database(base_url, name)
    url = sibling_url(base_url, name)
    upgrade(url)
    return url
