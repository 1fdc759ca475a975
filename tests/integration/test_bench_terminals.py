"""`lineside bench terminals` end to end, tiny: both ways in, the contract's keys, operations posted, nothing
refused, and no scratch database left behind."""

import os

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from bench import pgbouncer
from bench.terminals import KEYS, contract, run


@pytest.mark.parametrize("via", ["direct", "pgbouncer"])
def test_bench_terminals_smoke(owner_url, via):
    if via == "pgbouncer" and pgbouncer.binary() is None:
        pytest.skip("pgbouncer is not installed (the OS package: apt-get install pgbouncer)")
    doc = run(owner_url, terminals=4, rate=2.0, via=via, seconds=3)
    assert set(contract(doc)) == set(KEYS) == {"terminals", "rate_per_terminal", "via", "operations",
                                                "move_p99_ms", "scan_p99_ms", "audit_lock_wait_ms_p99"}
    assert doc["terminals"] == 4 and doc["rate_per_terminal"] == 2.0 and doc["via"] == via
    assert doc["operations"] > 0 and doc["refused"] == 0 and doc["errors"] == 0, doc["error_kinds"]
    assert set(doc["mix"]) <= {"move", "pick", "issue", "receipt"} and doc["mix"].get("move", 0) > 0
    assert doc["move_p99_ms"] > 0 and doc["scan_p99_ms"] > 0
    assert doc["audit_lock_wait_ms_p99"] >= 0 and doc["audit_lock_probes"] > 10
    engine = create_engine(owner_url)
    with engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = :d"),
                            {"d": f"lineside_bench_terminals_{os.getpid()}"})
        assert left.scalar() == 0
    engine.dispose()


def test_bench_terminals_cli_refuses_a_bad_via():
    from cli.main import app

    result = CliRunner().invoke(app, ["bench", "terminals", "--via", "carrier-pigeon", "--json"])
    assert result.exit_code != 0
