"""`lineside import … --json`: the summary document and the exit codes."""

import json
from pathlib import Path

from cli.main import app

SAMPLES = Path(__file__).resolve().parents[2] / "core" / "demo_data"


def test_json_summary_and_exit_codes(cli_env, tmp_path):
    result = cli_env.invoke(app, ["import", "warehouses", str(SAMPLES / "warehouses.csv"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"kind": "warehouses", "rows": 2, "inserted": 2, "updated": 0, "rejected": 0,
                                         "errors": []}
    bad = tmp_path / "l.csv"
    bad.write_text("warehouse,code,kind\nRM,X,attic\n", encoding="utf-8")
    result = cli_env.invoke(app, ["import", "locations", str(bad), "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["errors"] == [{"row": 1, "column": "kind", "message":
                              "Expected one of dock, storage, quarantine, line_side, shipping: attic"}]
    assert cli_env.invoke(app, ["import", "planets", str(bad)]).exit_code == 2
    missing = cli_env.invoke(app, ["import", "items", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1 and "File not found" in missing.stderr
