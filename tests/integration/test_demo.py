"""The demo factory: loads, passes every check, is the same for the same seed, refuses a non-empty database."""

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.services.auth import login, system_actor
from core.services.checks import run_checks
from core.services.demo import is_empty, load_demo
from tests import helpers

TABLES = ("warehouse", "location", "item", "supplier", "customer", "operator", "lot", "stock_balance", "movement",
          "bom_line", "work_order", "po_line", "so_line")
SMALL = {"warehouse": 2, "location": 32, "item": 10, "supplier": 3, "customer": 2, "work_order": 3, "po_line": 4,
         "so_line": 2, "lot": 8}
SIZES = {"items": 40, "locations": 60, "lots": 300}


def digest(db) -> dict[str, str]:
    """md5 per table, rows in id order, over every column but clock times, PIN hashes (salted) and the
    idempotency keys the import service draws for its ledger operations."""
    out = {}
    for table in TABLES:
        cols = [c for (c,) in helpers.rows(
            db, "SELECT column_name FROM information_schema.columns WHERE table_name = :t"
                " AND data_type NOT LIKE 'timestamp%' AND column_name NOT IN ('pin_hash', 'operation_key')"
                " ORDER BY ordinal_position", t=table)]
        out[table] = helpers.scalar(db, f"SELECT md5(coalesce(string_agg(CAST(ROW({', '.join(cols)}) AS text), '|'"
                                        f" ORDER BY id), '')) FROM {table}")
    return out


def test_small_demo(db, system):
    assert is_empty(db)
    counts = load_demo(db, system)
    assert {k: counts[k] for k in SMALL} == SMALL
    assert counts["operator"] == 5  # C001 Q001 S001 A001 + SYSTEM
    assert counts["movement"] == counts["stock_balance"] == 9  # 8 opening balances + the lot waiting for QC
    assert run_checks(db).ok
    for badge, pin, roles in [("C001", "1111", {"clerk"}), ("Q001", "2222", {"inspector"}),
                              ("S001", "3333", {"supervisor", "clerk"}), ("A001", "4444", {"admin"})]:
        assert login(db, badge, pin, "T").roles == frozenset(roles)
    assert helpers.scalar(db, "SELECT count(*) FROM item WHERE gtin IS NOT NULL") == 5  # bought parts carry GTINs
    assert {r[0] for r in helpers.rows(db, "SELECT line FROM location WHERE kind = 'line_side'")} == {"L1", "L2"}
    assert helpers.scalar(db, "SELECT count(*) FROM lot WHERE expiry IS NOT NULL") >= 3
    assert helpers.scalar(db, "SELECT count(*) FROM movement WHERE kind = 'opening'") == 8
    assert helpers.scalar(db, "SELECT status FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                              " WHERE l.lot_no = 'P2611-07'") == "qc_hold"


def test_a_non_empty_database_is_refused_and_left_alone(db, system):
    helpers.small_site(db)
    before = digest(db)
    with pytest.raises(InvalidInput, match="not empty"):
        load_demo(db, system)
    assert digest(db) == before


def test_unknown_scale_is_refused(db, system):
    with pytest.raises(InvalidInput):
        load_demo(db, system, scale="huge")
    assert is_empty(db)


def test_same_seed_same_data(pg_admin_url, template_db, db, system):
    from core.db import Database
    from tests.conftest import _admin, clone, runtime_url

    def load(seed: int) -> tuple[dict, dict]:
        name = clone(pg_admin_url, template_db)
        other = Database(runtime_url(pg_admin_url, name))
        try:
            counts = load_demo(other, system_actor(other, "T"), seed=seed, scale="large", sizes=SIZES)
            assert run_checks(other).ok
            return counts, digest(other)
        finally:
            other.dispose()
            _admin(pg_admin_url, f'DROP DATABASE "{name}" WITH (FORCE)')

    counts, first = load(7)
    assert counts["item"] == SMALL["item"] + SIZES["items"] and counts["lot"] == SMALL["lot"] + SIZES["lots"]
    assert counts["location"] == SMALL["location"] + SIZES["locations"] + 1  # + the generated dock
    assert counts["movement"] == 9 + SIZES["lots"]  # one opening movement per generated balance
    assert load(7)[1] == first
    other_seed = load(8)[1]
    assert other_seed["lot"] != first["lot"] and other_seed["stock_balance"] != first["stock_balance"]


def test_only_admins_load_it(db, clerk):
    with pytest.raises(PermissionDenied):
        load_demo(db, clerk)
    assert is_empty(db)


def test_the_demos_finished_goods_cross_to_fg_and_ship(db, system, clerk):
    """A CTRL-100 made on line L2 (warehouse RM) is put away into FG, across warehouses, and ships from SHIP-01."""
    from decimal import Decimal

    from core.services import putaway, shipping

    load_demo(db, system)
    helpers.put_stock(db, system, "CTRL-100", "WO-5002-01", "LS-L2", 1)
    helpers.exec_sql(db, "UPDATE lot SET work_order_id = (SELECT id FROM work_order WHERE wo_number = 'WO-5002')"
                         " WHERE lot_no = 'WO-5002-01'")  # made by the order, as output makes it
    suggestion = putaway.suggest(db, clerk, "WO-5002-01")
    assert suggestion.location.startswith("FG-")
    done = putaway.confirm(db, clerk, key="pa", lot="WO-5002-01", location=suggestion.location)
    assert done.transfer and done.from_location == "LS-L2"
    assert helpers.scalar(db, "SELECT kind FROM movement WHERE operation_key = 'pa'") == "transfer"
    shipped = shipping.ship(db, clerk, key="sh", so_number="SO-9001", lot="WO-5002-01", qty=Decimal(1))
    assert shipped.qty == 1
    assert helpers.scalar(db, "SELECT count(*) FROM stock_balance b JOIN lot t ON t.id = b.lot_id"
                              " WHERE t.lot_no = 'WO-5002-01'") == 0
    assert run_checks(db).ok
