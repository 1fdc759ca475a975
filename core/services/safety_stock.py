"""The safety-stock plan: per item, daily demand and its deviation from the ledger, the supplier lead time from
the purchase orders' receipts, and the safety stock and reorder point for a service level.

- Demand: the ledger's consumption (`issue`, by hand or backflush) and shipments (`ship`) per calendar day over
  the window (default 90 days, today included); a day without demand counts as 0. Mean and sample standard
  deviation (n - 1) over the window's days.
- Lead time: the mean, over the receipts of purchase-order lines in the last 365 days, of the days from the PO
  line's creation (its order date) to the receipt.
- Safety stock = z x sd x sqrt(lead time), z the standard normal quantile of the service level
  (statistics.NormalDist); reorder point = mean x lead time + safety stock. Both are rounded up to whole pieces
  for a piece unit. Without a measured lead time both are null: the formula has nothing to say.
Items listed: those with demand in the window, a measured lead time, or a configured safety stock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from statistics import NormalDist

from sqlalchemy import text

from core.db import Database
from core.errors import InvalidInput
from core.permissions import Actor, require
from core.units import pieces_up

WINDOW_DAYS = 90
LEAD_WINDOW_DAYS = 365
SERVICE_LEVEL = 0.95
DEMAND_KINDS = ("issue", "ship")  # core.vocabulary.MovementKind.ISSUE and SHIP: consumption and shipments


def stats_sql(window: int, lead_window: int, scope: str = "TRUE") -> str:
    """Per item: sku, uom, configured safety stock, demand total and sum of squares over the window's days, the
    mean lead time in days and the receipts it is measured on. `scope` is a condition on an `item_id` column."""
    kinds = ", ".join(f"'{k}'" for k in DEMAND_KINDS)
    return f"""
      WITH daily AS (
        SELECT m.item_id, CAST(m.created_at AS date) AS day, sum(m.qty) AS qty FROM movement m
        WHERE m.kind IN ({kinds}) AND m.created_at >= CAST(current_date - {int(window) - 1} AS timestamptz)
          AND {scope.format(col='m.item_id')}
        GROUP BY 1, 2
      ), demand AS (
        SELECT item_id, sum(qty) AS total, sum(qty * qty) AS squares FROM daily GROUP BY item_id
      ), lead AS (
        SELECT r.item_id, avg(extract(epoch FROM r.received_at - p.created_at) / 86400) AS days, count(*) AS n
        FROM receipt r JOIN po_line p ON p.id = r.po_line_id
        WHERE r.received_at >= now() - make_interval(days => {int(lead_window)}) AND {scope.format(col='r.item_id')}
        GROUP BY r.item_id
      )
      SELECT i.id AS item_id, i.sku, i.uom, i.safety_stock AS current, coalesce(d.total, 0) AS total,
             coalesce(d.squares, 0) AS squares, CAST(l.days AS numeric) AS lead_days, coalesce(l.n, 0) AS receipts
      FROM item i LEFT JOIN demand d ON d.item_id = i.id LEFT JOIN lead l ON l.item_id = i.id
      WHERE (d.item_id IS NOT NULL OR l.item_id IS NOT NULL OR i.safety_stock > 0) AND {scope.format(col='i.id')}
    """


def z_for(service_level: float) -> float:
    """The standard normal quantile of a service level (0.95 -> 1.645)."""
    return NormalDist().inv_cdf(service_level)


@dataclass(frozen=True)
class ItemPlan:
    sku: str
    avg_daily_demand: Decimal
    demand_sd: Decimal
    lead_time_days: Decimal | None
    service_level: float
    safety_stock: Decimal | None
    reorder_point: Decimal | None
    current_safety_stock: Decimal


def mean_and_sd(total: Decimal, squares: Decimal, days: int) -> tuple[float, float]:
    """Mean and sample sd of `days` daily values given their sum and sum of squares (missing days are 0)."""
    mean = float(total) / days
    var = (float(squares) - float(total) ** 2 / days) / (days - 1) if days > 1 else 0.0
    return mean, math.sqrt(max(var, 0.0))


def _q(value: float, places: str = "0.0001") -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(places))


def plan(db: Database, actor: Actor, service_level: float = SERVICE_LEVEL,
         window_days: int = WINDOW_DAYS) -> list[ItemPlan]:
    """The safety-stock plan of every item with a history or a configured safety stock (see the module)."""
    require(actor, "stock.view")
    if not 0 < service_level < 1:
        raise InvalidInput("A service level is between 0 and 1 (0.95 = 95%): {value}", value=service_level)
    if window_days < 2:
        raise InvalidInput("The window needs at least 2 days: {value}", value=window_days)
    z = z_for(service_level)
    with db.uow() as uow:
        rows = uow.execute(text(stats_sql(window_days, LEAD_WINDOW_DAYS) + " ORDER BY i.sku")).all()
    out = []
    for r in rows:
        mean, sd = mean_and_sd(r.total, r.squares, window_days)
        safety = reorder = lead = None
        if r.lead_days is not None:
            lead_f = max(float(r.lead_days), 0.0)
            lead = _q(lead_f, "0.001")
            ss = z * sd * math.sqrt(lead_f)
            safety = pieces_up(_q(ss, "0.001"), r.uom)
            reorder = pieces_up(_q(mean * lead_f + ss, "0.001"), r.uom)
        out.append(ItemPlan(r.sku, _q(mean), _q(sd), lead, service_level, safety, reorder, r.current))
    return out

