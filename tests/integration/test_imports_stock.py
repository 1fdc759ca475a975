"""Opening stock: through the ledger (kind `opening`), lots created, only differences posted on re-import."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from core.errors import Conflict, InsufficientStock
from core.services.checks import run_checks
from core.services.imports import run_import
from core.services.imports import stock as stock_writer
from tests import helpers
from tests.integration.import_files import MASTER, SAMPLES, load, triples, write

HEADER = "warehouse,location,sku,lot,qty,expiry,status,supplier,received_at\n"


@pytest.fixture
def plant(db, admin):
    load(db, admin, *MASTER[:-1])
    return db


def _balances(db):
    return helpers.rows(db, "SELECT l.code, i.sku, t.lot_no, b.status, b.qty FROM stock_balance b"
                            " JOIN location l ON l.id = b.location_id JOIN item i ON i.id = b.item_id"
                            " LEFT JOIN lot t ON t.id = b.lot_id ORDER BY l.code, i.sku, t.lot_no")


def test_opening_stock_goes_through_the_ledger_as_the_system_operator(plant, system):
    s = run_import(plant, system, "stock", SAMPLES / "stock.csv")
    assert (s.rows, s.inserted, s.updated, s.errors) == (8, 8, 0, [])
    moves = helpers.rows(plant, "SELECT m.kind, o.badge, m.from_location_id, l.code, m.to_status, m.qty"
                                " FROM movement m JOIN operator o ON o.id = m.operator_id"
                                " JOIN location l ON l.id = m.to_location_id ORDER BY l.code")
    assert len(moves) == 8 and {(m.kind, m.badge, m.from_location_id, m.to_status) for m in moves} == {
        ("opening", "SYSTEM", None, "available")}
    assert ("A-03-1", Decimal(150)) in {(m.code, m.qty) for m in moves}
    lot = helpers.rows(plant, "SELECT s.code, t.expiry, t.received_at FROM lot t JOIN supplier s"
                              " ON s.id = t.supplier_id WHERE t.lot_no = 'I2610B'")[0]
    assert (lot.code, lot.expiry, lot.received_at) == ("SUP-SEMI", date(2028, 10, 1),
                                                       datetime(2026, 10, 20, 1, 30, tzinfo=UTC))
    assert ("B-02-1", "SCR-M3", None, "available", Decimal(3000)) in _balances(plant)  # untracked: no lot
    assert run_checks(plant).ok


def test_reimport_posts_nothing_and_a_correction_posts_only_the_difference(plant, admin, tmp_path):
    run_import(plant, admin, "stock", SAMPLES / "stock.csv")
    again = run_import(plant, admin, "stock", SAMPLES / "stock.csv")
    assert (again.inserted, again.updated) == (0, 8)
    assert helpers.scalar(plant, "SELECT count(*) FROM movement") == 8
    fixed = write(tmp_path, "s.csv", HEADER + "RM,A-03-1,IC-555,I2610B,120,,,,\n"  # counted 30 fewer
                                              "RM,A-02-1,RES-10K,R2611A,0,,,,\n"  # gone
                                              "RM,A-04-1,IC-555,I2610B,30,,,,\n")  # found elsewhere
    s = run_import(plant, admin, "stock", fixed)
    assert (s.inserted, s.updated, s.errors) == (1, 2, [])
    # one set-based posting: the three differences, in no particular order
    assert sorted(helpers.rows(plant, "SELECT coalesce(f.code, ''), coalesce(t.code, ''), m.qty FROM movement m"
                                      " LEFT JOIN location f ON f.id = m.from_location_id"
                                      " LEFT JOIN location t ON t.id = m.to_location_id WHERE m.id > 8")) == [
        ("", "A-04-1", Decimal(30)), ("A-02-1", "", Decimal(20000)), ("A-03-1", "", Decimal(30))]
    balances = _balances(plant)
    assert ("A-03-1", "IC-555", "I2610B", "available", Decimal(120)) in balances
    assert not [b for b in balances if b.code == "A-02-1"]  # an emptied balance row is dropped, as the ledger does
    assert run_import(plant, admin, "stock", fixed).inserted == 0
    assert helpers.scalar(plant, "SELECT count(*) FROM movement") == 11
    assert run_checks(plant).ok


def test_lot_rules_and_unknown_references_write_nothing(plant, admin, tmp_path):
    bad = write(tmp_path, "s.csv", HEADER + "RM,A-01-1,IC-555,NEW1,5,,,,\n"  # good
                                            "RM,A-01-1,IC-555,,5,,,,\n"  # lot-tracked, no lot
                                            "RM,A-01-1,SCR-M3,L1,5,,,,\n"  # untracked with a lot
                                            "RM,NOWHERE,IC-555,L2,5,,,,\n"
                                            "FG,A-01-1,IC-555,L3,5,,,,\n"  # the bin is in the other warehouse
                                            "RM,A-01-1,IC-555,L4,5,,lost,,\n"
                                            "RM,A-01-1,IC-555,L5,5,,,SUP-NONE,\n"
                                            "RM,A-01-1,IC-555,L6,-1,soon,,,\n")
    s = run_import(plant, admin, "stock", bad)
    assert [(r, c) for r, c, _ in triples(s)] == [(2, "sku"), (3, "lot"), (4, "location"), (5, "location"),
                                                  (6, "status"), (7, "supplier"), (8, "expiry"), (8, "qty")]
    assert s.rejected == 7
    assert helpers.scalar(plant, "SELECT count(*) FROM movement") == 0
    assert helpers.scalar(plant, "SELECT count(*) FROM lot") == 0


def test_status_defaults_to_available_and_is_part_of_the_key(plant, admin, tmp_path):
    dup = write(tmp_path, "s.csv", "warehouse,location,sku,lot,qty,status\n"
                                   "RM,A-01-1,IC-555,X1,5,\nRM,A-01-1,IC-555,X1,7,available\n"
                                   "RM,A-01-1,IC-555,X1,2,qc_hold\n")
    assert triples(run_import(plant, admin, "stock", dup)) == [(2, "status", "Same key as row 1")]
    ok = write(tmp_path, "s2.csv", "warehouse,location,sku,lot,qty\nRM,A-01-1,IC-555,X1,5\n")
    assert run_import(plant, admin, "stock", ok).inserted == 1
    assert _balances(plant) == [("A-01-1", "IC-555", "X1", "available", Decimal(5))]


def test_cannot_state_less_than_is_reserved(plant, admin, tmp_path):
    run_import(plant, admin, "stock", SAMPLES / "stock.csv")
    with plant.uow() as uow:  # a work order has reserved 100 of this lot
        uow.execute(text("UPDATE stock_balance SET reserved = 100 WHERE qty = 150"))
        uow.commit()
    s = run_import(plant, admin, "stock", write(tmp_path, "s.csv", HEADER + "RM,A-03-1,IC-555,I2610B,90,,,,\n"))
    assert triples(s) == [(1, "qty", "90 is less than is reserved there")]
    assert helpers.scalar(plant, "SELECT qty FROM stock_balance WHERE reserved = 100") == 150


def test_dry_run_and_rejects_for_stock(plant, admin, tmp_path):
    dry = run_import(plant, admin, "stock", SAMPLES / "stock.csv", dry_run=True)
    assert (dry.rows, dry.inserted) == (8, 8)
    assert helpers.scalar(plant, "SELECT (SELECT count(*) FROM movement) + (SELECT count(*) FROM lot)") == 0
    out = tmp_path / "rejects.csv"
    s = run_import(plant, admin, "stock", write(tmp_path, "s.csv", HEADER + "RM,A-01-1,IC-555,K1,5,,,,\n"
                                                                          "RM,A-01-1,IC-555,,5,,,,\n"),
                   rejects=out)
    assert (s.inserted, s.rejected) == (1, 1)
    assert helpers.scalar(plant, "SELECT count(*) FROM movement WHERE kind = 'opening'") == 1
    assert out.read_text(encoding="utf-8").splitlines()[1] == (
        "RM,A-01-1,IC-555,,5,,,,,sku: IC-555 is lot-tracked: a lot is required")


def test_every_opening_movement_names_who_where_and_the_import_it_came_from(plant, admin, tmp_path):
    run_import(plant, admin, "stock", SAMPLES / "stock.csv")
    run_import(plant, admin, "stock", write(tmp_path, "s.csv", HEADER + "RM,A-03-1,IC-555,I2610B,120,,,,\n"))
    moves = helpers.rows(plant, "SELECT m.operation_key, o.badge, m.terminal, m.reference, m.reason FROM movement m"
                                " JOIN operator o ON o.id = m.operator_id ORDER BY m.id")
    assert len(moves) == 9
    assert {(m.badge, m.terminal, m.reference, m.reason) for m in moves} == {
        ("A900", admin.terminal, "import stock", "opening balance import")}
    first, second = moves[0].operation_key, moves[-1].operation_key
    assert first.startswith("import:stock:") and second.startswith("import:stock:") and first != second
    assert {m.operation_key for m in moves[:-1]} == {first}  # one key per import, on all of its movements
    assert run_checks(plant).ok


def test_the_alert_rules_look_again_at_the_items_an_import_touched(plant, admin, tmp_path):
    run_import(plant, admin, "stock", SAMPLES / "stock.csv")  # IC-555: 550 on hand, safety stock 1000

    def below():
        return {r.sku for r in helpers.rows(plant, "SELECT i.sku FROM alert a JOIN item i ON i.id = a.item_id"
                                                   " WHERE a.rule = 'below_safety_stock' AND a.resolved_at IS NULL")}

    assert "IC-555" in below() and "SCR-M3" not in below()  # 3000 screws against a safety stock of 2000
    run_import(plant, admin, "stock", write(tmp_path, "s.csv", HEADER + "RM,A-03-1,IC-555,I2610B,1000,,,,\n"
                                                                        "RM,B-02-1,SCR-M3,,10,,,,\n"))
    assert "IC-555" not in below() and "SCR-M3" in below()


def test_a_duplicate_balance_without_a_lot_is_refused(plant, admin, tmp_path):
    dup = write(tmp_path, "s.csv", HEADER + "RM,B-02-1,SCR-M3,,5,,,,\nRM,B-02-2,SCR-M3,,5,,,,\n"
                                            "RM,B-02-1,SCR-M3,,7,,available,,\n")
    assert triples(run_import(plant, admin, "stock", dup)) == [(3, "status", "Same key as row 1")]
    assert helpers.scalar(plant, "SELECT count(*) FROM movement") == 0


@pytest.mark.parametrize("lines", [["RM,A-01-1,CTRL-100,SN0001,2,,,,"],
                                   ["RM,A-01-1,CTRL-100,SN0001,1,,,,", "RM,A-01-2,CTRL-100,SN0001,1,,,,"]])
def test_a_serial_is_one_unit_in_one_place_and_nothing_is_written(plant, admin, tmp_path, lines):
    path = write(tmp_path, "s.csv", HEADER + "RM,B-02-1,SCR-M3,,5,,,,\n" + "\n".join(lines) + "\n")
    with pytest.raises(Conflict):
        run_import(plant, admin, "stock", path)
    assert helpers.scalar(plant, "SELECT (SELECT count(*) FROM movement) + (SELECT count(*) FROM stock_balance)"
                                 " + (SELECT count(*) FROM lot)") == 0


def test_a_reservation_made_after_the_file_was_checked_is_refused_under_the_lock(plant, admin):
    run_import(plant, admin, "stock", SAMPLES / "stock.csv")
    helpers.exec_sql(plant, "UPDATE stock_balance SET reserved = 100 WHERE qty = 150")
    # what the posting sees when a work order reserved 100 between the reference checks and the lock: a file
    # row (already checked) stating 90 there
    with plant.uow() as uow:
        uow.execute(text("CREATE TEMP TABLE imp (_row integer, warehouse text, location text, sku text, lot text,"
                         " qty text, expiry text, status text, supplier text, received_at text) ON COMMIT DROP"))
        uow.execute(text("INSERT INTO imp VALUES (1, 'RM', 'A-03-1', 'IC-555', 'I2610B', '90', NULL, 'available',"
                         " NULL, NULL)"))
        with pytest.raises(InsufficientStock) as refused:
            stock_writer.write(uow.session, admin, "import:stock:test")
    assert (refused.value.params["sku"], refused.value.params["location"]) == ("IC-555", "A-03-1")
    assert helpers.scalar(plant, "SELECT qty FROM stock_balance WHERE reserved = 100") == 150
