"""Entry point: `lineside …`. Each command group lives in its own module (cli/cmd_*.py) and registers itself.

The full command tree (`app`) is built on first use: importing this module loads no command module. `main()`, the
console script, builds only the console command for `lineside console …` (what every floor session runs: an SSH
thin client or a browser tab starts one process each), and the whole tree for anything else, `--help` included.
"""

from __future__ import annotations

import sys

import typer

from cli.common import init_language

HELP = "Lineside: WMS and MES as one system."


def _new_app() -> typer.Typer:
    app = typer.Typer(no_args_is_help=True, add_completion=False, help=HELP)

    @app.callback()
    def _main() -> None:
        init_language()

    return app


def build() -> typer.Typer:
    """Every command module's commands on one Typer app."""
    import importlib
    import pkgutil

    import cli

    app = _new_app()
    for mod in pkgutil.iter_modules(cli.__path__):
        if mod.name.startswith("cmd_"):
            importlib.import_module(f"cli.{mod.name}").register(app)
    return app


def console_only() -> typer.Typer:
    """The app with the console command alone (`lineside console …`)."""
    from cli import cmd_console

    app = _new_app()
    cmd_console.register(app)  # the callback keeps `console` a subcommand, as in the full tree
    return app


def main() -> None:
    """The `lineside` console script."""
    (console_only() if sys.argv[1:2] == ["console"] else build())()


_app: typer.Typer | None = None


def __getattr__(name: str):
    """`cli.main.app`: the full tree, built once (tests and `python -m` use it)."""
    global _app
    if name == "app":
        if _app is None:
            _app = build()
        return _app
    raise AttributeError(name)
