"""`lineside bench …`: benchmarks; each prints one JSON document (the contract's Benchmarks keys).

The bench package is imported inside each command, so loading the CLI never loads the benchmarks.
"""

from __future__ import annotations

import typer

from cli.common import emit_json

bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks; each prints one JSON document.")


@bench_app.command("alerts")
def bench_alerts(as_json: bool = typer.Option(False, "--json")) -> None:
    """Full evaluation, per-transaction evaluation cost, commit-to-screen latency on a large plant."""
    from bench import alerts as bench
    from bench.scratch import scratch_database

    with scratch_database("alerts") as db:
        emit_json(bench.run(db))


@bench_app.command("kpi")
def bench_kpi(as_json: bool = typer.Option(False, "--json")) -> None:
    """A year of history (>= 5M movements), then the KPIs over the year."""
    from bench import kpi as bench
    from bench.scratch import scratch_database

    with scratch_database("kpi") as db:
        emit_json(bench.run(db))


@bench_app.command("oee")
def bench_oee(
    operations: int = typer.Option(200_000, "--operations", help="Operations in the year's history"),
    downtimes: int = typer.Option(20_000, "--downtimes", help="Downtime events in the year's history"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """A year of 200,000 operations and 20,000 downtime events, then the whole KPI document (OEE included)."""
    from bench import oee as bench
    from bench.scratch import scratch_database

    with scratch_database("oee") as db:
        emit_json(bench.run(db, operations, downtimes))


@bench_app.command("trace")
def bench_trace(
    samples: int = typer.Option(200, "--samples", help="Random lots traced (backward + forward)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """>= 1M lots, >= 3M genealogy links (built once, reused): trace p95 and a 20,000-lot recall listing."""
    from bench.trace import run
    from core.db import resolve_urls

    emit_json(run(resolve_urls().admin, samples))


@bench_app.command("scans")
def bench_scans(
    scans: int = typer.Option(200, "--scans", help="GS1 receipt scans driven through the Receiving screen"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Receiving screen headless (Pilot): Enter of a GS1 scan -> confirmation line, p50/p99 in ms."""
    from bench.scans import run
    from bench.scratch import scratch_database

    with scratch_database("scans") as db:
        emit_json(run(db, scans))


@bench_app.command("moves")
def bench_moves(
    terminals: int = typer.Option(8, "--terminals", help="Concurrent terminal processes (and pgbench clients)"),
    seconds: float = typer.Option(10, "--seconds"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Ledger moves from N terminal processes vs the embedded server's pgbench on the same server."""
    from bench.moves import run
    from core.db import resolve_urls

    emit_json(run(resolve_urls().admin, terminals, seconds))


@bench_app.command("floor")
def bench_floor(
    of: str = typer.Argument(..., metavar="moves|import", help="The floor of a move or of an opening-stock import"),
    terminals: int = typer.Option(8, "--terminals", help="moves: concurrent client processes (and pgbench clients)"),
    seconds: float = typer.Option(10, "--seconds", help="moves: seconds of each run"),
    rows: int = typer.Option(200_000, "--rows", help="import: rows of the bench import file"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The least a move or an opening-stock import can cost on this server (no PL/pgSQL, trigger or parsing),
    beside the figure `bench moves` or `bench import` is held to: what a leaner Lineside could reach."""
    from bench import floor
    from core.db import resolve_urls

    if of == "moves":
        emit_json(floor.moves(resolve_urls().admin, terminals, seconds))
    elif of == "import":
        emit_json(floor.import_(resolve_urls().admin, rows))
    else:
        raise typer.BadParameter(f"{of!r}: moves or import", param_hint="moves|import")


@bench_app.command("terminals")
def bench_terminals(
    terminals: int = typer.Option(200, "--terminals", help="Simulated terminals, each with its own connection"),
    rate: float = typer.Option(0.5, "--rate", help="Operations a second per terminal (Poisson)"),
    via: str = typer.Option("pgbouncer", "--via", help="pgbouncer (started by the bench) or direct"),
    seconds: float = typer.Option(30, "--seconds"),
    pool: int = typer.Option(20, "--pool", help="PgBouncer's server connections (default_pool_size)"),
    workers: int = typer.Option(0, "--workers", help="Worker processes the terminal threads share (0: one per core)"),
    detail: bool = typer.Option(False, "--detail", help="Also refusals, errors, the mix, p50 and mean figures"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """N terminals each posting R moves/picks/issues/receipts a second, through PgBouncer or directly.

    Exit 1 when a terminal or an operation was refused for lack of connections (said on stderr)."""
    from bench.terminals import contract, run
    from core.db import resolve_urls
    from core.i18n import _

    if via not in ("pgbouncer", "direct"):
        raise typer.BadParameter("pgbouncer or direct", param_hint="--via")
    doc = run(resolve_urls().admin, terminals, rate, via, seconds, pool, workers or None)
    emit_json(doc if detail else contract(doc))
    if doc["refused"] or doc["errors"]:
        typer.echo(_("Refused for lack of connections: {refused}; other errors: {errors}").format(
            refused=doc["refused"], errors=doc["errors"]) + f" {doc['error_kinds']}", err=True)
    if doc["refused"]:
        raise typer.Exit(1)


@bench_app.command("kitting")
def bench_kitting(
    lines: list[int] = typer.Option([2000], "--lines", help="Component lines of the released work order (repeatable)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Release one work order with N component lines on a large plant: seconds and SQL statements."""
    from bench.kitting import run
    from bench.scratch import scratch_database

    with scratch_database("kitting") as db:
        docs = run(db, lines)
    emit_json(docs[0] if len(docs) == 1 else docs)


@bench_app.command("soak")
def bench_soak(
    terminals: int = typer.Option(6, "--terminals"),
    seconds: float = typer.Option(120, "--seconds"),
    kill_every: float = typer.Option(5, "--kill-every", help="Seconds between SIGKILLs of a random terminal"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Terminal processes, SIGKILLs and one PostgreSQL restart on a server of its own; then every invariant."""
    from bench.soak.harness import run_soak
    from core.config import settings

    result = run_soak(terminals=terminals, seconds=seconds, kill_every=kill_every, amqp_url=settings().amqp_url)
    emit_json({k: result[k] for k in ("terminals", "operations", "kills", "pg_restarts", "violations")})
    if result["violations"]:
        raise typer.Exit(1)


@bench_app.command("import")
def bench_import(
    rows: int = typer.Option(200_000, "--rows", help="Rows of the opening-stock file"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Opening stock (5,000 locations, 2,000 items) through the import vs a raw COPY of the same file."""
    from bench.import_ import run
    from bench.scratch import scratch_database

    with scratch_database("import") as db:
        emit_json(run(db, rows))


@bench_app.command("session")
def bench_session(as_json: bool = typer.Option(False, "--json")) -> None:
    """One console in a pseudo-terminal, signed in, one stock lookup: its RSS, import and login times, connections."""
    from bench.scratch import scratch_url
    from bench.session import run

    with scratch_url("session") as url:
        emit_json(run(url))


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")
