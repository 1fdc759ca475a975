"""`lineside demo [--seed N] [--scale small|large]`."""

from __future__ import annotations

import time

import typer
from rich.console import Console

from cli.common import AsBadge, PinStdin, database, emit_json, operator_actor, refusals
from core.i18n import _
from core.services.demo import load_demo


def demo(
    seed: int = typer.Option(1, "--seed", help="Same seed, same data"),
    scale: str = typer.Option("small", "--scale", help="small, or large (adds 5,000 items, 200,000 lots)"),
    as_json: bool = typer.Option(False, "--json"),
    as_badge: AsBadge = None,
    pin_stdin: PinStdin = False,
) -> None:
    """Load the demo factory into an empty database."""
    started = time.monotonic()
    err = Console(stderr=True)
    def step(name: str) -> str:
        return _("Loading the demo: {step}").format(step=name)

    with refusals():
        db = database()
        acting = operator_actor(db, as_badge, pin_stdin)  # signed in before the spinner: a PIN prompt stays readable
    with refusals(), err.status(step("…")) as status:
        counts = load_demo(db, acting, seed=seed, scale=scale, progress=lambda m: status.update(step(m)))
    if as_json:
        emit_json({**counts, "seconds": round(time.monotonic() - started, 1)})
    else:
        err.print(_("Demo loaded in {seconds} s: {counts}").format(
            seconds=f"{time.monotonic() - started:.1f}", counts=", ".join(f"{k} {v}" for k, v in counts.items())))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
