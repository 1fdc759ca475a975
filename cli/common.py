"""What every CLI command shares: the database, the acting SYSTEM operator, JSON output, one-line errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

import typer

from core.config import settings
from core.db import Database, open_database
from core.errors import LinesideError
from core.i18n import set_language
from core.permissions import Actor
from core.services.auth import system_actor


def init_language() -> None:
    set_language(settings().lang)


@lru_cache(maxsize=1)
def database() -> Database:
    """The configured database (the embedded one is started and migrated on demand)."""
    return open_database()


def actor(db: Database | None = None) -> Actor:
    """The SYSTEM operator, on this machine's terminal id prefixed `cli:`."""
    return system_actor(db or database(), f"cli:{settings().terminal}")


def plain(value):
    """JSON-ready: quantities as numbers, times ISO 8601 with offset, dates YYYY-MM-DD."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.astimezone().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return plain({k: getattr(value, k) for k in value.__dataclass_fields__})
    return value


def emit_json(document) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(plain(document), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message.splitlines()[0] if message else "error", err=True)
    return typer.Exit(code)


@contextmanager
def refusals() -> Iterator[None]:
    """Turn a typed refusal into a one-line message on stderr and exit 1."""
    try:
        yield
    except LinesideError as exc:
        raise fail(str(exc)) from None
