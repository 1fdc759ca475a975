"""`lineside label lot`."""

from decimal import Decimal

from cli.main import app
from core.db import Database
from core.services.receiving import ReceiveCommand, receive
from tests import helpers


def _lot(db_url):
    db = Database(db_url)
    helpers.small_site(db)
    clerk = helpers.make_operator(db, "C1", ["clerk"])
    helpers.exec_sql(db, "INSERT INTO supplier (code, name) VALUES ('SUP-1', 'S')")
    receive(db, clerk, ReceiveCommand(key="r1", sku="IC-1", lot="LBL-1", qty=Decimal(7), supplier="SUP-1"))
    db.dispose()


def test_zpl_to_stdout_and_png_to_file(cli_env, db_url, tmp_path):
    _lot(db_url)
    result = cli_env.invoke(app, ["label", "lot", "LBL-1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("^XA") and "LBL-1" in result.stdout
    out = tmp_path / "l.png"
    result = cli_env.invoke(app, ["label", "lot", "LBL-1", "--format", "png", "--out", str(out)])
    assert result.exit_code == 0 and out.read_bytes()[:4] == b"\x89PNG"


def test_unknown_lot_and_bad_format(cli_env, db_url):
    _lot(db_url)
    result = cli_env.invoke(app, ["label", "lot", "NOPE"])
    assert result.exit_code == 1 and "Not found: NOPE" in result.stderr
    assert cli_env.invoke(app, ["label", "lot", "LBL-1", "--format", "bmp"]).exit_code == 2
