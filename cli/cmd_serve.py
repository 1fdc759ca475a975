"""`lineside serve web [--host H] [--port P] [--lang L]`: the console in a browser, for handhelds."""

from __future__ import annotations

import ipaddress

import typer

from cli.common import fail
from core.config import settings
from core.i18n import LANGUAGES, _

serve_app = typer.Typer(no_args_is_help=True, help="Serve the console to other devices.")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@serve_app.command("web")
def web(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: loopback only)"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port"),
    lang: str | None = typer.Option(None, "--lang", help="zh_CN or en for every session (default: the browser's)"),
    public_url: str | None = typer.Option(None, "--public-url",
                                          help="The address browsers use, e.g. https://lineside.plant (a proxy)"),
    max_sessions: int = typer.Option(50, "--max-sessions", min=1, help="Consoles running at once (one per tab)"),
) -> None:
    """The console in a browser (handhelds): one console process per tab, each signing in on its own."""
    if lang is not None and lang not in LANGUAGES:
        raise typer.BadParameter(f"{lang!r}: use one of {', '.join(LANGUAGES)}", param_hint="--lang")
    try:
        from console.web import ConsoleServer  # textual-serve and aiohttp: only for this command
    except ImportError:
        raise fail(_("textual-serve is not installed: pip install textual-serve")) from None
    if not _loopback(host):
        typer.echo(_("Listening on {host}: put a reverse proxy with TLS in front (README: Handheld browsers)")
                   .format(host=host), err=True)
    try:
        ConsoleServer(host, port, lang, settings().lang, public_url=public_url, max_sessions=max_sessions).serve()
    except OSError as exc:
        raise fail(_("Cannot listen on {host}:{port}: {error}").format(host=host, port=port, error=exc)) from None


def register(app: typer.Typer) -> None:
    app.add_typer(serve_app, name="serve")
