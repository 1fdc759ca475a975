"""OEE per work centre and plan attainment against a hand-computed history; no-material downtime is a stoppage."""

from datetime import date

from core.services import kpi
from tests import helpers
from tests.integration.shopfloor_site import floor_site


def today() -> date:
    """Today, asked when a test runs (not when the file is collected: a run may cross midnight)."""
    return date.today()


def _at(hhmm: str) -> str:
    return f"date_trunc('day', now()) + interval '{hhmm[:2]} hours {hhmm[3:]} minutes'"


def _operation(db, wo, op_no, wc, start, finish, good, scrap, mpu):
    helpers.exec_sql(db, "INSERT INTO wo_operation (work_order_id, op_no, work_center_id, status, good, scrap,"
                         f" started_at, finished_at, minutes_per_unit) SELECT w.id, :n, c.id, 'done', :g, :s,"
                         f" {_at(start)}, {_at(finish)}, :m FROM work_order w, work_center c"
                         " WHERE w.wo_number = :wo AND c.code = :wc", n=op_no, g=good, s=scrap, m=mpu, wo=wo, wc=wc)


def _downtime(db, wc, reason, start, end, operator):
    helpers.exec_sql(db, "INSERT INTO downtime (work_center_id, reason_id, started_at, ended_at, operator_id,"
                         f" terminal) SELECT c.id, r.id, {_at(start)}, {_at(end)}, :op, 'T' FROM work_center c,"
                         " downtime_reason r WHERE c.code = :wc AND r.code = :r", wc=wc, r=reason, op=operator)


def test_oee_against_a_hand_computed_day(db, system, supervisor, tmp_path):
    floor_site(db, system, tmp_path)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 100, due=today().isoformat())
    helpers.add_work_order(db, "WO-2", "PCBA-1", 20, due=today().isoformat())
    helpers.exec_sql(db, "UPDATE work_order SET qty_completed = 60 WHERE wo_number = 'WO-1'")
    helpers.exec_sql(db, "UPDATE work_order SET qty_completed = 25 WHERE wo_number = 'WO-2'")  # over: counts 20
    # SMT-1: op A 08:00-10:00 (50 good, 10 scrap, 1.5 min/unit = 90 ideal minutes) and op B 09:00-10:30 (10 good,
    # 15 ideal minutes), open together 08:00-10:30 = 150 minutes; a break 09:00-09:20 (planned, 20) and a
    # breakdown 09:30-09:40 (unplanned, 10) inside it; a breakdown in the evening, outside any operation.
    _operation(db, "WO-1", 10, "SMT-1", "08:00", "10:00", 50, 10, "1.5")
    _operation(db, "WO-2", 10, "SMT-1", "09:00", "10:30", 10, 0, "1.5")
    _downtime(db, "SMT-1", "BREAK", "09:00", "09:20", system.operator_id)
    _downtime(db, "SMT-1", "BREAKDOWN", "09:30", "09:40", system.operator_id)
    _downtime(db, "SMT-1", "BREAKDOWN", "20:00", "20:30", system.operator_id)
    # COAT-1: one operation 10:00-11:00, 40 good at 1 min/unit, a no-material stop 10:45-11:15 (15 min inside)
    _operation(db, "WO-1", 20, "COAT-1", "10:00", "11:00", 40, 0, "1")
    _downtime(db, "COAT-1", "NO_MATERIAL", "10:45", "11:15", system.operator_id)
    doc = kpi.kpis(db, supervisor, today(), today())
    # SMT-1: planned = 150 - 20 = 130, run = 130 - 10 = 120; availability 120/130, performance 105/120,
    # quality 60/70, OEE = 12/13 x 7/8 x 6/7 = 9/13
    # COAT-1: planned 60, run 45; availability 0.75, performance 40/45, quality 1, OEE 40/60
    assert [r.json() for r in doc.oee] == [
        {"work_center": "COAT-1", "availability": 0.75, "performance": 0.8889, "quality": 1.0, "oee": 0.6667},
        {"work_center": "SMT-1", "availability": 0.9231, "performance": 0.875, "quality": 0.8571, "oee": 0.6923}]
    assert doc.plan_attainment == round((60 + 20) / 120, 4)
    assert doc.stockout_stoppages == 1


def test_no_operations_no_oee(db, system, supervisor, tmp_path):
    floor_site(db, system, tmp_path)
    doc = kpi.kpis(db, supervisor, today(), today())
    assert (doc.oee, doc.plan_attainment, doc.stockout_stoppages) == ((), None, 0)
