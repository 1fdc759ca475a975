"""Hostile files: each row below once became a wrong value or a traceback; now each is a row error."""

import csv
import json

import pytest
from openpyxl import Workbook

from core.services.imports import run_import
from tests import helpers
from tests.integration.import_files import MASTER, load, triples, write


@pytest.fixture
def plant(db, admin):
    load(db, admin, *MASTER[:-1])
    return db


def _stock(plant, admin, tmp_path, *lines):
    path = write(tmp_path, "s.csv", "warehouse,location,sku,lot,qty,expiry\n" + "".join(f"{x}\n" for x in lines))
    return run_import(plant, admin, "stock", path)


@pytest.mark.parametrize("qty", ["2,5", "1.000,5", "1e12", "1e309", "1e-7", "0.0000001", "1000000000000",
                                 "-1", "+5", " 5 5", "inf", "NaN", "٣"])
def test_a_number_is_digits_with_a_point_or_a_row_error(plant, admin, tmp_path, qty):
    s = _stock(plant, admin, tmp_path, f'RM,A-01-1,GLUE-01,X1,"{qty}",')  # KG: decimals allowed
    assert [(r, c) for r, c, _ in triples(s)] == [(1, "qty")]
    assert helpers.scalar(plant, "SELECT count(*) FROM movement") == 0


@pytest.mark.parametrize("expiry", ["2026-01-015", "2026-1-15", "20260115", "2026-01-15T00:00", "2026-02-30"])
def test_a_date_is_exactly_yyyy_mm_dd(plant, admin, tmp_path, expiry):
    s = _stock(plant, admin, tmp_path, f"RM,A-01-1,IC-555,X1,5,{expiry}")
    assert [(r, c) for r, c, _ in triples(s)] == [(1, "expiry")]


def test_the_largest_values_still_fit(plant, admin, tmp_path):
    s = _stock(plant, admin, tmp_path, "RM,A-01-1,IC-555,X1,999999999999,2026-01-15",
               "RM,A-01-1,GLUE-01,X2,999999999999.999999,", "RM,A-01-1,GLUE-01,X3,0.000001,")
    assert not s.errors and s.inserted == 3


@pytest.mark.parametrize("lot", ["Z1^FS^FO0,0^A0N,99,99^FDPWNED^FS^XZ", "A B", "L#1", "X" * 21, "批次1"])
def test_stock_import_refuses_a_lot_outside_gs1_ai_82(plant, admin, tmp_path, lot):
    s = _stock(plant, admin, tmp_path, f'RM,A-01-1,IC-555,"{lot}",5,')
    assert [(r, c) for r, c, _ in triples(s)] == [(1, "lot")]
    assert helpers.scalar(plant, "SELECT count(*) FROM lot") == 0


def test_integer_overflow_long_strings_and_nul_are_row_errors(db, admin, tmp_path):
    load(db, admin, "warehouses")
    path = write(tmp_path, "l.csv", "warehouse,code,kind,zone,capacity_lots,pick_sequence\n"
                                    "RM,B-1,storage,Z,2147483648,0\n"
                                    "RM,B-2,storage,Z,1,99999999999999999999\n"
                                    f"RM,B-3,storage,{'Z' * 33},1,0\n"
                                    f"RM,{'B' * 201},storage,Z,1,0\n"
                                    "RM,B-5\x00,storage,Z,1,0\n"
                                    "RM,B-6,storage,Z,2147483647,0\n")
    s = run_import(db, admin, "locations", path)
    assert [(r, c) for r, c, _ in triples(s)] == [(1, "capacity_lots"), (2, "pick_sequence"), (3, "zone"),
                                                   (4, "code"), (5, "code")]
    out = tmp_path / "rej.csv"
    s = run_import(db, admin, "locations", path, rejects=out)
    assert s.rejected == 5 and s.inserted == 1
    assert [r["code"][:3] for r in csv.DictReader(out.open(encoding="utf-8"))] == ["B-1", "B-2", "B-3", "BBB", "B-5"]


def test_line_no_overflow_and_a_long_name(plant, admin, tmp_path):
    path = write(tmp_path, "po.csv", "po_number,supplier,line_no,sku,qty\nPO-9,SUP-SEMI,4294967296,IC-555,5\n")
    assert [(r, c) for r, c, _ in triples(run_import(plant, admin, "purchase-orders", path))] == [(1, "line_no")]
    path = write(tmp_path, "w.csv", f"code,name\nW9,{'n' * 201}\n")
    assert [(r, c) for r, c, _ in triples(run_import(plant, admin, "warehouses", path))] == [(1, "name")]


def test_an_xlsx_formula_without_a_cached_value_is_a_row_error(plant, admin, tmp_path):
    book = Workbook()  # openpyxl writes formulas without cached values, as a generator script would
    sheet = book.active
    sheet.append(["warehouse", "location", "sku", "lot", "qty", "status"])
    sheet.append(["RM", "A-01-1", "IC-555", "X1", "=2+3", None])  # a status left blank means available: fine
    sheet.append(["RM", "A-01-1", "IC-555", "X2", 5, "=LOWER(\"BLOCKED\")"])
    sheet.append(["RM", "A-01-1", "IC-555", "X3", 1e-07, None])
    path = tmp_path / "s.xlsx"
    book.save(path)
    s = run_import(plant, admin, "stock", path)
    assert [(r, c) for r, c, _ in triples(s)] == [(1, "qty"), (2, "status"), (3, "qty")]
    assert "formula" in s.errors[0].message and "=2+3" in s.errors[0].message


def test_codes_differing_only_in_case_are_refused(db, admin, tmp_path):
    load(db, admin, "warehouses")
    s = run_import(db, admin, "suppliers", write(tmp_path, "a.csv", "code,name\nSUP-D,D\nsup-d,d\n"))
    assert [(r, c) for r, c, _ in triples(s)] == [(2, "code")]
    assert run_import(db, admin, "suppliers", write(tmp_path, "b.csv", "code,name\nSUP-D,D\n")).inserted == 1
    s = run_import(db, admin, "suppliers", write(tmp_path, "c.csv", "code,name\nsup-d,d\nSUP-D,D again\n"))
    assert [(r, c) for r, c, _ in triples(s)] == [(1, "code"), (2, "code")]  # SUP-D after sup-d in the file
    assert helpers.scalar(db, "SELECT count(*) FROM supplier WHERE lower(code) = 'sup-d'") == 1
    s = run_import(db, admin, "locations", write(tmp_path, "l.csv", "warehouse,code,kind\nRM,bin-1,storage\n"
                                                                   "RM,BIN-1,storage\n"))
    assert [(r, c) for r, c, _ in triples(s)] == [(2, "code")]


def test_rejects_file_neutralises_formula_cells(db, admin, tmp_path):
    load(db, admin, "warehouses")
    out = tmp_path / "rej.csv"
    path = write(tmp_path, "s.csv", 'code,name\n"=HYPERLINK(""http://127.0.0.1/x"",""y"")",\nOK-1,fine\n'
                                    "@SUM(A1),\n-2+3,\n")
    s = run_import(db, admin, "suppliers", path, rejects=out)
    assert s.rejected == 3 and s.inserted == 1
    cells = [v for r in csv.reader(out.open(encoding="utf-8")) for v in r]
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in cells)
    assert "'=HYPERLINK(\"http://127.0.0.1/x\",\"y\")" in cells and "'@SUM(A1)" in cells and "'-2+3" in cells


def test_json_prints_one_document_for_every_hostile_row(cli_env_for_kpi, db, cli_as_admin, tmp_path):
    from cli.main import app

    runner, _ = cli_env_for_kpi
    load(db, cli_as_admin, "warehouses")
    path = write(tmp_path, "l.csv", "warehouse,code,kind,capacity_lots\nRM,B-1,storage,1e309\n"
                                    "RM,B-2\x00,storage,99999999999\n")
    result = runner.invoke(app, ["import", "locations", str(path), "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert [(e["row"], e["column"]) for e in doc["errors"]] == [(1, "capacity_lots"), (2, "capacity_lots"),
                                                                 (2, "code")]
