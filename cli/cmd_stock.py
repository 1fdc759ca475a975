"""`lineside stock`: on-hand by SKU, lot, location or warehouse."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from cli.common import actor, database, emit_json, plain, refusals
from core.services.stock import stock_rows


def stock(
    sku: str | None = typer.Option(None, "--sku", help="Item SKU"),
    lot: str | None = typer.Option(None, "--lot", help="Lot number"),
    location: str | None = typer.Option(None, "--location", help="Location code"),
    warehouse: str | None = typer.Option(None, "--warehouse", help="Warehouse code"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document"),
) -> None:
    """What is on hand where: qty, reserved, status, expiry."""
    with refusals():
        db = database()
        rows = stock_rows(db, actor(db), sku=sku, lot=lot, location=location, warehouse=warehouse)
    if as_json:
        emit_json(rows)
        return
    table = Table("warehouse", "location", "sku", "lot", "status", "qty", "reserved", "expiry")
    for r in plain(rows):
        table.add_row(*(str(r[k]) if r[k] is not None else "" for k in
                        ("warehouse", "location", "sku", "lot", "status", "qty", "reserved", "expiry")))
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("stock")(stock)
