"""Warehouses, suppliers, customers, locations, operators: upserts, file formats, headers, refusals, audit."""

import pytest
from openpyxl import Workbook

from core.services.auth import login
from core.services.imports import ImportSummary, RowError, run_import
from tests import helpers
from tests.integration.import_files import SAMPLES, load, triples, write


@pytest.mark.parametrize(("kind", "table", "count"), [("warehouses", "warehouse", 2), ("suppliers", "supplier", 3),
                                                      ("customers", "customer", 2)])
def test_code_name_kinds_upsert_and_reimport_counts_updates(db, admin, kind, table, count):
    assert run_import(db, admin, kind, SAMPLES / f"{kind}.csv") == ImportSummary(kind, count, count, 0, 0, [])
    assert run_import(db, admin, kind, SAMPLES / f"{kind}.csv") == ImportSummary(kind, count, 0, count, 0, [])
    assert helpers.scalar(db, f"SELECT count(*) FROM {table}") == count
    assert helpers.scalar(db, "SELECT count(*) FROM audit_log WHERE action = :a", a=f"import.{kind}") == 2


def test_names_trimmed_bom_blank_lines_and_free_column_order(db, admin, tmp_path):
    path = write(tmp_path, "w.csv", "name , CODE\n  Raw   materials ,  RM \n\n,\nFinished goods,FG\n", bom=True)
    s = run_import(db, admin, "warehouses", path)
    assert (s.rows, s.inserted, s.errors) == (2, 2, [])
    assert helpers.rows(db, "SELECT code, name FROM warehouse ORDER BY code") == [
        ("FG", "Finished goods"), ("RM", "Raw materials")]
    bad = write(tmp_path, "w2.csv", "code,name\nX1,One\n\nX 2,Two\n")  # a blank line keeps the file's numbering
    assert triples(run_import(db, admin, "warehouses", bad)) == [(3, "code", "A code cannot contain spaces")]


def test_header_errors_extra_cells_and_duplicates_write_nothing(db, admin, tmp_path):
    s = run_import(db, admin, "suppliers", write(tmp_path, "s.csv", "code,name,vat\nS1,One,x\n"))
    assert triples(s) == [(0, "vat", "Unknown column")]
    s = run_import(db, admin, "suppliers", write(tmp_path, "s.csv", "code,name\nS1,One,extra\nS2,Two\nS2,Dup\n"))
    assert triples(s) == [(1, "#3", "More cells than columns in the header"), (3, "code", "Same key as row 2")]
    assert isinstance(s.errors[0], RowError)
    assert helpers.scalar(db, "SELECT count(*) FROM supplier") == 0
    assert helpers.scalar(db, "SELECT count(*) FROM audit_log WHERE action LIKE 'import.%'") == 0


def test_locations_from_xlsx_and_their_refusals(db, admin, tmp_path):
    load(db, admin, "warehouses")
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "warehouse", "kind", "capacity_lots", "pick_sequence", "line"])
    sheet.append(["LS-9", "RM", "line_side", 2, 90, "L9"])
    sheet.append(["X-1", "NOPE", "storage", None, None, None])
    sheet.append([None, None, None])  # a blank row is skipped, but counts in the row numbers
    sheet.append(["X-2", "RM", "attic", "4.5", "first", None])
    book.save(tmp_path / "l.xlsx")
    s = run_import(db, admin, "locations", tmp_path / "l.xlsx")
    assert [(r, c) for r, c, _ in triples(s)] == [(2, "warehouse"), (4, "capacity_lots"), (4, "kind"),
                                                  (4, "pick_sequence")]
    assert helpers.scalar(db, "SELECT count(*) FROM location") == 0
    s = run_import(db, admin, "locations", tmp_path / "l.xlsx", rejects=tmp_path / "r.csv")
    assert (s.inserted, s.rejected) == (1, 2)
    assert helpers.rows(db, "SELECT code, kind, capacity_lots, pick_sequence, line FROM location") == [
        ("LS-9", "line_side", 2, 90, "L9")]


def test_locations_reimport_and_dry_run(db, admin):
    load(db, admin, "warehouses")
    dry = run_import(db, admin, "locations", SAMPLES / "locations.csv", dry_run=True)
    assert (dry.rows, dry.inserted, dry.errors) == (32, 32, [])
    assert helpers.scalar(db, "SELECT count(*) FROM location") == 0
    assert run_import(db, admin, "locations", SAMPLES / "locations.csv").inserted == 32
    assert run_import(db, admin, "locations", SAMPLES / "locations.csv").updated == 32


def test_operator_pins_are_hashed_and_kept_when_the_column_is_absent(db, admin, tmp_path):
    s = run_import(db, admin, "operators", SAMPLES / "operators.csv")
    assert (s.inserted, s.errors) == (4, [])
    hashes = dict(helpers.rows(db, "SELECT badge, pin_hash FROM operator WHERE badge ~ '^[CQSA]00'"))
    assert len(hashes) == 4 and all(h.startswith("$argon2id$") for h in hashes.values())
    audit = helpers.scalar(db, "SELECT new::text FROM audit_log WHERE action = 'import.operators'")
    # the audit says a PIN was set, never the PIN or its hash
    assert "argon2" not in audit and "1111" not in audit and not any(h in audit for h in hashes.values())
    assert login(db, "S001", "3333", "T").roles == frozenset({"supervisor", "clerk"})
    run_import(db, admin, "operators", write(tmp_path, "o.csv", "badge,name,roles\nS001,Wang Fang,admin\n"))
    assert login(db, "S001", "3333", "T").roles == frozenset({"admin"})  # the old PIN still works
    changed = helpers.scalar(db, "SELECT new FROM audit_log WHERE action = 'import.operators' ORDER BY id DESC"
                                 " LIMIT 1")["operators"]
    assert changed == [{"badge": "S001", "roles": {"before": ["clerk", "supervisor"], "after": ["admin"]}}]
    run_import(db, admin, "operators", write(tmp_path, "o.csv", "badge,name,roles,pin\nS001,Wang Fang,admin,98765\n"))
    assert login(db, "S001", "98765", "T").badge == "S001"


def test_operator_refusals(db, admin, tmp_path):
    s = run_import(db, admin, "operators", write(tmp_path, "o.csv", "badge,name,roles,pin\nN1,A,clerk|wizard,1234\n"
                                                                     "N2,B,clerk,12\nN3,C,,1234a\nSYSTEM,Me,admin,\n"))
    assert [(r, c) for r, c, _ in triples(s)] == [(1, "roles"), (2, "pin"), (3, "pin"), (3, "roles"), (4, "badge")]
    assert helpers.scalar(db, "SELECT count(*) FROM operator WHERE badge IN ('N1', 'N2', 'N3')") == 0
