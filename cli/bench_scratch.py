"""A throw-away database on the configured server, migrated to head, for the benchmarks that need big data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.db import Database, resolve_url, upgrade


def _admin(url: str, sql: str) -> None:
    engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


@contextmanager
def scratch_database(kind: str) -> Iterator[Database]:
    """CREATE a fresh `lineside_bench_<kind>_<pid>` next to the configured database; DROP it afterwards."""
    base, _embedded = resolve_url()
    name = f"lineside_bench_{kind}_{os.getpid()}"
    _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(base, f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    db = None
    try:
        upgrade(url)
        db = Database(url)
        yield db
    finally:
        if db is not None:
            db.dispose()
        _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
