"""Figures for packs and pallets, run by name (not collected with the suite):
`LINESIDE_TEST_DATABASE_URL=… python -m pytest -q -s -p no:randomly tests/integration/measure_packs.py`.

An ASN of 20 pallets x 20 lots imported, each pallet received by one scan and moved whole, 50 pack conversions.
"""

import time

from core.services import packs, pallets
from core.services.imports import run_import
from tests import helpers, plant


def _p50_ms(xs: list[float]) -> float:
    return sorted(xs)[len(xs) // 2] * 1000


def test_measure(db, system, tmp_path):
    plant.load(db, system)
    clerk = helpers.make_operator(db, "K1", ["clerk"])
    helpers.exec_sql(db, "UPDATE po_line SET qty = 100000 WHERE po_number = 'PO-3'")
    rows, ssccs = ["sscc,po_number,line_no,lot,qty,expiry"], []
    for n in range(20):
        body = f"0061414120000{n:04d}"
        ssccs.append(body + str(packs.check_digit(body)))
        rows += [f"{ssccs[-1]},PO-3,1,M{n}-{k},10,2028-06-30" for k in range(20)]
    path = tmp_path / "asn.csv"
    path.write_text("\n".join(rows) + "\n")
    t = time.perf_counter()
    assert not run_import(db, system, "asn", path).errors
    imported = time.perf_counter() - t
    received, moved, converted = [], [], []
    for n, sscc in enumerate(ssccs):
        t = time.perf_counter()
        assert len(pallets.receive(db, clerk, key=f"r{n}", sscc=sscc).lots) == 20
        received.append(time.perf_counter() - t)
        t = time.perf_counter()
        assert pallets.move(db, clerk, key=f"m{n}", sscc=sscc, location="R-01").qty == 200
        moved.append(time.perf_counter() - t)
    for _ in range(50):
        t = time.perf_counter()
        assert packs.base_quantity(db, "CHP-1", "(02)19501101530024(37)3").qty == 72
        converted.append(time.perf_counter() - t)
    print(f"\nasn import 400 rows {imported * 1000:.0f} ms; receive a 20-lot pallet p50 {_p50_ms(received):.1f} ms"
          f" (max {max(received) * 1000:.1f}); move it whole p50 {_p50_ms(moved):.1f} ms;"
          f" pack conversion p50 {_p50_ms(converted):.2f} ms")
