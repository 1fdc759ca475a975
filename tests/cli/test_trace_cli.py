"""`lineside trace … --json` and `lineside recall --json --out`: the contract's JSON shapes."""

import csv
import json
from decimal import Decimal

from cli.main import app
from core.db import Database
from core.services import shipping
from core.services.auth import system_actor
from tests import helpers
from tests.cli.numbers import assert_quantities_are_numbers


def _history(db_url):
    db = Database(db_url)
    clerk = helpers.make_operator(db, "C1", ["clerk"])
    sup = helpers.make_operator(db, "S1", ["supervisor"])
    helpers.built_history(db, clerk, sup, system_actor(db, "T"))
    shipping.ship(db, clerk, key="s1", so_number="SO-1", lot="WO-1-01", qty=Decimal(30))
    db.dispose()


BACK_KEYS = {"lot", "sku", "qty", "supplier", "received_at", "inspected_by", "work_order", "line", "produced_at",
             "operators", "inputs", "operations"}  # operations: issue 14


def test_backward_and_forward_shapes(cli_env, db_url):
    _history(db_url)
    result = cli_env.invoke(app, ["trace", "backward", "WO-2-01", "--json"])
    assert result.exit_code == 0, result.output
    back = json.loads(result.stdout)
    assert set(back) == BACK_KEYS and all(set(i) == BACK_KEYS for i in back["inputs"])
    assert [(i["lot"], i["qty"]) for i in back["inputs"]] == [("IC-A", 50), ("IC-B", 50)]
    assert back["produced_at"].endswith(("+00:00", "Z")) or "+" in back["produced_at"]
    fwd = json.loads(cli_env.invoke(app, ["trace", "forward", "IC-A", "--json"]).stdout)
    assert set(fwd) == {"lot", "sku", "used_in", "shipments", "on_hand"}
    first = fwd["used_in"][0]
    assert set(first) == {"lot", "sku", "qty", "work_order", "used_in", "shipments", "on_hand"}
    assert first["shipments"][0] == {"so_number": "SO-1", "customer": "CUST-1", "qty": 30,
                                     "shipped_at": first["shipments"][0]["shipped_at"]}


def test_recall_listing_and_csv(cli_env, db_url, tmp_path):
    _history(db_url)
    out = tmp_path / "recall.csv"
    result = cli_env.invoke(app, ["recall", "IC-A", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["customers"] == ["CUST-1"] and doc["work_orders"] == ["WO-1", "WO-2"]
    rows = list(csv.DictReader(out.open()))
    assert [r["kind"] for r in rows].count("shipment") == 1 and rows[0]["customer"] == "CUST-1"
    assert cli_env.invoke(app, ["trace", "backward", "NOPE", "--json"]).exit_code == 1


def test_trace_and_recall_json_quantities_are_numbers(cli_env, db_url, tmp_path):
    _history(db_url)
    back = json.loads(cli_env.invoke(app, ["trace", "backward", "WO-2-01", "--json"]).stdout)
    fwd = json.loads(cli_env.invoke(app, ["trace", "forward", "IC-A", "--json"]).stdout)
    listing = json.loads(cli_env.invoke(app, ["recall", "IC-A", "--out", str(tmp_path / "r.csv"), "--json"]).stdout)
    for doc in (back, fwd, listing):
        assert assert_quantities_are_numbers(doc) > 0
    assert isinstance(back["inputs"][0]["qty"], int) and isinstance(fwd["used_in"][0]["qty"], int)
