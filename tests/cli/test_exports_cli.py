"""CSV that Lineside writes cannot carry a formula into a spreadsheet (contract "Idempotency and exports")."""

import csv
from decimal import Decimal

from cli.main import app
from core.db import Database
from core.services.receiving import ReceiveCommand, receive
from tests import helpers

FORMULA = '=HYPERLINK("x","y")'  # 19 characters, all of the GS1 AI 82 set: receiving accepts it as a lot


def test_recall_out_neutralises_a_formula_lot(cli_env, db_url, tmp_path):
    db = Database(db_url)
    helpers.small_site(db)
    clerk = helpers.make_operator(db, "C1", ["clerk"])
    helpers.exec_sql(db, "INSERT INTO supplier (code, name) VALUES ('SUP-1', 'S')")
    receive(db, clerk, ReceiveCommand(key="r1", sku="IC-1", lot=FORMULA, qty=Decimal(7), supplier="SUP-1"))
    db.dispose()
    out = tmp_path / "recall.csv"
    result = cli_env.invoke(app, ["recall", FORMULA, "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all(r["lot"] == "'" + FORMULA for r in rows)
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for v in r.values())


def test_csv_cell_rule():
    from core.services.csv_out import cell

    assert [cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "A=1", "", 5)] == \
        ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "A=1", "", 5]
