"""`lineside schedule [--line L]`: each line's sequence; `schedule pin WO POSITION` / `schedule unpin WO` (†)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from cli.common import AsBadge, PinStdin, actor, database, emit_json, operator_actor, plain, refusals
from core.services import schedule as schedule_service

KEYS = ("line", "position", "wo_number", "due_date", "kitting", "start", "end")

schedule_app = typer.Typer(help="The sequence each line should run, re-planned as stock moves; a supervisor pins.")


def rows(slots) -> list[dict]:
    """The contract's keys of each slot (start and end ISO 8601 with offset)."""
    return [{k: getattr(s, k) for k in KEYS} for s in slots]


@schedule_app.callback(invoke_without_command=True)
def schedule(
    ctx: typer.Context,
    line: str | None = typer.Option(None, "--line", help="One production line (default: every line)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Each line's sequence: due date and priority first, a short order never ahead of one that can run."""
    if ctx.invoked_subcommand is not None:
        return
    with refusals():
        db = database()
        slots = schedule_service.schedule(db, actor(db), line)
    if as_json:
        emit_json(rows(slots))
        return
    table = Table("line", "#", "work order", "due", "kitting", "start", "end", "pinned")
    for s, r in zip(slots, plain(rows(slots)), strict=True):
        table.add_row(r["line"], str(r["position"]), r["wo_number"], r["due_date"], r["kitting"], r["start"],
                      r["end"], str(s.pinned) if s.pinned else "")
    Console().print(table)


def _answer(done, as_json: bool) -> None:
    if as_json:
        emit_json(done.json())
    else:
        typer.echo(f"{done.wo_number}: {done.position if done.position is not None else '-'}")


@schedule_app.command("pin")
def pin(wo: str, position: int = typer.Argument(..., min=1), as_json: bool = typer.Option(False, "--json"),
        as_badge: AsBadge = None, pin_stdin: PinStdin = False) -> None:
    """Pin a work order at a position of its line's sequence (supervisors)."""
    with refusals():
        db = database()
        done = schedule_service.pin(db, operator_actor(db, as_badge, pin_stdin), wo, position)
    _answer(done, as_json)


@schedule_app.command("unpin")
def unpin(wo: str, as_json: bool = typer.Option(False, "--json"), as_badge: AsBadge = None,
          pin_stdin: PinStdin = False) -> None:
    """Give a pinned work order back to the schedule's rule (supervisors)."""
    with refusals():
        db = database()
        done = schedule_service.unpin(db, operator_actor(db, as_badge, pin_stdin), wo)
    _answer(done, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
