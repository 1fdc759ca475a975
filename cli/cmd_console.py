"""`lineside console`: the full-screen operator console."""

from __future__ import annotations

import sys

import typer
from sqlalchemy import text

from cli.common import actor, fail, refusals
from core.config import settings
from core.db import Database, open_database
from core.i18n import LANGUAGES, _, set_language
from core.services.auth import admin_can_sign_in


def _load_demo_if_empty(db: Database) -> None:
    """Load the demo factory when the database has no items yet (the Quick start's first run).

    Only as SYSTEM on a database no admin can sign in to yet; after that the demo is `lineside demo --as BADGE`.
    """
    with db.uow() as uow:
        if uow.execute(text("SELECT EXISTS (SELECT 1 FROM item)")).scalar():
            return
    if admin_can_sign_in(db):
        typer.echo(_("An admin exists: load the demo with lineside demo --as BADGE"), err=True)
        return
    try:
        from core.services.demo import load_demo  # imported here so the console works without the demo module
    except ImportError:
        typer.echo("The demo factory is not available in this build; opening the console without it.", err=True)
        return
    load_demo(db, actor(db), seed=1, scale="small")


def console(
    lang: str | None = typer.Option(None, "--lang", help="zh_CN or en (default: LINESIDE_LANG, else the locale)"),
    terminal: str | None = typer.Option(None, "--terminal", help="Terminal id written on every movement"),
    demo: bool = typer.Option(False, "--demo", help="Load the demo factory first if the database is empty"),
) -> None:
    """The full-screen operator console."""
    if lang is not None and lang not in LANGUAGES:
        raise typer.BadParameter(f"{lang!r}: use one of {', '.join(LANGUAGES)}", param_hint="--lang")
    if not sys.stdin.isatty():
        # `ssh -T floor@host` (no pty), a pipe, cron: Textual would draw escape codes into nothing and read no keys.
        if lang is not None:
            set_language(lang)
        raise fail(_("The console needs a terminal"))
    from console.app import LinesideApp
    from console.services import ConsoleServices

    terminal_id = terminal or settings().terminal
    with refusals():
        db = open_database(one_connection=True)  # one session, one connection (README: connections)
        if demo:
            _load_demo_if_empty(db)
    LinesideApp(ConsoleServices.from_database(db, terminal_id), lang=lang or settings().lang,
                terminal=terminal_id).run()


def register(app: typer.Typer) -> None:
    app.command("console")(console)
