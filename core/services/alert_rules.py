"""The alert rules as set-based SQL: each yields the subjects whose condition holds now.

Every rule takes :threshold and :items (NULL = all items; else only these, for per-transaction evaluation;
the scope is repeated inside each aggregate so that a transaction's evaluation reads only its items' rows)
and returns subject, item_id, lot_id, location_id, work_order_id, params (jsonb).
"""

from __future__ import annotations

from core.services.safety_stock import LEAD_WINDOW_DAYS, SERVICE_LEVEL, WINDOW_DAYS, stats_sql, z_for
from core.units import piece_units_sql

SCOPE = "(CAST(:items AS bigint[]) IS NULL OR {col} = ANY(CAST(:items AS bigint[])))"
# An expiry alert asks someone to act on stock that could still be used: once a lot's stock is blocked (the
# alert's own action) or rejected, there is nothing left to act on, so the blocking transaction resolves it.
USABLE = "b.status NOT IN ('rejected', 'blocked')"

RULES: dict[str, str] = {
    "below_safety_stock": f"""
        SELECT 'item:' || i.id AS subject, i.id AS item_id, NULL::bigint AS lot_id, NULL::bigint AS location_id,
               NULL::bigint AS work_order_id,
               jsonb_build_object('sku', i.sku, 'on_hand', coalesce(s.qty, 0), 'safety', i.safety_stock) AS params
        FROM item i LEFT JOIN (
          SELECT b.item_id, sum(b.qty) AS qty FROM stock_balance b JOIN location l ON l.id = b.location_id
          WHERE b.status = 'available' AND l.kind <> 'shipping' AND {SCOPE.format(col='b.item_id')}
          GROUP BY b.item_id) s ON s.item_id = i.id
        WHERE i.safety_stock > 0 AND coalesce(s.qty, 0) < i.safety_stock AND {SCOPE.format(col='i.id')}""",
    "expiring": f"""
        SELECT 'lot:' || lt.id, lt.item_id, lt.id, NULL::bigint, NULL::bigint,
               jsonb_build_object('lot', lt.lot_no, 'sku', i.sku, 'expiry', lt.expiry,
                                  'days', lt.expiry - current_date)
        FROM lot lt JOIN item i ON i.id = lt.item_id
        WHERE lt.expiry >= current_date AND lt.expiry <= current_date + CAST(:threshold AS integer)
          AND EXISTS (SELECT 1 FROM stock_balance b WHERE b.lot_id = lt.id AND b.qty > 0 AND {USABLE})
          AND {SCOPE.format(col='lt.item_id')}""",
    "expired": f"""
        SELECT 'lot:' || lt.id, lt.item_id, lt.id, NULL::bigint, NULL::bigint,
               jsonb_build_object('lot', lt.lot_no, 'sku', i.sku, 'expiry', lt.expiry)
        FROM lot lt JOIN item i ON i.id = lt.item_id
        WHERE lt.expiry < current_date
          AND EXISTS (SELECT 1 FROM stock_balance b WHERE b.lot_id = lt.id AND b.qty > 0 AND {USABLE})
          AND {SCOPE.format(col='lt.item_id')}""",
    "dead_stock": f"""
        SELECT 'item:' || i.id, i.id, NULL::bigint, NULL::bigint, NULL::bigint,
               jsonb_build_object('sku', i.sku, 'days', CAST(:threshold AS integer), 'on_hand', s.qty)
        FROM item i JOIN (SELECT item_id, sum(qty) AS qty FROM stock_balance
                          WHERE qty > 0 AND {SCOPE.format(col='item_id')} GROUP BY item_id) s
          ON s.item_id = i.id
        WHERE NOT EXISTS (SELECT 1 FROM movement m WHERE m.item_id = i.id
                          AND m.created_at > now() - make_interval(days => CAST(:threshold AS integer)))
          AND {SCOPE.format(col='i.id')}""",
    "reserved_not_issued": f"""
        SELECT 'wo:' || w.id || ':item:' || r.item_id, r.item_id, NULL::bigint, NULL::bigint, w.id,
               jsonb_build_object('wo', w.wo_number, 'sku', i.sku, 'qty', sum(r.qty),
                                  'hours', CAST(:threshold AS integer))
        FROM reservation r JOIN work_order w ON w.id = r.work_order_id JOIN item i ON i.id = r.item_id
        WHERE r.created_at < now() - make_interval(hours => CAST(:threshold AS integer))
          AND {SCOPE.format(col='r.item_id')}
        GROUP BY w.id, w.wo_number, r.item_id, i.sku""",
    "qc_hold_aging": f"""
        SELECT 'lot:' || lt.id, lt.item_id, lt.id, NULL::bigint, NULL::bigint,
               jsonb_build_object('lot', lt.lot_no, 'sku', i.sku, 'hours', CAST(:threshold AS integer))
        FROM lot lt JOIN item i ON i.id = lt.item_id
        WHERE lt.qc_status = 'pending' AND lt.received_at < now() - make_interval(hours => CAST(:threshold AS integer))
          AND EXISTS (SELECT 1 FROM stock_balance b WHERE b.lot_id = lt.id AND b.status = 'qc_hold' AND b.qty > 0)
          AND {SCOPE.format(col='lt.item_id')}""",
    "shortage": f"""
        WITH wo AS (
          SELECT w.* FROM work_order w WHERE w.status IN ('planned', 'released', 'in_progress')
            AND w.due_date <= current_date + CAST(:threshold AS integer)
        ), free AS (
          SELECT b.item_id, sum(b.qty - b.reserved) AS qty FROM stock_balance b
          JOIN location l ON l.id = b.location_id AND l.kind IN ('storage', 'line_side')
          LEFT JOIN lot lt ON lt.id = b.lot_id
          WHERE b.status = 'available' AND (lt.expiry IS NULL OR lt.expiry >= current_date)
            AND {SCOPE.format(col='b.item_id')} GROUP BY b.item_id
        ), need AS (
          SELECT wo.id AS wo_id, wo.wo_number, c.item_id, c.required
                 - coalesce((SELECT sum(qty) FROM reservation r WHERE r.work_order_id = wo.id
                             AND r.item_id = c.item_id), 0)
                 - coalesce((SELECT sum(qty) FROM wo_issue x WHERE x.work_order_id = wo.id
                             AND x.item_id = c.item_id), 0)
                 - coalesce(free.qty, 0) AS short
          FROM wo JOIN wo_requirement c ON c.work_order_id = wo.id LEFT JOIN free ON free.item_id = c.item_id
          WHERE {SCOPE.format(col='c.item_id')}
        )
        SELECT 'wo:' || n.wo_id || ':item:' || n.item_id, n.item_id, NULL::bigint, NULL::bigint, n.wo_id,
               jsonb_build_object('wo', n.wo_number, 'sku', i.sku, 'short', n.short)
        FROM need n JOIN item i ON i.id = n.item_id WHERE n.short > 0""",
    # The safety-stock plan (core/services/safety_stock.py) at its default service level: an item whose configured
    # safety stock differs from the plan by more than :threshold % of it. The plan needs a history (demand in the
    # window and a measured lead time). A 90-day statistic does not change with one posting: a stock transaction
    # keeps this rule's open alerts as they are, and the full evaluation (`lineside alerts evaluate`) raises and
    # resolves them; that keeps the ledger's hot path free of a 90-day aggregate.
    "safety_stock_off": f"""
        SELECT 'item:' || p.item_id, p.item_id, NULL::bigint, NULL::bigint, NULL::bigint,
               jsonb_build_object('sku', p.sku, 'safety', p.current, 'planned', p.planned)
        FROM (
          SELECT s.item_id, s.sku, s.current,
                 CASE WHEN {piece_units_sql('s.uom')} THEN ceil(round(s.ss, 3)) ELSE round(s.ss, 3) END AS planned
          FROM (
            SELECT st.*, {z_for(SERVICE_LEVEL)!r} * sqrt(greatest(
                     (st.squares - st.total * st.total / {WINDOW_DAYS}) / {WINDOW_DAYS - 1}, 0))
                   * sqrt(greatest(st.lead_days, 0)) AS ss
            FROM ({stats_sql(WINDOW_DAYS, LEAD_WINDOW_DAYS)}) st
            WHERE st.lead_days IS NOT NULL AND st.total > 0) s
        ) p
        WHERE CAST(:items AS bigint[]) IS NULL
          AND abs(p.current - p.planned) > CAST(:threshold AS numeric) / 100 * p.planned
        UNION ALL
        SELECT a.subject, a.item_id, a.lot_id, a.location_id, a.work_order_id, a.params FROM alert a
        WHERE CAST(:items AS bigint[]) IS NOT NULL AND a.rule = 'safety_stock_off' AND a.resolved_at IS NULL
          AND a.item_id = ANY(CAST(:items AS bigint[]))""",
}
