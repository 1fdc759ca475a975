"""`bench scans` end to end on a few scans: every scan posts a receipt through the screen, the document has its keys."""

from bench.scans import WARMUP, run
from tests import helpers


def test_bench_scans_posts_every_scan_and_reports_latency(db):
    doc = run(db, scans=5)
    assert set(doc) == {"scans", "p50_ms", "p99_ms"} and doc["scans"] == 5
    assert 0 < doc["p50_ms"] <= doc["p99_ms"]
    assert helpers.scalar(db, "SELECT count(*) FROM receipt") == 5 + WARMUP
    assert helpers.scalar(db, "SELECT received_qty FROM po_line WHERE po_number = 'PO-BENCH'") == 5 * (5 + WARMUP)
