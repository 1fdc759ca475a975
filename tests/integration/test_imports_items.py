"""Items: unit spellings normalised (never guessed), GS1 check digits, defaults, home location resolution."""

from decimal import Decimal

import pytest

from core.services.imports import run_import
from tests import helpers
from tests.integration.import_files import SAMPLES, load, triples, write

UNITS = {"pcs": "EA", "PCS": "EA", "pc": "EA", "ea": "EA", "个": "EA", "件": "EA", "只": "EA", "kg": "KG",
         "公斤": "KG", "千克": "KG", "g": "G", "克": "G", "m": "M", "米": "M", "l": "L", "升": "L", " Kg ": "KG",
         "ml": "ML", "毫升": "ML", "roll": "ROLL", "卷": "ROLL", "EA": "EA"}


@pytest.fixture
def bins(db, admin):
    load(db, admin, "warehouses", "locations")
    return db


def test_unit_spellings_are_normalised(bins, admin, tmp_path):
    body = "".join(f"U-{n},Unit {n},{spelling}\n" for n, spelling in enumerate(UNITS))
    s = run_import(bins, admin, "items", write(tmp_path, "i.csv", "sku,name,uom\n" + body))
    assert (s.inserted, s.errors) == (len(UNITS), [])
    got = dict(helpers.rows(bins, "SELECT sku, uom FROM item"))
    assert [got[f"U-{n}"] for n in range(len(UNITS))] == list(UNITS.values())


@pytest.mark.parametrize("spelling", ["lbs", "box of 10", "EA5", "kgg", "桶"])
def test_an_unknown_unit_is_refused_not_guessed(bins, admin, tmp_path, spelling):
    s = run_import(bins, admin, "items", write(tmp_path, "i.csv", f"sku,name,uom\nOK-1,Fine,pcs\nX-1,Odd,{spelling}\n"))
    assert triples(s) == [(2, "uom", f"Unknown unit: {spelling}")]
    assert helpers.scalar(bins, "SELECT count(*) FROM item") == 0


def test_gtin_lengths_and_check_digits(bins, admin, tmp_path):
    good = ["96385074", "036000291452", "4006381333931", "10614141000415"]
    bad = ["96385075", "4006381333932", "1234567", "40063813339310", "ABCDEFGH"]
    body = "".join(f"G-{n},G,EA,{g}\n" for n, g in enumerate(good + bad))
    s = run_import(bins, admin, "items", write(tmp_path, "i.csv", "sku,name,uom,gtin\n" + body))
    assert [(r, c) for r, c, _ in triples(s)] == [(n, "gtin") for n in range(5, 10)]
    assert triples(s)[0][2] == "Wrong GTIN check digit: 96385075"
    assert triples(s)[2][2] == "A GTIN has 8, 12, 13 or 14 digits: 1234567"
    with_rejects = run_import(bins, admin, "items", write(tmp_path, "i.csv", "sku,name,uom,gtin\n" + body),
                              rejects=tmp_path / "r.csv")
    assert (with_rejects.inserted, with_rejects.rejected) == (4, 5)
    assert sorted(helpers.rows(bins, "SELECT gtin FROM item")) == sorted((g,) for g in good)


def test_defaults_choices_and_types(bins, admin, tmp_path):
    s = run_import(bins, admin, "items", write(tmp_path, "i.csv", "sku,name,uom,abc,qc_required,unit_cost\n"
                                                                   "D-1,Defaults,EA,,,\nD-2,Set,EA,b,TRUE,1.25\n"))
    assert s.errors == []
    assert helpers.rows(bins, "SELECT sku, tracking, abc, qc_required, unit_cost FROM item ORDER BY sku") == [
        ("D-1", "lot", None, False, Decimal(0)), ("D-2", "lot", "B", True, Decimal("1.25"))]
    s = run_import(bins, admin, "items", write(tmp_path, "i.csv", "sku,name,uom,tracking,abc,qc_required,unit_cost\n"
                                                                   "E-1,E,EA,batch,D,maybe,cheap\n"))
    assert [c for _, c, _ in triples(s)] == ["abc", "qc_required", "tracking", "unit_cost"]


def test_home_location_unknown_or_ambiguous(bins, admin, tmp_path):
    # the same bin code in both warehouses: a bare code cannot say which one is meant
    run_import(bins, admin, "locations", write(tmp_path, "l.csv", "warehouse,code,kind\nFG,A-01-2,storage\n"))
    s = run_import(bins, admin, "items", write(tmp_path, "i.csv", "sku,name,uom,home_location\nH-1,H,EA,A-01-1\n"
                                                                   "H-2,H,EA,A-01-2\nH-3,H,EA,NOWHERE\n"))
    assert triples(s) == [(2, "home_location", "Unknown or ambiguous location: A-01-2"),
                          (3, "home_location", "Unknown or ambiguous location: NOWHERE")]
    assert helpers.scalar(bins, "SELECT count(*) FROM item") == 0


def test_reimport_updates_and_duplicates_in_one_file_are_refused(bins, admin, tmp_path):
    first = run_import(bins, admin, "items", SAMPLES / "items.csv")
    assert (first.inserted, first.updated) == (10, 0)
    again = run_import(bins, admin, "items", SAMPLES / "items.csv")
    assert (again.inserted, again.updated, again.errors) == (0, 10, [])
    dup = write(tmp_path, "i.csv", "sku,name,uom\nPCB-100,Renamed,EA\n PCB-100 ,Again,EA\n")
    assert triples(run_import(bins, admin, "items", dup)) == [(2, "sku", "Same key as row 1")]
    assert helpers.scalar(bins, "SELECT name FROM item WHERE sku = 'PCB-100'") == "Bare PCB controller rev C"
