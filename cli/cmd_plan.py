"""`lineside plan safety-stock [--service-level 0.95] [--days N]`: the safety-stock plan from the ledger's history."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from cli.common import actor, database, emit_json, plain, refusals
from core.services import safety_stock

plan_app = typer.Typer(no_args_is_help=True, help="Planning assist: safety stock and reorder points.")

KEYS = ("sku", "avg_daily_demand", "demand_sd", "lead_time_days", "service_level", "safety_stock", "reorder_point",
        "current_safety_stock")


@plan_app.command("safety-stock")
def safety_stock_plan(
    service_level: float = typer.Option(safety_stock.SERVICE_LEVEL, "--service-level", min=0.0, max=1.0,
                                        help="Probability of no stock-out over a lead time (0.95 = 95%)"),
    days: int = typer.Option(safety_stock.WINDOW_DAYS, "--days", min=2, help="Demand window in days"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Per item: daily demand and deviation, lead time, safety stock and reorder point, the configured safety stock."""
    with refusals():
        db = database()
        items = safety_stock.plan(db, actor(db), service_level, days)
    doc = [{k: getattr(i, k) for k in KEYS} for i in items]
    if as_json:
        emit_json(doc)
        return
    table = Table("sku", "demand/day", "sd", "lead days", "safety stock", "reorder point", "configured")
    for r in plain(doc):
        table.add_row(*(("-" if r[k] is None else str(r[k])) for k in (
            "sku", "avg_daily_demand", "demand_sd", "lead_time_days", "safety_stock", "reorder_point",
            "current_safety_stock")))
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
