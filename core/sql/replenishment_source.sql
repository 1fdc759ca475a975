-- Where a line-side location's replenishment is taken from: FEFO among the available, unexpired stock with
-- something free in the storage locations of the line's own warehouse (never quarantine, qc_hold, blocked,
-- rejected, expired or another line side); ties by receipt, then pick path. No row: nothing to take it from.
CREATE OR REPLACE FUNCTION replenishment_source(p_location bigint, p_item bigint)
RETURNS TABLE (location_id bigint, lot_id bigint, free numeric) LANGUAGE sql STABLE AS $$
    SELECT b.location_id, b.lot_id, b.qty - b.reserved
    FROM location line
    JOIN location l ON l.warehouse_id = line.warehouse_id AND l.kind = 'storage'
    JOIN stock_balance b ON b.location_id = l.id AND b.item_id = p_item AND b.status = 'available'
    LEFT JOIN lot t ON t.id = b.lot_id
    WHERE line.id = p_location AND b.qty > b.reserved
      AND (t.id IS NULL OR ((t.expiry IS NULL OR t.expiry >= current_date) AND t.qc_status NOT IN ('pending', 'failed')))
    ORDER BY t.expiry NULLS LAST, t.received_at NULLS LAST, l.pick_sequence, l.code, b.lot_id
    LIMIT 1
$$;
