-- A plain move (bin to bin, a pick to the line) changes no total, status or free stock: of the alert rules it
-- can only clear dead stock, which any movement of the item clears. Looked up first: an UPDATE of no rows would
-- still wake every console's alert feed.
CREATE OR REPLACE FUNCTION alert_resolve_moved(p_items bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM alert WHERE rule = 'dead_stock' AND resolved_at IS NULL AND item_id = ANY(p_items)) THEN
        UPDATE alert SET resolved_at = now() WHERE rule = 'dead_stock' AND resolved_at IS NULL
                                               AND item_id = ANY(p_items);
    END IF;
END $$;
