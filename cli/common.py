"""What every CLI command shares: the database, who acts (a signed-in operator, or SYSTEM for reading), JSON
output, one-line errors."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Annotated

import typer

from core.config import SettingsError, settings
from core.db import Database, open_database
from core.errors import LinesideError, SignInRequired
from core.i18n import N_, _, set_language
from core.permissions import Actor
from core.services.auth import admin_can_sign_in, login, system_actor


def init_language() -> None:
    """The session's language from the settings; a setting that cannot be read ends here in one line, exit 1."""
    try:
        set_language(settings().lang)
    except SettingsError as exc:
        raise fail(str(exc)) from None


@lru_cache(maxsize=1)
def database() -> Database:
    """The configured database (the embedded one is started and migrated on demand)."""
    return open_database()


def actor(db: Database | None = None) -> Actor:
    """The SYSTEM operator, on this machine's terminal id prefixed `cli:`: for read-only commands only."""
    return system_actor(db or database(), f"cli:{settings().terminal}")


# The options every command that changes data takes (`operator_actor` reads them).
AsBadge = Annotated[str | None, typer.Option(
    "--as", metavar="BADGE", envvar="LINESIDE_BADGE", show_envvar=False,
    help="Act as this operator (or LINESIDE_BADGE); the PIN comes from LINESIDE_PIN, --pin-stdin or a prompt")]
PinStdin = Annotated[bool, typer.Option(
    "--pin-stdin", help="Read PINs from stdin, one a line: yours first (with --as, unless LINESIDE_PIN is set)")]


def _interactive() -> bool:
    return sys.stdin.isatty()


def read_pin(badge: str, pin_stdin: bool) -> str:
    """The acting operator's PIN: LINESIDE_PIN, else a line of stdin with --pin-stdin, else a hidden prompt.

    The environment first, so a script that holds its identity there can still give `operator set-pin
    --pin-stdin` just the new PIN.
    """
    pin = os.environ.get("LINESIDE_PIN")
    if pin:
        return pin.strip()
    if pin_stdin:
        return sys.stdin.readline().strip()
    if _interactive():
        return typer.prompt(_("PIN for {badge}").format(badge=badge), hide_input=True, err=True)
    raise SignInRequired(N_("No PIN for {badge}: use --pin-stdin, LINESIDE_PIN or a terminal"), badge=badge)


def operator_actor(db: Database, badge: str | None, pin_stdin: bool, *, changes: bool = True,
                   terminal: str | None = None) -> Actor:
    """Who runs a command: the operator signed in by badge + PIN, through the console's own sign-in (lockout,
    throttle per terminal `cli:<terminal>`, every failure audited). Without a badge: SYSTEM while no admin can
    sign in yet (a fresh database) or when the command only reads (`changes=False`); else SignInRequired."""
    terminal = terminal or f"cli:{settings().terminal}"
    badge = (badge or "").strip()
    if not badge:
        if changes and admin_can_sign_in(db):
            raise SignInRequired()
        return system_actor(db, terminal)
    return login(db, badge, read_pin(badge, pin_stdin), terminal)


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
