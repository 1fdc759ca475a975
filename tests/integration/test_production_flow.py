"""Release -> pick -> issue -> output, short pick, substitution, over-issue, backflush and two-level genealogy."""

from decimal import Decimal

import pytest

from core.errors import InvalidInput, OverOutput, PermissionDenied, WrongLocation
from core.reasons import OverIssueReason, OverOutputReason
from core.services import issuing, picking, production, workorders
from tests import helpers

D = Decimal


@pytest.fixture
def site(db, system):
    ids = helpers.production_site(db)
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 120, expiry="2030-02-01")
    helpers.put_stock(db, system, "IC-1", "IC-B", "A-02", 300, expiry="2030-05-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 100)
    return ids


def _pick_all(db, clerk, wo="WO-1", key="pk1", drop="LS-L1", **overrides):
    tasks = picking.claim(db, clerk, wo)
    lines = [picking.PickLine(t.id, t.qty - t.picked_qty, t.lot) for t in tasks]
    return picking.post_picks(db, clerk, key=key, wo_number=wo, lines=lines, drop_location=drop)


def _at_line(db):
    return helpers.rows(db, "SELECT i.sku, lt.lot_no, b.qty, b.reserved FROM stock_balance b JOIN item i"
                            " ON i.id = b.item_id LEFT JOIN lot lt ON lt.id = b.lot_id JOIN location l"
                            " ON l.id = b.location_id WHERE l.kind = 'line_side' ORDER BY i.sku, lt.lot_no")


def test_full_flow_with_genealogy(db, clerk, supervisor, site):
    workorders.release(db, supervisor, "WO-1")
    tasks = picking.claim(db, clerk, "WO-1")
    assert [(t.location, t.sku, t.lot, t.qty) for t in tasks] == [
        ("A-01", "IC-1", "IC-A", 120), ("A-02", "IC-1", "IC-B", 80), ("A-02", "SCR-1", None, 400)]
    with pytest.raises(WrongLocation):
        _pick_all(db, clerk, drop="A-01")
    _pick_all(db, clerk)
    assert _at_line(db) == [("IC-1", "IC-A", 120, 120), ("IC-1", "IC-B", 80, 80), ("SCR-1", None, 400, 400)]
    assert issuing.proposal(db, clerk, "WO-1", lot="IC-A").proposed == 120
    issuing.issue(db, clerk, key="i1", wo_number="WO-1", lot="IC-A", qty=D(120))
    issuing.issue(db, clerk, key="i2", wo_number="WO-1", lot="IC-B", qty=D(80))
    issuing.issue(db, clerk, key="i3", wo_number="WO-1", sku="SCR-1", qty=D(400))
    with pytest.raises(InvalidInput, match="Over-issue"):
        issuing.issue(db, clerk, key="i4", wo_number="WO-1", lot="IC-B", qty=D(1))
    r = production.report_output(db, clerk, key="o1", wo_number="WO-1", good=D(60), scrap=D(2))
    assert r.lots == ("WO-1-01",) and r.status == "in_progress"
    r = production.report_output(db, clerk, key="o2", wo_number="WO-1", good=D(38))
    assert r.lots == ("WO-1-02",) and r.status == "completed"  # 60 + 2 scrap + 38: the order's 100 are reported
    links = helpers.rows(db, "SELECT i.lot_no, o.lot_no, g.qty FROM genealogy g JOIN lot i ON i.id = g.input_lot_id"
                             " JOIN lot o ON o.id = g.output_lot_id ORDER BY 2, 1")
    # each output lot carries its share of the material (62 of 100 units, then the rest), never 0
    assert links == [("IC-A", "WO-1-01", D("74.4")), ("IC-B", "WO-1-01", D("49.6")), ("IC-A", "WO-1-02", D("45.6")),
                     ("IC-B", "WO-1-02", D("30.4"))]
    assert helpers.scalar(db, "SELECT count(*) FROM outbox WHERE type = 'workorder.completed'") == 1
    assert helpers.scalar(db, "SELECT count(*) FROM reservation") == 0


def test_two_level_build(db, clerk, supervisor, system, site):
    helpers.exec_sql(db, "INSERT INTO item (sku, name, uom, tracking) VALUES ('CTRL-1', 'Controller', 'EA', 'lot')")
    helpers.exec_sql(db, "INSERT INTO bom_line (parent_item_id, component_item_id, qty_per) SELECT p.id, c.id, 1"
                         " FROM item p, item c WHERE p.sku = 'CTRL-1' AND c.sku = 'PCBA-1'")
    workorders.release(db, supervisor, "WO-1")
    _pick_all(db, clerk)
    issuing.issue(db, clerk, key="i1", wo_number="WO-1", lot="IC-A", qty=D(120))
    issuing.issue(db, clerk, key="i2", wo_number="WO-1", lot="IC-B", qty=D(80))
    production.report_output(db, clerk, key="o1", wo_number="WO-1", good=D(100))
    # the PCBA lot goes to storage, then into a controller work order on the same line
    from core.services.ledger import Leg, post_moves

    pcba = helpers.rows(db, "SELECT b.item_id, b.lot_id, b.location_id FROM stock_balance b JOIN lot l"
                            " ON l.id = b.lot_id WHERE l.lot_no = 'WO-1-01'")[0]
    post_moves(db, clerk, "move", [Leg(pcba.item_id, pcba.lot_id, D(100), pcba.location_id, "available",
                                       site["A-01"], "available")], key="mv")
    helpers.add_work_order(db, "WO-2", "CTRL-1", 10)
    workorders.release(db, supervisor, "WO-2")
    _pick_all(db, clerk, wo="WO-2", key="pk2")
    issuing.issue(db, clerk, key="i5", wo_number="WO-2", lot="WO-1-01", qty=D(10))
    out = production.report_output(db, clerk, key="o2", wo_number="WO-2", good=D(10))
    chain = helpers.rows(db, """
        WITH RECURSIVE up(lot_id, depth) AS (
          SELECT id, 0 FROM lot WHERE lot_no = :l
          UNION ALL SELECT g.input_lot_id, up.depth + 1 FROM genealogy g JOIN up ON g.output_lot_id = up.lot_id)
        SELECT lt.lot_no, up.depth FROM up JOIN lot lt ON lt.id = up.lot_id ORDER BY depth, lot_no""",
                         l=out.lots[0])
    assert chain == [("WO-2-01", 0), ("WO-1-01", 1), ("IC-A", 2), ("IC-B", 2)]


def test_short_pick_re_reserves_elsewhere_and_blocks_the_bin(db, clerk, supervisor, site):
    workorders.release(db, supervisor, "WO-1")
    tasks = picking.claim(db, clerk, "WO-1")
    first = tasks[0]  # IC-A at A-01, 120 reserved
    with pytest.raises(InvalidInput, match="needs a reason"):
        picking.post_picks(db, clerk, key="pk", wo_number="WO-1", drop_location="LS-L1",
                           lines=[picking.PickLine(first.id, D(100), "IC-A", short=True)])
    lines = [picking.PickLine(first.id, D(100), "IC-A", short=True, reason="damaged")]
    r = picking.post_picks(db, clerk, key="pk", wo_number="WO-1", lines=lines, drop_location="LS-L1")
    assert r.shortages == ()
    assert r.short_picks == (picking.ShortPick(first.id, D(20), "damaged"),)
    assert helpers.scalar(db, "SELECT reason FROM movement WHERE kind = 'status'") == "short_pick: damaged"
    assert helpers.scalar(db, "SELECT new -> 'short_picks' -> 0 ->> 'reason' FROM audit_log"
                              " WHERE action = 'pick'") == "damaged"
    assert helpers.scalar(db, "SELECT qty FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                              " WHERE l.lot_no = 'IC-A' AND b.status = 'blocked'") == 20
    # the 20 missing now come from IC-B
    assert helpers.scalar(db, "SELECT sum(r.qty) FROM reservation r JOIN lot l ON l.id = r.lot_id"
                              " WHERE l.lot_no = 'IC-B'") == 100


def test_substitute_lot_must_not_expire_later(db, clerk, supervisor, system, site):
    helpers.put_stock(db, system, "IC-1", "IC-OLD", "A-01", 50, expiry="2030-01-01")
    helpers.put_stock(db, system, "IC-1", "IC-SAME", "A-01", 50, expiry="2030-01-01")
    helpers.add_work_order(db, "WO-3", "PCBA-1", 10)
    workorders.release(db, supervisor, "WO-3")  # FEFO takes 20 of IC-OLD
    task = next(t for t in picking.claim(db, clerk, "WO-3") if t.sku == "IC-1")
    assert (task.lot, task.qty) == ("IC-OLD", 20)
    with pytest.raises(InvalidInput, match="expires later"):
        picking.post_picks(db, clerk, key="x", wo_number="WO-3", drop_location="LS-L1",
                           lines=[picking.PickLine(task.id, D(20), "IC-A")])
    picking.post_picks(db, clerk, key="y", wo_number="WO-3", drop_location="LS-L1",
                       lines=[picking.PickLine(task.id, D(20), "IC-SAME")])
    assert _at_line(db) == [("IC-1", "IC-SAME", 20, 20)]
    assert helpers.scalar(db, "SELECT reserved FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                              " WHERE l.lot_no = 'IC-OLD'") == 0


def test_output_without_issue_is_refused(db, clerk, supervisor, site):
    workorders.release(db, supervisor, "WO-1")
    with pytest.raises(InvalidInput, match="Nothing was issued"):
        production.report_output(db, clerk, key="o", wo_number="WO-1", good=D(1))
    assert helpers.scalar(db, "SELECT count(*) FROM lot WHERE lot_no LIKE 'WO-1-%'") == 0


def test_over_issue_with_supervisor_approval_and_inspector_refused(db, clerk, supervisor, inspector, site):
    workorders.release(db, supervisor, "WO-1")
    _pick_all(db, clerk)
    with pytest.raises(PermissionDenied):
        issuing.issue(db, inspector, key="i0", wo_number="WO-1", lot="IC-A", qty=D(1))
    issuing.issue(db, clerk, key="i1", wo_number="WO-1", sku="SCR-1", qty=D(400))
    helpers.put_stock(db, clerk, "SCR-1", None, "LS-L1", 10)
    result = issuing.issue(db, clerk, key="i2", wo_number="WO-1", sku="SCR-1", qty=D(5), approver=supervisor,
                           reason=OverIssueReason.DAMAGED)
    assert helpers.scalar(db, "SELECT sum(qty) FROM wo_issue WHERE item_id = :i", i=site["SCREW"]) == 405
    # who approved and why: on the issue row, the movement and the audit row (the clerk stays the operator)
    assert result.approved_by == supervisor.badge
    assert helpers.rows(db, "SELECT operator_id, approved_by, reason FROM wo_issue WHERE qty = 5") == [
        (clerk.operator_id, supervisor.operator_id, "damaged")]
    assert helpers.scalar(db, "SELECT reason FROM movement WHERE operation_key = 'i2'") == "damaged"
    assert helpers.scalar(db, "SELECT new ->> 'approved_by' FROM audit_log WHERE action = 'issue'"
                              " AND reason = 'damaged'") == supervisor.badge
    assert helpers.scalar(db, "SELECT approved_by FROM wo_issue WHERE qty = 400") is None


def _issued_all(db, clerk, supervisor):
    workorders.release(db, supervisor, "WO-1")
    _pick_all(db, clerk)
    for lot, qty in (("IC-A", 120), ("IC-B", 80)):
        issuing.issue(db, clerk, key=f"i-{lot}", wo_number="WO-1", lot=lot, qty=D(qty))


def test_output_beyond_the_order_needs_a_supervisor_and_a_complete_order_takes_none(db, clerk, supervisor, site):
    _issued_all(db, clerk, supervisor)
    with pytest.raises(OverOutput, match="Over-output: 200 reported of 100 ordered"):
        production.report_output(db, clerk, key="o0", wo_number="WO-1", good=D(200))
    assert helpers.scalar(db, "SELECT count(*) FROM lot WHERE work_order_id IS NOT NULL") == 0
    r = production.report_output(db, clerk, key="o1", wo_number="WO-1", good=D(98), scrap=D(2))
    assert r.status == "completed"  # good + scrap reached the order's 100
    with pytest.raises(InvalidInput, match="WO-1 is completed"):  # nothing left to make: no lot without material
        production.report_output(db, clerk, key="o2", wo_number="WO-1", good=D(2))
    assert helpers.scalar(db, "SELECT count(*) FROM genealogy WHERE qty = 0") == 0


def test_an_approved_over_output_names_the_approver_and_the_reason(db, clerk, supervisor, site):
    _issued_all(db, clerk, supervisor)
    production.report_output(db, clerk, key="o1", wo_number="WO-1", good=D(90))
    with pytest.raises(InvalidInput, match="Choose a reason"):
        production.report_output(db, clerk, key="o2", wo_number="WO-1", good=D(12), approver=supervisor,
                                 reason="because")
    with pytest.raises(PermissionDenied, match="second person"):
        production.report_output(db, supervisor, key="o3", wo_number="WO-1", good=D(12), approver=supervisor,
                                 reason=OverOutputReason.FULL_PANEL)
    with pytest.raises(PermissionDenied):
        production.report_output(db, clerk, key="o4", wo_number="WO-1", good=D(12), approver=clerk,
                                 reason=OverOutputReason.FULL_PANEL)
    r = production.report_output(db, clerk, key="o5", wo_number="WO-1", good=D(12), approver=supervisor,
                                 reason=OverOutputReason.FULL_PANEL)
    assert (r.status, r.completed, r.approved_by) == ("completed", 102, supervisor.badge)
    assert helpers.scalar(db, "SELECT reason FROM movement WHERE operation_key = 'o5'") == "full_panel"
    assert helpers.scalar(db, "SELECT new ->> 'approved_by' FROM audit_log WHERE action = 'output'"
                              " AND reason = 'full_panel'") == supervisor.badge


def test_the_tolerance_is_a_setting(db, clerk, supervisor, site, monkeypatch):
    from core.config import settings

    monkeypatch.setattr(settings(), "over_output_pct", 5.0)
    _issued_all(db, clerk, supervisor)
    assert production.report_output(db, clerk, key="o1", wo_number="WO-1", good=D(105)).status == "completed"


def test_output_needs_every_lot_tracked_component_issued(db, clerk, supervisor, system, site):
    helpers.exec_sql(db, "INSERT INTO item (sku, name, uom, tracking) VALUES ('CAP-1', 'Capacitor', 'EA', 'lot')")
    helpers.exec_sql(db, "INSERT INTO bom_line (parent_item_id, component_item_id, qty_per) SELECT p.id, c.id, 1"
                         " FROM item p, item c WHERE p.sku = 'PCBA-1' AND c.sku = 'CAP-1'")
    helpers.put_stock(db, system, "CAP-1", "C-1", "A-01", 100, expiry="2030-01-01")
    _issued_all(db, clerk, supervisor)
    with pytest.raises(InvalidInput, match="Nothing of CAP-1 was issued to WO-1"):
        production.report_output(db, clerk, key="o1", wo_number="WO-1", good=D(10))
    issuing.issue(db, clerk, key="i-c", wo_number="WO-1", lot="C-1", qty=D(100))
    assert production.report_output(db, clerk, key="o2", wo_number="WO-1", good=D(10)).lots == ("WO-1-01",)


def test_a_claim_held_by_another_clerk_says_who_and_is_given_back(db, clerk, supervisor, site):
    other = helpers.make_operator(db, "C901", ["clerk"])
    workorders.release(db, supervisor, "WO-1")
    assert len(picking.claim(db, clerk, "WO-1")) == 3
    since = helpers.scalar(db, "SELECT min(claimed_at) FROM pick_task").astimezone().strftime("%H:%M")
    with pytest.raises(InvalidInput) as refused:
        picking.claim(db, other, "WO-1")
    assert str(refused.value) == f"WO-1 is being picked by C900 (since {since})"
    assert picking.release_claims(db, clerk, "WO-2") == 0  # another order's claims are not touched
    assert picking.release_claims(db, clerk, "WO-1") == 3
    assert len(picking.claim(db, other, "WO-1")) == 3
    assert picking.release_claims(db, other) == 3  # at logout: every claim of the clerk
    assert helpers.scalar(db, "SELECT count(*) FROM pick_task WHERE claimed_by IS NOT NULL") == 0
