"""`lineside bench floor moves|import`, tiny: the documents' keys, real figures, rows really written (the floor
checks its own counts and raises), and no scratch database left behind."""

import os

from sqlalchemy import create_engine, text

from bench import floor


def _left(owner_url: str, kind: str) -> int:
    engine = create_engine(owner_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = :d"),
                                {"d": f"lineside_bench_{kind}_{os.getpid()}"}).scalar()
    finally:
        engine.dispose()


def test_floor_of_a_move(owner_url):
    doc = floor.moves(owner_url, terminals=2, seconds=1)
    assert set(doc) == {"terminals", "floor_moves_per_s", "unchained_moves_per_s", "pgbench_tps", "ratio",
                        "unchained_ratio"}
    assert doc["terminals"] == 2 and doc["floor_moves_per_s"] > 0 and doc["unchained_moves_per_s"] > 0
    assert abs(doc["ratio"] - doc["floor_moves_per_s"] / doc["pgbench_tps"]) < 0.01
    assert _left(owner_url, "floor_moves") == 0


def test_floor_of_an_import(owner_url):
    doc = floor.import_(owner_url, rows=4000)
    assert set(doc) == {"rows", "copy_rows_per_s", "floor_seconds", "lots_s", "movements_s", "balances_s", "ratio"}
    assert doc["rows"] == 4000 and doc["copy_rows_per_s"] > 0
    assert doc["floor_seconds"] > 0 and doc["ratio"] > 0
    assert _left(owner_url, "floor_import") == 0


def test_floor_on_the_command_line_refuses_an_unknown_kind():
    from typer.testing import CliRunner

    from cli.main import app

    result = CliRunner().invoke(app, ["bench", "floor", "scans", "--json"])
    assert result.exit_code == 2
