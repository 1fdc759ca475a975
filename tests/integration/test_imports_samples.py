"""The contract's sample files import in dependency order, re-import changes nothing, every invariant holds."""

import filecmp

import pytest

from core.services.checks import run_checks
from core.services.imports import KINDS, run_import
from tests import helpers
from tests.integration.import_files import BUNDLED, MASTER, SAMPLES, SHARED

COUNTS = {"warehouses": 2, "locations": 32, "suppliers": 3, "customers": 2, "items": 10, "operators": 4, "stock": 8}


def test_kinds_are_in_dependency_order():
    assert [k for k in KINDS if k in MASTER] == list(MASTER)
    assert KINDS.index("items") > KINDS.index("locations") and KINDS.index("stock") > KINDS.index("suppliers")


def test_all_samples_import_in_order_then_reimport_changes_nothing(db, system):
    for kind in MASTER:
        s = run_import(db, system, kind, SAMPLES / f"{kind}.csv")
        assert (s.rows, s.inserted, s.updated, s.rejected, s.errors) == (COUNTS[kind], COUNTS[kind], 0, 0, []), kind
    movements = helpers.rows(db, "SELECT * FROM movement ORDER BY id")
    for kind in MASTER:
        s = run_import(db, system, kind, SAMPLES / f"{kind}.csv")
        assert (s.inserted, s.updated, s.errors) == (0, COUNTS[kind], []), kind
    assert helpers.rows(db, "SELECT * FROM movement ORDER BY id") == movements
    assert {r.kind for r in movements} == {"opening"}
    assert helpers.scalar(db, "SELECT count(*) FROM audit_log WHERE action LIKE 'import.%'") == 2 * len(MASTER)
    report = run_checks(db)
    assert report.ok, [c for c in report.checks if not c.ok]


def test_the_bundled_demo_files_are_the_contract_samples():
    if not SHARED.is_dir():
        pytest.skip("no shared/ beside this clone: the bundled copy is imported instead")
    names = sorted(p.name for p in SHARED.glob("*.csv"))
    match, mismatch, errors = filecmp.cmpfiles(SHARED, BUNDLED, names, shallow=False)
    assert (mismatch, errors) == ([], [])
