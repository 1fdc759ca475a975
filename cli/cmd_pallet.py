"""`lineside pallet show|move|break|build`: pallets by SSCC, moved whole, broken down, built from lots."""

from __future__ import annotations

import uuid

import typer

from cli.common import AsBadge, PinStdin, database, emit_json, operator_actor, refusals
from core.services import pallets
from core.services.pallets import PalletDone

pallet_app = typer.Typer(no_args_is_help=True, help="Pallets by SSCC: show, move whole, break down, build.")


def _print(done: PalletDone, as_json: bool) -> None:
    if as_json:
        emit_json(done.json() if hasattr(done, "json") else done)
        return
    typer.echo(f"{done.sscc} {done.location} {done.status}")
    for lot in done.lots:
        typer.echo(f"  {lot.sku} {lot.lot} {format(lot.qty.normalize(), 'f')} {lot.status}")


@pallet_app.command("show")
def show(sscc: str = typer.Argument(..., metavar="SSCC"), as_json: bool = typer.Option(False, "--json")) -> None:
    """Where a pallet is and what is on it: {"sscc","location","status","lots":[{"sku","lot","qty","status"}]}."""
    with refusals():
        done = pallets.show(database(), sscc)
    _print(done, as_json)


@pallet_app.command("move")
def move(sscc: str = typer.Argument(..., metavar="SSCC"), location: str = typer.Argument(..., metavar="LOCATION"),
         as_json: bool = typer.Option(False, "--json"), as_badge: AsBadge = None, pin_stdin: PinStdin = False) -> None:
    """Move a whole pallet (all its lots) to LOCATION."""
    with refusals():
        db = database()
        done = pallets.move(db, operator_actor(db, as_badge, pin_stdin), key=f"cli:{uuid.uuid4()}", sscc=sscc,
                            location=location)
    _print(done, as_json)


@pallet_app.command("break")
def break_down(sscc: str = typer.Argument(..., metavar="SSCC"), as_json: bool = typer.Option(False, "--json"),
               as_badge: AsBadge = None, pin_stdin: PinStdin = False) -> None:
    """Break a pallet down: its lots stay where they are and move alone from now on."""
    with refusals():
        db = database()
        done = pallets.break_down(db, operator_actor(db, as_badge, pin_stdin), key=f"cli:{uuid.uuid4()}", sscc=sscc)
    _print(done, as_json)


@pallet_app.command("build")
def build(location: str = typer.Argument(..., metavar="LOCATION"),
          lots: list[str] = typer.Argument(..., metavar="LOT..."), as_json: bool = typer.Option(False, "--json"),
          as_badge: AsBadge = None, pin_stdin: PinStdin = False) -> None:
    """Palletise lots at LOCATION under a new SSCC (gs1_company_prefix); print its label with `label pallet`."""
    with refusals():
        db = database()
        done = pallets.build(db, operator_actor(db, as_badge, pin_stdin), key=f"cli:{uuid.uuid4()}",
                             location=location, lots=list(lots))
    _print(done, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(pallet_app, name="pallet")
