"""The trace benchmark's generator on a small scale: the shape it promises, and that trace reads it."""

from bench import trace as bench_trace
from core.services import recall, trace
from tests import helpers


def test_small_history_has_the_promised_shape(db, system):
    bench_trace.build(db, scale=0.002)  # 600 / 600 / 400 / 400 lots
    for level, n in ((0, 600), (1, 600), (2, 400), (3, 400)):
        lo, hi, count = helpers.rows(db, "SELECT min(id), max(id), count(*) FROM lot WHERE lot_no LIKE :p",
                                     p=f"T{level}-%")[0]
        assert count == n and hi - lo + 1 == n  # contiguous ids: the links' arithmetic relies on it
    assert bench_trace.built(db)
    big = trace.backward(db, system, "T3-0000000")  # every 100th finished lot is made of 38 boards
    boards = [i for i in big.inputs if i.sku == "T-BRD"]
    assert len(boards) == 38 and all(len(b.inputs) == 5 for b in boards)
    assert [i.lot for i in big.inputs if i.sku == "T-SUB"] == ["T1R-000"]  # the recalled branch
    assert boards[0].inputs[0].inputs[0].supplier.startswith("TS-")
    listing = recall.affected(db, system, bench_trace.RECALL_LOT)
    assert len(listing.lots) == 1 + 100 + 400  # the recall lot, its subassemblies, 4 finished lots each
    doc = bench_trace.measure(db, samples=20)
    assert set(doc) == {"lots", "links", "trace_p95_ms", "recall_lots", "recall_s"}
    assert doc["recall_lots"] == 501 and doc["links"] == helpers.scalar(db, "SELECT count(*) FROM genealogy")
