"""Pieces are whole (issue 12 #9): a piece component's requirement is rounded up per component, and every posting
refuses a fractional quantity of a piece unit (pick, issue, output, ship, count, opening stock)."""

import re
from decimal import Decimal
from importlib import resources

import pytest

from core.errors import InvalidInput
from core.services import counting, issuing, kitting, picking, production, shipping, workorders
from core.services.imports import run_import
from core.units import PIECE_UNITS
from tests import helpers

D = Decimal
WHOLE = "counted in whole"


@pytest.fixture
def wo5004(db, system):
    """WO-5004 makes 10 boards of 12.24 IC-1 (EA) each: 122.4 EA by the BOM, 123 to pick."""
    helpers.production_site(db)
    helpers.exec_sql(db, "UPDATE bom_line SET qty_per = 12.24 WHERE component_item_id = (SELECT id FROM item"
                         " WHERE sku = 'IC-1')")
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 500, expiry="2030-02-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.add_work_order(db, "WO-5004", "PCBA-1", 10)
    return db


def test_a_piece_requirement_is_rounded_up_for_pick_tasks_reservations_and_kitting(wo5004, supervisor, clerk):
    workorders.release(wo5004, supervisor, "WO-5004")
    assert helpers.rows(wo5004, "SELECT i.sku, t.qty FROM pick_task t JOIN item i ON i.id = t.item_id ORDER BY 1") == [
        ("IC-1", 123), ("SCR-1", 40)]
    assert helpers.scalar(wo5004, "SELECT sum(qty) FROM reservation WHERE item_id = (SELECT id FROM item"
                                  " WHERE sku = 'IC-1')") == 123
    kit = next(k for k in kitting.kitting(wo5004, clerk) if k.wo_number == "WO-5004")
    assert [(c.sku, c.required) for c in kit.components] == [("IC-1", 123), ("SCR-1", 40)]
    assert kit.status == "kitted"


def test_a_unit_that_is_not_a_piece_keeps_its_fraction(wo5004, supervisor):
    helpers.exec_sql(wo5004, "UPDATE item SET uom = 'KG' WHERE sku = 'IC-1'")
    workorders.release(wo5004, supervisor, "WO-5004")
    assert helpers.scalar(wo5004, "SELECT qty FROM pick_task WHERE item_id = (SELECT id FROM item"
                                  " WHERE sku = 'IC-1')") == D("122.4")


def test_the_view_knows_the_same_piece_units_as_core_units():
    sql = resources.files("core").joinpath("sql", "wo_requirement.sql").read_text(encoding="utf-8")
    listed = set(re.findall(r"'([^']+)'", sql.split(" IN (", 1)[1].split(")", 1)[0]))
    assert listed == set(PIECE_UNITS)


def test_pick_issue_and_output_refuse_half_a_piece(wo5004, supervisor, clerk):
    workorders.release(wo5004, supervisor, "WO-5004")
    task = next(t for t in picking.claim(wo5004, clerk, "WO-5004") if t.sku == "IC-1")
    with pytest.raises(InvalidInput, match=WHOLE):
        picking.post_picks(wo5004, clerk, key="p1", wo_number="WO-5004", drop_location="LS-L1",
                           lines=[picking.PickLine(task.id, D("2.5"), task.lot)])
    assert helpers.scalar(wo5004, "SELECT count(*) FROM movement WHERE kind = 'pick'") == 0
    picking.post_picks(wo5004, clerk, key="p2", wo_number="WO-5004", drop_location="LS-L1",
                       lines=[picking.PickLine(task.id, D(123), task.lot)])
    with pytest.raises(InvalidInput, match=WHOLE):
        issuing.issue(wo5004, clerk, key="i1", wo_number="WO-5004", lot="IC-A", qty=D("2.5"))
    issuing.issue(wo5004, clerk, key="i2", wo_number="WO-5004", lot="IC-A", qty=D(123))
    for good, scrap in ((D("2.5"), D(0)), (D(2), D("0.5"))):
        with pytest.raises(InvalidInput, match=WHOLE):
            production.report_output(wo5004, clerk, key=f"o{good}{scrap}", wo_number="WO-5004", good=good,
                                     scrap=scrap)
    assert helpers.scalar(wo5004, "SELECT count(*) FROM lot WHERE work_order_id IS NOT NULL") == 0


def test_ship_and_count_refuse_half_a_piece(wo5004, supervisor, clerk):
    helpers.add_so_line(wo5004, "SO-1", 1, "SCR-1", 10)
    with pytest.raises(InvalidInput, match=WHOLE):
        shipping.ship(wo5004, clerk, key="s1", so_number="SO-1", sku="SCR-1", qty=D("2.5"))
    counting.create_task(wo5004, supervisor, "A-02")
    with pytest.raises(InvalidInput, match=WHOLE):
        counting.record_count(wo5004, clerk, key="c1", location="A-02", sku="SCR-1", qty=D("999.5"))
    assert helpers.scalar(wo5004, "SELECT count(*) FROM count_line") == 0


def test_opening_stock_of_half_a_piece_is_a_row_error(db, admin, tmp_path):
    helpers.production_site(db)
    path = tmp_path / "stock.csv"
    path.write_text("warehouse,location,sku,qty\nRM,A-02,SCR-1,2.5\n", encoding="utf-8")
    summary = run_import(db, admin, "stock", path)
    assert [(e.row, e.column, e.message) for e in summary.errors] == [
        (1, "qty", "2.5: this item is counted in whole pieces")]
    assert helpers.scalar(db, "SELECT count(*) FROM stock_balance") == 0
