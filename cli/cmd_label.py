"""`lineside label lot LOT`: render or print a lot label."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from cli.common import actor, database, fail, refusals
from core.config import settings
from core.services import labels

label_app = typer.Typer(no_args_is_help=True, help="Lot and pallet labels (GS1-128, ZPL, QR).")


@label_app.command("lot")
def lot(
    lot_no: str = typer.Argument(..., metavar="LOT"),
    sku: str | None = typer.Option(None, "--sku", help="Item SKU, when the lot number is used by several items"),
    fmt: str = typer.Option("zpl", "--format", help="zpl, png, svg, qr-png or qr-svg"),
    out: Path | None = typer.Option(None, "--out", help="Write to this file (default: stdout for zpl/svg)"),
    printer: str | None = typer.Option(None, "--printer", help="HOST:PORT of a ZPL printer (port 9100)"),
) -> None:
    """Print a lot label to a ZPL printer, or write it as ZPL, PNG, SVG or QR."""
    if fmt not in labels.FORMATS:
        raise fail(f"--format must be one of {', '.join(labels.FORMATS)}", code=2)
    with refusals():
        db = database()
        label = labels.lot_label(db, actor(db), lot_no, sku)
        _deliver(labels.render(label, fmt), fmt, out, printer)


@label_app.command("pallet")
def pallet(
    sscc: str = typer.Argument(..., metavar="SSCC"),
    fmt: str = typer.Option("zpl", "--format", help="zpl, png or svg"),
    out: Path | None = typer.Option(None, "--out", help="Write to this file (default: stdout for zpl/svg)"),
    printer: str | None = typer.Option(None, "--printer", help="HOST:PORT of a ZPL printer (port 9100)"),
) -> None:
    """Print a pallet label, GS1-128 (00)SSCC with its lots, or write it as ZPL, PNG or SVG."""
    from core.services import pallet_labels

    if fmt not in pallet_labels.FORMATS:
        raise fail(f"--format must be one of {', '.join(pallet_labels.FORMATS)}", code=2)
    with refusals():
        db = database()
        _deliver(pallet_labels.render(pallet_labels.pallet_label(db, actor(db), sscc), fmt), fmt, out, printer)


def _deliver(payload: bytes, fmt: str, out: Path | None, printer: str | None) -> None:
    """A rendered label to the printer (ZPL: --printer, else the configured one when no --out), to --out, or to
    stdout for the text formats."""
    target = printer or (settings().printer if out is None and fmt == "zpl" else None)
    if target:
        if fmt != "zpl":
            raise fail("Only ZPL goes to a printer", code=2)
        labels.send_to_printer(payload, target)
        typer.echo(target, err=True)
    elif out is not None:
        out.write_bytes(payload)
        typer.echo(str(out), err=True)
    elif fmt == "zpl" or fmt.endswith("svg"):
        sys.stdout.write(payload.decode() + "\n")
    else:
        raise fail("PNG needs --out FILE", code=2)


def register(app: typer.Typer) -> None:
    app.add_typer(label_app, name="label")
