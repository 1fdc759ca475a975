"""Imports: every kind with bad rows writes nothing; rejects, dry-run, XLSX, BOM, cleaning, idempotent re-import."""

import csv
import shutil
from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.services.imports import KINDS, run_import
from tests import helpers

SAMPLES = Path(__file__).resolve().parents[2] / "core" / "demo_data"
SAMPLE_KINDS = [k for k in KINDS if (SAMPLES / f"{k}.csv").exists()]  # the demo has no routings


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _load_samples(db, actor, upto=None):
    for kind in SAMPLE_KINDS:
        if kind == upto:
            return
        summary = run_import(db, actor, kind, SAMPLES / f"{kind}.csv")
        assert not summary.errors, (kind, summary.errors)


def _counts(db):
    return helpers.scalar(db, "SELECT (SELECT count(*) FROM warehouse) + (SELECT count(*) FROM location)"
                              " + (SELECT count(*) FROM item) + (SELECT count(*) FROM movement)"
                              " + (SELECT count(*) FROM operator) + (SELECT count(*) FROM work_order)")


def test_all_samples_import_and_reimport_is_idempotent(db, admin):
    _load_samples(db, admin)
    movements = helpers.scalar(db, "SELECT count(*) FROM movement")
    for kind in SAMPLE_KINDS:
        s = run_import(db, admin, kind, SAMPLES / f"{kind}.csv")
        assert s.inserted == 0 and not s.errors, kind
    assert helpers.scalar(db, "SELECT count(*) FROM movement") == movements  # re-import posted nothing
    assert helpers.scalar(db, "SELECT count(*) FROM movement WHERE kind = 'opening'") == 8


BAD = {
    "warehouses": "code,name\nW1,One\n,No code\n",
    "locations": "warehouse,code,kind\nRM,X-1,storage\nRM,X-2,attic\nNOPE,X-3,dock\n",
    "items": "sku,name,uom,gtin\nN-1,New,pcs,6950001000117\nN-2,Bad unit,bushels,\nN-3,Bad gtin,EA,6950001000019\n"
             "N-4,Taken gtin,EA,6950001000018\n",
    "suppliers": "code,name\nS-9,Nine\nS 10,Space\n",
    "customers": "code,name\nC-9,Nine\nC-10,  \n",
    "operators": "badge,name,roles,pin\nX1,Ok,clerk,1234\nX2,Bad,wizard,1234\nX3,Short,clerk,12\n",
    "stock": "warehouse,location,sku,lot,qty\nRM,A-01-1,IC-555,NEWLOT,5\nRM,A-01-1,SCR-M3,L,5\nRM,Z-9,IC-555,L2,1\n"
             "RM,A-01-1,IC-555,,3\nRM,A-01-1,IC-555,L3,-4\n",
    "boms": "parent_sku,component_sku,qty_per\nCTRL-100,IC-555,1\nCTRL-100,NOPE,1\nCTRL-100,CTRL-100,1\n",
    "purchase-orders": "po_number,supplier,line_no,sku,qty\nPO-9,SUP-PCB,1,PCB-100,5\nPO-9,SUP-X,2,PCB-100,5\n"
                       "PO-9,SUP-PCB,1,PCB-100,6\n",
    "work-orders": "wo_number,sku,qty,due_date,line\nWO-9,PCBA-100,5,2026-12-01,L1\nWO-10,PCBA-100,5,tomorrow,L1\n"
                   "WO-11,PCBA-100,5,2026-12-01,L9\n",
    "sales-orders": "so_number,customer,line_no,sku,qty\nSO-9,CUST-01,1,CTRL-100,0\n",
    "line-stock": "location,sku,min_qty,max_qty\nLS-L1,IC-555,10,5\nA-01-1,IC-555,1,2\nLS-L1,PCB-100,1.5,3\n",
    "work-centers": "code,name,line\nWC-9,Nine,L1\nWC 10,Space,L1\nsmt-1,Case,L1\n",
    "qc-plans": "plan,characteristic,unit,min,max\nP9,Width,mm,1,2\nP9,Height,mm,3,2\nP9,Depth,mm,1e3,\n",
    "downtime-reasons": "code,name,planned\nD9,Nine,true\nD10,Ten,maybe\n",
    "routings": "sku,op_no,work_center,minutes_per_unit,qc_plan\nPCBA-100,10,SMT-1,1,\nPCBA-100,20,NOPE,1,\n"
                "PCBA-100,30,SMT-1,0,\nPCBA-100,40,SMT-1,1,NOPLAN\n",
    "packagings": "sku,uom,qty\nPCB-100,CASE,10\nNOPE,CASE,1\nPCB-100,TRAY,0.5\n",
    "asn": "sscc,po_number,line_no,lot,qty\n006141410000000012,PO-24001,1,L-1,5\n006141410000000013,PO-24001,1,L-2,5\n",
}


@pytest.mark.parametrize("kind", KINDS)
def test_bad_rows_write_nothing_and_name_row_and_column(db, admin, tmp_path, kind):
    _load_samples(db, admin)
    before = _counts(db)
    summary = run_import(db, admin, kind, _write(tmp_path, f"{kind}.csv", BAD[kind]))
    assert summary.errors and all(e.row >= 1 and e.column and e.message for e in summary.errors)
    assert _counts(db) == before


def test_specific_messages(db, admin, tmp_path):
    _load_samples(db, admin)
    errs = run_import(db, admin, "items", _write(tmp_path, "i.csv", BAD["items"])).errors
    assert [(e.row, e.column, e.message) for e in errs] == [
        (2, "uom", "Unknown unit: bushels"), (3, "gtin", "Wrong GTIN check digit: 6950001000019"),
        (4, "gtin", "GTIN 6950001000018 belongs to another item")]
    errs = run_import(db, admin, "stock", _write(tmp_path, "s.csv", BAD["stock"])).errors
    assert [(e.row, e.column) for e in errs] == [(2, "lot"), (3, "location"), (4, "sku"), (5, "qty")]
    errs = run_import(db, admin, "purchase-orders", _write(tmp_path, "p.csv", BAD["purchase-orders"])).errors
    assert [(e.row, e.column, e.message) for e in errs] == [(2, "supplier", "Unknown supplier: SUP-X"),
                                                            (3, "line_no", "Same key as row 1")]


def test_header_problems(db, admin, tmp_path):
    errs = run_import(db, admin, "warehouses", _write(tmp_path, "w.csv", "code,name,colour\nW,X,red\n")).errors
    assert [(e.row, e.column, e.message) for e in errs] == [(0, "colour", "Unknown column")]
    errs = run_import(db, admin, "warehouses", _write(tmp_path, "w.csv", "name\nX\n")).errors
    assert [(e.row, e.column, e.message) for e in errs] == [(0, "code", "Missing column")]


def test_rejects_writes_good_rows_and_a_rejects_file(db, admin, tmp_path):
    _load_samples(db, admin)
    out = tmp_path / "bad.csv"
    s = run_import(db, admin, "items", _write(tmp_path, "i.csv", BAD["items"]), rejects=out)
    assert (s.rows, s.inserted, s.rejected) == (4, 1, 3)
    assert helpers.scalar(db, "SELECT uom FROM item WHERE sku = 'N-1'") == "EA"  # pcs normalised
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["sku"] for r in rows] == ["N-2", "N-3", "N-4"] and rows[0]["error"] == "uom: Unknown unit: bushels"


def test_dry_run_counts_and_writes_nothing(db, admin):
    _load_samples(db, admin, upto="items")
    s = run_import(db, admin, "items", SAMPLES / "items.csv", dry_run=True)
    assert (s.inserted, s.updated) == (10, 0)
    assert helpers.scalar(db, "SELECT count(*) FROM item") == 0


def test_xlsx_bom_and_cleaning(db, admin, tmp_path):
    from openpyxl import Workbook

    _load_samples(db, admin, upto="items")
    book = Workbook()
    sheet = book.active
    sheet.append(["uom", "SKU", "name"])  # column order free, header case-insensitive
    sheet.append(["公斤", " GLUE-X ", "  Glue   with  spaces "])
    sheet.append(["个", "NUT-1", "Nut"])
    book.save(tmp_path / "items.xlsx")
    s = run_import(db, admin, "items", tmp_path / "items.xlsx")
    assert (s.inserted, s.errors) == (2, [])
    assert helpers.rows(db, "SELECT sku, name, uom FROM item ORDER BY sku") == [
        ("GLUE-X", "Glue with spaces", "KG"), ("NUT-1", "Nut", "EA")]


def test_bom_cycle_is_refused(db, admin, tmp_path):
    _load_samples(db, admin, upto="stock")
    run_import(db, admin, "boms", SAMPLES / "boms.csv")
    with pytest.raises(InvalidInput, match="cycle"):
        run_import(db, admin, "boms", _write(tmp_path, "b.csv",
                                             "parent_sku,component_sku,qty_per\nPCB-100,CTRL-100,1\n"))
    assert helpers.scalar(db, "SELECT count(*) FROM bom_line") == 9


def test_bom_with_utf8_bom_and_operator_pins_hashed(db, admin, tmp_path):
    path = tmp_path / "ops.csv"
    shutil.copy(SAMPLES / "operators.csv", path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run_import(db, admin, "operators", path).inserted == 4
    assert helpers.scalar(db, "SELECT count(*) FROM operator WHERE pin_hash LIKE '$argon2id$%'"
                              " AND badge IN ('C001', 'Q001', 'S001', 'A001')") == 4
    path.write_text("badge,name,roles\nC001,Li Wei,clerk|supervisor\n", encoding="utf-8")
    s = run_import(db, admin, "operators", path)  # no pin column: the PIN hash is kept
    assert s.updated == 1
    from core.services.auth import login

    assert login(db, "C001", "1111", "T").roles == frozenset({"clerk", "supervisor"})


def test_only_admins_import(db, clerk):
    from core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(db, clerk, "warehouses", SAMPLES / "warehouses.csv")
