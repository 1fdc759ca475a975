"""`lineside workorder release|cancel|close WO` and `lineside kitting`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from cli.common import AsBadge, PinStdin, actor, database, emit_json, operator_actor, plain, refusals
from core.services import kitting as kitting_service
from core.services import workorders
from core.services.workorders import Released

wo_app = typer.Typer(no_args_is_help=True, help="Supervisor's work-order actions (also for ERP scripts).")


def _action(fn, wo: str, as_json: bool, as_badge: str | None, pin_stdin: bool) -> None:
    with refusals():
        db = database()
        result = fn(db, operator_actor(db, as_badge, pin_stdin), wo)
    if as_json:
        emit_json(result.json())
    else:
        typer.echo(f"{result.wo_number}: {result.status}")
        for s in result.shortages if isinstance(result, Released) else ():
            typer.echo(f"  short {s.sku}: {s.qty}")
        for r in getattr(result, "to_return", ()):
            typer.echo(f"  to return: {r.sku} {r.lot or '-'} {r.qty} at {r.location}")


@wo_app.command("release")
def release(wo: str, as_json: bool = typer.Option(False, "--json"), as_badge: AsBadge = None,
            pin_stdin: PinStdin = False) -> None:
    """Release: reserve components FEFO, make the pick list, raise shortages."""
    _action(workorders.release, wo, as_json, as_badge, pin_stdin)


@wo_app.command("cancel")
def cancel(wo: str, as_json: bool = typer.Option(False, "--json"), as_badge: AsBadge = None,
           pin_stdin: PinStdin = False) -> None:
    """Cancel an open work order and give its reservations back."""
    _action(workorders.cancel, wo, as_json, as_badge, pin_stdin)


@wo_app.command("close")
def close(wo: str, as_json: bool = typer.Option(False, "--json"), as_badge: AsBadge = None,
          pin_stdin: PinStdin = False) -> None:
    """Close a work order; what is still reserved is released."""
    _action(workorders.close, wo, as_json, as_badge, pin_stdin)


def kitting(
    horizon_days: int | None = typer.Option(None, "--horizon-days", help="Only work orders due within N days"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Which work orders can run: kitted, kittable or short, per component."""
    with refusals():
        db = database()
        kits = kitting_service.kitting(db, actor(db), horizon_days)
    if as_json:
        emit_json(kits)
        return
    table = Table("work order", "sku", "qty", "due", "line", "status", "short components")
    for k in plain(kits):
        shorts = ", ".join(f"{c['sku']} {c['short']}" for c in k["components"] if c["short"])
        table.add_row(k["wo_number"], k["sku"], str(k["qty"]), k["due_date"], k["line"], k["status"], shorts)
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(wo_app, name="workorder")
    app.command("kitting")(kitting)
