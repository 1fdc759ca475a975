"""KPIs for a period, per the contract's formulas, plus their trend for the charts (the same query per day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.permissions import Actor, require
from core.results import Result
from core.services.downtime import NO_MATERIAL_SQL
from core.services.kitting import kitting
from core.vocabulary import FINISHED_ORDERS

# Value consumed (issued to production, shipped) and the daily average on-hand value, from the ledger alone:
# on-hand value at the end of day d = value now - net value that moved in after d. Averaged over the N days of
# the period, a movement on day D counts in the days before it, min(D - since, N) of them — so one pass over
# the movements gives the average, with no per-day grouping (which sorted 5M rows to disk on a year's history).
_TURNOVER = text("""
WITH per_item AS (  -- quantities first, per item: 2,000 groups, costed once each instead of once per movement
  SELECT m.item_id,
         sum(CASE WHEN m.to_location_id IS NOT NULL AND m.from_location_id IS NULL THEN m.qty
                  WHEN m.from_location_id IS NOT NULL AND m.to_location_id IS NULL THEN -m.qty
                  ELSE 0 END
             * LEAST(CAST(m.created_at AS date) - CAST(:since AS date), CAST(:ndays AS integer))) AS weighted_net,
         sum(CASE WHEN m.kind IN ('issue', 'ship') AND m.to_location_id IS NULL
                   AND m.created_at >= :since AND m.created_at < :until_excl THEN m.qty ELSE 0 END) AS consumed
  FROM movement m
  WHERE m.created_at >= :since
  GROUP BY m.item_id
), flows AS (
  SELECT sum(p.weighted_net * i.unit_cost) AS weighted_net, sum(p.consumed * i.unit_cost) AS consumed
  FROM per_item p JOIN item i ON i.id = p.item_id
), now_value AS (
  SELECT coalesce(sum(b.qty * i.unit_cost), 0) AS v FROM stock_balance b JOIN item i ON i.id = b.item_id
)
SELECT coalesce(f.consumed, 0) AS consumed, n.v - coalesce(f.weighted_net, 0) / CAST(:ndays AS integer) AS avg_value
FROM flows f, now_value n
""")

_ON_TIME = text("""
SELECT count(*) FILTER (WHERE CAST(completed_at AS date) <= due_date) AS on_time, count(*) AS completed
FROM work_order WHERE completed_at >= :since AND completed_at < :until_excl
""")
_ACCURACY = text("SELECT count(*) FILTER (WHERE within_tolerance) AS ok, count(*) AS n FROM count_line"
                 " WHERE counted_at >= :since AND counted_at < :until_excl")
_DOCK_TO_STOCK = text("""
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM putaway_at - received_at) / 3600) AS p50
FROM receipt WHERE received_at >= :since AND received_at < :until_excl AND putaway_at IS NOT NULL
""")
_PICK_RATE = text("""
SELECT count(*) AS lines, count(DISTINCT (picked_by, date_trunc('hour', picked_at))) AS hours FROM pick_task
WHERE picked_at >= :since AND picked_at < :until_excl AND picked_qty > 0
""")
# A stoppage: a work centre stood still for "no material" (a downtime started in the period).
_STOPPAGES = text(f"""
SELECT count(*) FROM downtime d JOIN downtime_reason r ON r.id = d.reason_id
WHERE d.started_at >= :since AND d.started_at < :until_excl AND {NO_MATERIAL_SQL.format(code="r.code")}
""")
_PLAN_ATTAINMENT = text("""
SELECT sum(least(qty_completed, qty)) AS made, sum(qty) AS ordered FROM work_order
WHERE due_date >= :since AND due_date <= :until AND status <> 'cancelled'
""")
# OEE per work centre over its operations finished in the period. Open time is the union of the operations'
# start-finish intervals (a multirange: two operations open at once count once); downtime counts where it
# overlaps that open time, planned and unplanned apart. Minutes throughout.
_OEE = text("""
WITH ops AS (
  SELECT o.work_center_id, tstzrange(o.started_at, o.finished_at) AS r,
         o.minutes_per_unit * (o.good + o.scrap) AS ideal, o.good, o.scrap
  FROM wo_operation o
  WHERE o.finished_at >= :since AND o.finished_at < :until_excl AND o.status = 'done' AND o.started_at IS NOT NULL
), open_time AS (
  SELECT work_center_id, range_agg(r) AS mr, min(lower(r)) AS first, sum(ideal) AS ideal, sum(good) AS good,
         sum(scrap) AS scrap
  FROM ops GROUP BY work_center_id
), stops AS (
  SELECT d.work_center_id, range_agg(tstzrange(d.started_at, coalesce(d.ended_at, now())))
           FILTER (WHERE r.planned) AS planned_mr,
         range_agg(tstzrange(d.started_at, coalesce(d.ended_at, now()))) FILTER (WHERE NOT r.planned) AS unplanned_mr
  FROM downtime d JOIN downtime_reason r ON r.id = d.reason_id JOIN open_time t ON t.work_center_id = d.work_center_id
  WHERE d.started_at < :until_excl AND coalesce(d.ended_at, now()) > t.first
  GROUP BY d.work_center_id
), minutes AS (
  SELECT w.code AS work_center, t.ideal, t.good, t.scrap,
         (SELECT coalesce(sum(extract(epoch FROM upper(x) - lower(x))), 0) FROM unnest(t.mr) x) / 60 AS open_min,
         (SELECT coalesce(sum(extract(epoch FROM upper(x) - lower(x))), 0)
            FROM unnest(t.mr * coalesce(s.planned_mr, '{}')) x) / 60 AS planned_stop,
         (SELECT coalesce(sum(extract(epoch FROM upper(x) - lower(x))), 0)
            FROM unnest(t.mr * coalesce(s.unplanned_mr, '{}')) x) / 60 AS unplanned_stop
  FROM open_time t JOIN work_center w ON w.id = t.work_center_id
  LEFT JOIN stops s ON s.work_center_id = t.work_center_id
)
SELECT work_center, ideal, good, scrap, open_min - planned_stop AS planned,
       open_min - planned_stop - unplanned_stop AS run
FROM minutes ORDER BY work_center
""")
_DUE = text("SELECT wo_number, status FROM work_order WHERE due_date >= :since AND due_date <= :until"
            " AND status <> 'cancelled'")


@dataclass(frozen=True)
class Oee(Result):
    """One work centre's OEE over the period and its three factors (None where there is nothing to divide by)."""

    work_center: str
    availability: float | None
    performance: float | None
    quality: float | None
    oee: float | None


def _oee(row) -> Oee:
    availability = _ratio(row.run, row.planned) if row.planned > 0 else None
    performance = _ratio(row.ideal, row.run) if row.run > 0 else None
    quality = _ratio(row.good, row.good + row.scrap)
    factors = (row.run / row.planned if row.planned > 0 else None, row.ideal / row.run if row.run > 0 else None,
               row.good / (row.good + row.scrap) if row.good + row.scrap else None)
    product = None if None in factors else round(float(factors[0] * factors[1] * factors[2]), 4)
    return Oee(row.work_center, availability, performance, quality, product)


@dataclass(frozen=True)
class Kpis(Result):
    """The contract's KPI document for one period; a figure is None when the period has nothing to measure."""

    since: date
    until: date
    inventory_turnover: float | None
    kitting_rate: float | None
    on_time_delivery: float | None
    inventory_accuracy: float | None
    dock_to_stock_hours_p50: float | None
    pick_lines_per_hour: float | None
    stockout_stoppages: int
    plan_attainment: float | None = None
    oee: tuple[Oee, ...] = ()


def _ratio(num, den) -> float | None:
    return round(float(num) / float(den), 4) if den else None


def _kitting_rate(db: Database, actor: Actor, session: Session, p: dict) -> float | None:
    due = session.execute(_DUE, p).all()
    if not due:
        return None
    kit = {k.wo_number: k.status for k in kitting(db, actor, session=session)}
    good = sum(1 for w in due if w.status in FINISHED_ORDERS or kit.get(w.wo_number) in ("kitted", "kittable"))
    return _ratio(good, len(due))


def kpis(db: Database, actor: Actor, since: date | None = None, until: date | None = None) -> Kpis:
    """The contract's KPI document for [since, until] (default: the last 30 days)."""
    require(actor, "kpi.view")
    until = until or date.today()
    since = since or until - timedelta(days=29)
    p = {"since": since, "until": until, "until_excl": until + timedelta(days=1), "ndays": (until - since).days + 1}

    def load(uow):  # the whole document in one snapshot, on the read replica when there is one
        s = uow.session
        # Compiling these scans with JIT took longer (~1 s on a year of 5M movements) than running them.
        s.execute(text("SET LOCAL jit = off"))
        return (s.execute(_TURNOVER, p).first(), s.execute(_ON_TIME, p).first(), s.execute(_ACCURACY, p).first(),
                s.execute(_DOCK_TO_STOCK, p).scalar(), s.execute(_PICK_RATE, p).first(),
                s.execute(_STOPPAGES, p).scalar(), _kitting_rate(db, actor, s, p),
                s.execute(_PLAN_ATTAINMENT, p).first(), tuple(_oee(r) for r in s.execute(_OEE, p)))

    turnover, otd, acc, d2s, picks, stoppages, kit_rate, plan, oee = db.read(load)
    avg_value = Decimal(turnover.avg_value or 0)
    return Kpis(
        since=since, until=until,
        inventory_turnover=round(float(turnover.consumed / avg_value), 4) if avg_value > 0 else None,
        kitting_rate=kit_rate,
        on_time_delivery=_ratio(otd.on_time, otd.completed),
        inventory_accuracy=_ratio(acc.ok, acc.n),
        dock_to_stock_hours_p50=round(float(d2s), 2) if d2s is not None else None,
        pick_lines_per_hour=_ratio(picks.lines, picks.hours),
        stockout_stoppages=stoppages,
        plan_attainment=_ratio(plan.made, plan.ordered),
        oee=oee,
    )


def trend(db: Database, actor: Actor, since: date, until: date) -> list[Kpis]:
    """The chart of the period's figures: for each day, the same KPIs over a window of the period's length ending
    that day, so every point is the quantity the headline is (a 30-day turnover, not a day's) and the last point
    is the headline itself."""
    window = until - since
    days, d = [], since
    while d <= until:
        days.append(kpis(db, actor, d - window, d))
        d += timedelta(days=1)
    return days
