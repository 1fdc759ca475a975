"""`lineside trace backward|forward LOT` and `lineside recall LOT`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.tree import Tree

from cli.common import actor, database, emit_json, plain, refusals
from core.i18n import _, ngettext
from core.services import csv_out
from core.services import recall as recall_service
from core.services import trace as trace_service

trace_app = typer.Typer(no_args_is_help=True, help="Lot genealogy: backward to suppliers, forward to customers.")


def _show(tree: Tree, node, key: str) -> None:
    for child in getattr(node, key):
        label = f"{child.lot}  {child.sku}  {plain(child.qty)}"
        if child.work_order:
            label += f"  {child.work_order}"
        if getattr(child, "supplier", None):
            label += f"  {child.supplier}"
        _show(tree.add(label), child, key)
    for s in getattr(node, "shipments", ()):
        tree.add(f"-> {s.so_number} {s.customer} {plain(s.qty)}")


@trace_app.command("backward")
def backward(lot: str, sku: str | None = typer.Option(None, "--sku"), as_json: bool = typer.Option(False, "--json")):
    """What a lot was made of, down to supplier lots."""
    with refusals():
        db = database()
        result = trace_service.backward(db, actor(db), lot, sku)
    if as_json:
        emit_json(result.json())
        return
    tree = Tree(f"{result.lot}  {result.sku}")
    _show(tree, result, "inputs")
    Console().print(tree)


@trace_app.command("forward")
def forward(lot: str, sku: str | None = typer.Option(None, "--sku"), as_json: bool = typer.Option(False, "--json")):
    """Every lot, customer and bin a lot reached."""
    with refusals():
        db = database()
        result = trace_service.forward(db, actor(db), lot, sku)
    if as_json:
        emit_json(result.json())
        return
    tree = Tree(f"{result.lot}  {result.sku}")
    _show(tree, result, "used_in")
    Console().print(tree)


def recall(
    lot: str,
    sku: str | None = typer.Option(None, "--sku"),
    out: Path | None = typer.Option(None, "--out", help="Write the affected shipments and stock as CSV"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Everything downstream of a lot: lots, work orders, customers, shipments, on-hand stock."""
    with refusals():
        db = database()
        result = recall_service.affected(db, actor(db), lot, sku).json()
    if out is not None:
        with out.open("w", newline="", encoding="utf-8") as fh:
            w = csv_out.writer(fh)
            w.writerow(["kind", "customer", "so_number", "lot", "sku", "location", "status", "qty", "shipped_at"])
            for s in plain(result["shipments"]):
                w.writerow(["shipment", s["customer"], s["so_number"], s["lot"], s["sku"], "", "", s["qty"],
                            s["shipped_at"]])
            for h in plain(result["on_hand"]):
                w.writerow(["on_hand", "", "", h["lot"], h["sku"], h["location"], h["status"], h["qty"], ""])
    if as_json:
        emit_json(result)
        return
    lots, orders, customers, held = (len(result[k]) for k in ("lots", "work_orders", "customers", "on_hand"))
    typer.echo(_("{lots}, {orders}, {customers}, {balances}").format(
        lots=ngettext("{n} lot", "{n} lots", lots).format(n=lots),
        orders=ngettext("{n} work order", "{n} work orders", orders).format(n=orders),
        customers=ngettext("{n} customer", "{n} customers", customers).format(n=customers),
        balances=ngettext("{n} on-hand balance", "{n} on-hand balances", held).format(n=held)))


def register(app: typer.Typer) -> None:
    app.add_typer(trace_app, name="trace")
    app.command("recall")(recall)
