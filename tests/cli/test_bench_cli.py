"""`lineside bench …` through the CLI: the command loads its bench module, works in a scratch database, drops it."""

import json
import os

from cli.main import app
from tests import helpers


def test_bench_scans_prints_its_document_and_drops_the_scratch_database(cli_env, db):
    result = cli_env.invoke(app, ["bench", "scans", "--scans", "2", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"scans", "p50_ms", "p99_ms"} and doc["scans"] == 2
    assert 0 < doc["p50_ms"] <= doc["p99_ms"]
    assert helpers.scalar(db, "SELECT count(*) FROM receipt") == 0  # the scans went to the scratch database
    assert helpers.scalar(db, "SELECT count(*) FROM pg_database WHERE datname = :d",
                          d=f"lineside_bench_scans_{os.getpid()}") == 0


def test_bench_oee_prints_its_document(cli_env, db):
    result = cli_env.invoke(app, ["bench", "oee", "--operations", "400", "--downtimes", "40", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"operations", "seconds"} and doc["operations"] == 400 and doc["seconds"] > 0
    assert helpers.scalar(db, "SELECT count(*) FROM wo_operation") == 0  # in the scratch database
