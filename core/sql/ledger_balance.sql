-- One balance row changes by (dq, dr): an upsert when nothing leaves it, else a guarded update that refuses
-- (SQLSTATE LS001, sku and location in DETAIL) when too little free stock is there. An emptied row is removed.
CREATE OR REPLACE FUNCTION ledger_balance(p_loc bigint, p_item bigint, p_lot bigint, p_status text, p_dq numeric,
    p_dr numeric) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    b record;
    v_sku text;
    v_code text;
BEGIN
    IF p_dq >= 0 AND p_dr >= 0 THEN
        INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty, reserved)
        VALUES (p_loc, p_item, NULLIF(p_lot, 0), p_status, p_dq, p_dr)
        ON CONFLICT (location_id, item_id, (coalesce(lot_id, 0)), status)
        DO UPDATE SET qty = stock_balance.qty + excluded.qty, reserved = stock_balance.reserved + excluded.reserved,
                      updated_at = now();
        RETURN;
    END IF;
    UPDATE stock_balance SET qty = qty + p_dq, reserved = reserved + p_dr, updated_at = now()
    WHERE location_id = p_loc AND item_id = p_item AND coalesce(lot_id, 0) = p_lot AND status = p_status
      AND qty + p_dq >= 0 AND reserved + p_dr >= 0 AND reserved + p_dr <= qty + p_dq
    RETURNING id, qty, reserved INTO b;
    IF NOT FOUND THEN
        SELECT sku INTO v_sku FROM item WHERE id = p_item;
        SELECT code INTO v_code FROM location WHERE id = p_loc;
        RAISE EXCEPTION 'lineside: insufficient stock' USING ERRCODE = 'LS001',
            DETAIL = json_build_object('sku', coalesce(v_sku, p_item::text),
                                       'location', coalesce(v_code, p_loc::text))::text;
    END IF;
    IF b.qty = 0 AND b.reserved = 0 THEN
        DELETE FROM stock_balance WHERE id = b.id;
    END IF;
END $$;
