"""`lineside import … --json`: the summary document and the exit codes."""

import csv
import json

from cli.main import app
from tests import helpers
from tests.cli.numbers import assert_quantities_are_numbers
from tests.integration.import_files import SAMPLES, write

KEYS = ["kind", "rows", "inserted", "updated", "rejected", "errors"]


def _doc(result) -> dict:
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout  # exactly one document
    doc = json.loads(lines[0])
    assert list(doc) == KEYS
    assert assert_quantities_are_numbers(doc) == 4  # rows, inserted, updated, rejected
    return doc


def test_json_summary_and_exit_codes(cli_env, tmp_path):
    result = cli_env.invoke(app, ["import", "warehouses", str(SAMPLES / "warehouses.csv"), "--json"])
    assert result.exit_code == 0, result.output
    assert _doc(result) == {"kind": "warehouses", "rows": 2, "inserted": 2, "updated": 0, "rejected": 0,
                            "errors": []}
    again = cli_env.invoke(app, ["import", "warehouses", str(SAMPLES / "warehouses.csv"), "--json"])
    assert (_doc(again)["inserted"], _doc(again)["updated"]) == (0, 2)
    bad = write(tmp_path, "l.csv", "warehouse,code,kind\nRM,X,attic\n")
    result = cli_env.invoke(app, ["import", "locations", str(bad), "--json"])
    assert result.exit_code == 1
    assert _doc(result)["errors"] == [{"row": 1, "column": "kind", "message":
                                       "Expected one of dock, storage, quarantine, line_side, shipping: attic"}]
    assert cli_env.invoke(app, ["import", "planets", str(bad)]).exit_code == 2
    missing = cli_env.invoke(app, ["import", "items", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1 and missing.stdout == ""
    assert missing.stderr.strip().splitlines() == [f"File not found: {tmp_path / 'nope.csv'}"]


def test_a_refused_file_still_prints_one_document(cli_env, tmp_path):
    missing = cli_env.invoke(app, ["import", "items", str(tmp_path / "nope.csv"), "--json"])
    assert missing.exit_code == 1
    assert _doc(missing)["errors"] == [{"row": 0, "column": "", "message": f"File not found: {tmp_path / 'nope.csv'}"}]
    header = write(tmp_path, "w.csv", "code,name,colour\nW,X,red\n")
    result = cli_env.invoke(app, ["import", "warehouses", str(header), "--json", "--rejects", str(tmp_path / "r.csv")])
    assert result.exit_code == 1  # a bad header refuses the file even with --rejects
    assert _doc(result)["errors"] == [{"row": 0, "column": "colour", "message": "Unknown column"}]


def test_rejects_and_dry_run(cli_env, db, tmp_path):
    cli_env.invoke(app, ["import", "warehouses", str(SAMPLES / "warehouses.csv")])
    path = write(tmp_path, "l.csv", "warehouse,code,kind,capacity_lots\nRM,B-1,storage,4\nRM,B-2,storage,many\n")
    dry = cli_env.invoke(app, ["import", "locations", str(path), "--json", "--dry-run"])
    assert dry.exit_code == 1 and _doc(dry)["rejected"] == 1
    out = tmp_path / "rejects.csv"
    result = cli_env.invoke(app, ["import", "locations", str(path), "--json", "--rejects", str(out)])
    assert result.exit_code == 0, result.output
    assert {k: _doc(result)[k] for k in KEYS[1:5]} == {"rows": 2, "inserted": 1, "updated": 0, "rejected": 1}
    assert list(csv.reader(out.open(encoding="utf-8"))) == [
        ["warehouse", "code", "kind", "capacity_lots", "error"],
        ["RM", "B-2", "storage", "many", "capacity_lots: Not a whole number: many"]]
    good = write(tmp_path, "g.csv", "warehouse,code,kind\nRM,B-3,dock\n")
    dry = cli_env.invoke(app, ["import", "locations", str(good), "--json", "--dry-run"])
    assert dry.exit_code == 0 and _doc(dry)["inserted"] == 1
    assert helpers.rows(db, "SELECT code FROM location ORDER BY code") == [("B-1",)]


def test_plain_output_and_opening_stock_as_system(cli_env, db, tmp_path):
    for kind in ("warehouses", "locations", "suppliers", "items"):
        assert cli_env.invoke(app, ["import", kind, str(SAMPLES / f"{kind}.csv")]).exit_code == 0
    result = cli_env.invoke(app, ["import", "stock", str(SAMPLES / "stock.csv")])
    assert result.exit_code == 0 and result.stdout == ""
    assert "stock: 8 rows imported, 8 new, 0 updated, 0 rejected" in result.stderr
    assert helpers.rows(db, "SELECT DISTINCT m.kind, o.badge FROM movement m JOIN operator o ON o.id = m.operator_id"
                            ) == [("opening", "SYSTEM")]
    bad = write(tmp_path, "s.csv", "warehouse,location,sku,qty\nRM,A-01-1,IC-555,5\n")
    result = cli_env.invoke(app, ["import", "stock", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["row 1 sku: IC-555 is lot-tracked: a lot is required",
                                          "stock: 1 row, nothing written (1 row refused)"]
