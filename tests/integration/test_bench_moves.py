"""`lineside bench moves` end to end, tiny: the contract's keys, real numbers, and no scratch database left behind."""

import os

from sqlalchemy import create_engine, text

from bench.moves import pgbench_binary, run


def test_bench_moves_smoke(owner_url):
    assert pgbench_binary().endswith("pgbench")
    doc = run(owner_url, terminals=2, seconds=1)
    assert set(doc) == {"terminals", "moves_per_s", "p50_ms", "p99_ms", "pgbench_tps", "ratio"}
    assert doc["terminals"] == 2 and doc["moves_per_s"] > 0 and doc["pgbench_tps"] > 0
    assert 0 < doc["p50_ms"] <= doc["p99_ms"]
    assert abs(doc["ratio"] - doc["moves_per_s"] / doc["pgbench_tps"]) < 0.01
    engine = create_engine(owner_url)
    with engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = :d"),
                            {"d": f"lineside_bench_moves_{os.getpid()}"})
        assert left.scalar() == 0
    engine.dispose()
