"""Entry point: `lineside …`. Each command group lives in its own module and registers here."""

from __future__ import annotations

import typer

from cli.common import init_language

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Lineside: WMS and MES as one system.")


@app.callback()
def _main() -> None:
    init_language()


def _register() -> None:
    """Import each command module; each adds its commands to `app`."""
    import importlib
    import pkgutil

    import cli

    for mod in pkgutil.iter_modules(cli.__path__):
        if mod.name.startswith("cmd_"):
            importlib.import_module(f"cli.{mod.name}").register(app)


_register()
