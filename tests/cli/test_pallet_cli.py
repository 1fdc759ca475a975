"""`lineside pallet show|move|break|build`, `lineside label pallet`, and the packs imports from the CLI."""

import json

from cli.main import app
from core.db import Database
from core.services import packs, pallets
from tests import helpers, plant

SSCC = "006141410000000012"


def _received(db_url, monkeypatch):
    """The sample plant with its pallet received on the dock; the CLI acts as the clerk K1."""
    db = Database(db_url)
    system = helpers.actor(db, "SYSTEM")
    plant.load(db, system)
    pallets.receive(db, helpers.make_operator(db, "K1", ["clerk"], pin="1234"), key="asn", sscc=SSCC)
    db.dispose()
    monkeypatch.setenv("LINESIDE_BADGE", "K1")
    monkeypatch.setenv("LINESIDE_PIN", "1234")


def test_move_break_show_as_json(as_admin, db_url, monkeypatch):
    _received(db_url, monkeypatch)
    result = as_admin.invoke(app, ["pallet", "move", SSCC, "R-02", "--json"])
    assert result.exit_code == 0, result.output
    moved = json.loads(result.stdout)
    assert moved["location"] == "R-02" and moved["from_location"] == "RCV-R"
    assert sorted((lot["lot"], lot["qty"]) for lot in moved["lots"]) == [("CHP-P1", 24), ("CHP-P2", 16)]
    shown = json.loads(as_admin.invoke(app, ["pallet", "show", SSCC, "--json"]).stdout)
    assert shown["location"] == "R-02" and shown["status"] == "on_hand"
    result = as_admin.invoke(app, ["pallet", "break", SSCC, "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["status"] == "broken"
    result = as_admin.invoke(app, ["pallet", "move", SSCC, "R-03"])
    assert result.exit_code == 1 and "broken down" in result.stderr
    result = as_admin.invoke(app, ["pallet", "move", "006141410000000013", "R-03"])
    assert result.exit_code == 1 and "Not an SSCC" in result.stderr


def test_build_needs_a_prefix_then_issues_an_sscc_with_a_label(as_admin, db_url, monkeypatch, tmp_path):
    _received(db_url, monkeypatch)
    assert as_admin.invoke(app, ["pallet", "break", SSCC]).exit_code == 0
    result = as_admin.invoke(app, ["pallet", "build", "RCV-R", "CHP-P1", "CHP-P2"])
    assert result.exit_code == 1 and "gs1_company_prefix" in result.stderr
    import core.config

    monkeypatch.setenv("LINESIDE_GS1_COMPANY_PREFIX", "9501101")
    core.config.settings.cache_clear()
    result = as_admin.invoke(app, ["pallet", "build", "RCV-R", "CHP-P1", "CHP-P2", "--json"])
    assert result.exit_code == 0, result.output
    built = json.loads(result.stdout)
    assert built["sscc"].startswith("09501101") and packs.valid_sscc(built["sscc"])
    label = as_admin.invoke(app, ["label", "pallet", built["sscc"]])
    assert label.exit_code == 0 and label.stdout.startswith("^XA") and f">;>800{built['sscc']}" in label.stdout
    assert "CHP-P1" in label.stdout
    for fmt, magic in (("png", b"\x89PNG"), ("svg", b"<?xml")):
        out = tmp_path / f"p.{fmt}"
        result = as_admin.invoke(app, ["label", "pallet", built["sscc"], "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)


def test_without_an_operator_it_refuses(as_admin, db_url, monkeypatch):
    _received(db_url, monkeypatch)
    monkeypatch.delenv("LINESIDE_BADGE")
    result = as_admin.invoke(app, ["pallet", "move", SSCC, "R-02"])
    assert result.exit_code == 1
