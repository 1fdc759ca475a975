-- Line-side min/max for the given (location, item) pairs (the legs' sources, or rows just imported): each pair
-- with a line_stock row whose available balance is below its min gets its one open task, up to max, from the
-- FEFO source, and `replenishment.requested` in the outbox. Concurrent consumptions of one pair queue on a
-- transaction lock per pair (taken in key order) and so read each other's balance; a second one tops up the
-- same task while nobody has claimed it. The partial unique index is the backstop: never two open tasks.
-- Returns the number of tasks raised.
CREATE OR REPLACE FUNCTION replenishment_evaluate(p_location bigint[], p_item bigint[])
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    raised integer;
BEGIN
    PERFORM pg_advisory_xact_lock(('x' || substr(md5('replenishment:' || s.location_id || ':' || s.item_id), 1, 16))
                                  ::bit(64)::bigint)
    FROM (SELECT DISTINCT s.location_id, s.item_id FROM line_stock s
          JOIN unnest(p_location, p_item) AS x(loc, item) ON s.location_id = x.loc AND s.item_id = x.item
          ORDER BY 1, 2) s;
    -- a new statement, so a new snapshot: what a transaction that held the lock before us committed is seen
    WITH pair AS (
        SELECT DISTINCT s.location_id, s.item_id, s.min_qty, s.max_qty
        FROM line_stock s JOIN unnest(p_location, p_item) AS x(loc, item)
          ON s.location_id = x.loc AND s.item_id = x.item
    ), level AS (
        SELECT p.*, coalesce((SELECT sum(b.qty) FROM stock_balance b WHERE b.location_id = p.location_id
                              AND b.item_id = p.item_id AND b.status = 'available'), 0) AS on_hand
        FROM pair p
    ), made AS (
        INSERT INTO replenishment_task AS r (location_id, item_id, qty, from_location_id, lot_id)
        SELECT v.location_id, v.item_id, v.max_qty - v.on_hand, src.location_id, src.lot_id
        FROM level v LEFT JOIN LATERAL replenishment_source(v.location_id, v.item_id) src ON true
        WHERE v.on_hand < v.min_qty AND v.max_qty > v.on_hand
        ORDER BY v.location_id, v.item_id
        ON CONFLICT (location_id, item_id) WHERE status IN ('open', 'picked')
        DO UPDATE SET qty = greatest(r.qty, excluded.qty) WHERE r.status = 'open' AND r.claimed_by IS NULL
        RETURNING r.id, r.location_id, r.item_id, r.qty, r.from_location_id, r.lot_id, r.created_at,
                  (r.xmax = 0) AS inserted
    ), event AS (
        INSERT INTO outbox (event_id, type, aggregate, occurred_at, warehouse, data)
        SELECT gen_random_uuid(), 'replenishment.requested', 'replenishment:' || m.id, m.created_at, w.code,
               jsonb_build_object('id', m.id, 'location', l.code, 'line', l.line, 'sku', i.sku, 'qty', m.qty,
                                  'from_location', f.code, 'lot', t.lot_no)
        FROM made m JOIN location l ON l.id = m.location_id JOIN warehouse w ON w.id = l.warehouse_id
        JOIN item i ON i.id = m.item_id LEFT JOIN location f ON f.id = m.from_location_id
        LEFT JOIN lot t ON t.id = m.lot_id
        WHERE m.inserted
        RETURNING 1
    )
    SELECT count(*) INTO raised FROM event;
    RETURN raised;
END $$;
