-- The ledger's one write: balances changed in the fixed lock order (location, item, lot, status; netted per
-- row when there are several legs) so concurrent terminals never deadlock, then one movement row per leg.
-- Every stock change goes through here (Python's apply_legs, ledger_post, recall); each movement carries the
-- transaction's batch, which its audit row covers.
CREATE OR REPLACE FUNCTION ledger_apply(p_kind text, p_item bigint[], p_lot bigint[], p_qty numeric[], p_from bigint[],
    p_from_status text[], p_to bigint[], p_to_status text[], p_from_res numeric[], p_to_res numeric[],
    p_operator bigint, p_terminal text, p_reason text, p_reference text, p_key text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    k_loc bigint[];
    k_item bigint[];
    k_lot bigint[];
    k_status text[];
    k_dq numeric[];
    k_dr numeric[];
    leaving integer;
    updated integer;
    refused bigint;
    emptied bigint[];
    v_sku text;
    v_code text;
    v_batch bigint;
BEGIN
    IF cardinality(p_item) = 0 THEN
        RETURN 0;
    ELSIF cardinality(p_item) = 1 THEN  -- one leg: source then destination in key order, no aggregation needed
        IF p_from[1] IS NOT NULL AND p_to[1] IS NOT NULL
           AND (p_from[1], p_from_status[1] COLLATE "C") > (p_to[1], p_to_status[1] COLLATE "C") THEN
            PERFORM ledger_balance(p_to[1], p_item[1], coalesce(p_lot[1], 0), p_to_status[1], p_qty[1],
                                   coalesce(p_to_res[1], 0));
            PERFORM ledger_balance(p_from[1], p_item[1], coalesce(p_lot[1], 0), p_from_status[1], -p_qty[1],
                                   -coalesce(p_from_res[1], 0));
        ELSE
            IF p_from[1] IS NOT NULL THEN
                PERFORM ledger_balance(p_from[1], p_item[1], coalesce(p_lot[1], 0), p_from_status[1], -p_qty[1],
                                       -coalesce(p_from_res[1], 0));
            END IF;
            IF p_to[1] IS NOT NULL THEN
                PERFORM ledger_balance(p_to[1], p_item[1], coalesce(p_lot[1], 0), p_to_status[1], p_qty[1],
                                       coalesce(p_to_res[1], 0));
            END IF;
        END IF;
    ELSE
        -- Set-based, whatever the number of legs (a recall blocks thousands): the net change per balance row,
        -- in the fixed lock order (location, item, lot, status).
        WITH leg AS (
            SELECT * FROM unnest(p_item, p_lot, p_qty, p_from, p_from_status, p_to, p_to_status, p_from_res,
                                 p_to_res) AS x(item, lot, qty, src, src_status, dst, dst_status, src_res, dst_res)
        ), side AS (
            SELECT src AS loc, item, coalesce(lot, 0) AS lot, src_status AS status, -qty AS dq,
                   -coalesce(src_res, 0) AS dr FROM leg WHERE src IS NOT NULL
            UNION ALL
            SELECT dst, item, coalesce(lot, 0), dst_status, qty, coalesce(dst_res, 0) FROM leg
            WHERE dst IS NOT NULL
        ), d AS (
            SELECT loc, item, lot, status, sum(dq) AS dq, sum(dr) AS dr FROM side
            GROUP BY loc, item, lot, status HAVING sum(dq) <> 0 OR sum(dr) <> 0
        )
        SELECT array_agg(loc ORDER BY loc, item, lot, status COLLATE "C"),
               array_agg(item ORDER BY loc, item, lot, status COLLATE "C"),
               array_agg(lot ORDER BY loc, item, lot, status COLLATE "C"),
               array_agg(status ORDER BY loc, item, lot, status COLLATE "C"),
               array_agg(dq ORDER BY loc, item, lot, status COLLATE "C"),
               array_agg(dr ORDER BY loc, item, lot, status COLLATE "C"),
               count(*) FILTER (WHERE dq < 0 OR dr < 0)
        INTO k_loc, k_item, k_lot, k_status, k_dq, k_dr, leaving
        FROM d;
        -- Every existing row first, in key order: concurrent terminals queue on the same first row, never deadlock.
        PERFORM 1 FROM stock_balance b
        JOIN unnest(k_loc, k_item, k_lot, k_status) WITH ORDINALITY AS k(loc, item, lot, status, n)
          ON b.location_id = k.loc AND b.item_id = k.item AND coalesce(b.lot_id, 0) = k.lot AND b.status = k.status
        ORDER BY k.n FOR UPDATE OF b;
        IF leaving > 0 THEN  -- what leaves a row: guarded, as in ledger_balance; the first refused key is named
            WITH k AS (
                SELECT * FROM unnest(k_loc, k_item, k_lot, k_status, k_dq, k_dr) WITH ORDINALITY
                    AS k(loc, item, lot, status, dq, dr, n)
                WHERE dq < 0 OR dr < 0
            ), u AS (
                UPDATE stock_balance b SET qty = b.qty + k.dq, reserved = b.reserved + k.dr, updated_at = now()
                FROM k
                WHERE b.location_id = k.loc AND b.item_id = k.item AND coalesce(b.lot_id, 0) = k.lot
                  AND b.status = k.status AND b.qty + k.dq >= 0 AND b.reserved + k.dr >= 0
                  AND b.reserved + k.dr <= b.qty + k.dq
                RETURNING b.id, b.qty, b.reserved, k.n
            )
            SELECT count(*), array_agg(id) FILTER (WHERE qty = 0 AND reserved = 0),
                   (SELECT min(k.n) FROM k WHERE k.n NOT IN (SELECT n FROM u))
            INTO updated, emptied, refused FROM u;
            IF updated < leaving THEN
                SELECT sku INTO v_sku FROM item WHERE id = k_item[refused];
                SELECT code INTO v_code FROM location WHERE id = k_loc[refused];
                RAISE EXCEPTION 'lineside: insufficient stock' USING ERRCODE = 'LS001',
                    DETAIL = json_build_object('sku', coalesce(v_sku, k_item[refused]::text),
                                               'location', coalesce(v_code, k_loc[refused]::text))::text;
            END IF;
            IF emptied IS NOT NULL THEN
                DELETE FROM stock_balance WHERE id = ANY(emptied);
            END IF;
        END IF;
        IF leaving < cardinality(k_loc) THEN  -- what arrives: upserted in key order
            INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty, reserved)
            SELECT loc, item, NULLIF(lot, 0), status, dq, dr
            FROM unnest(k_loc, k_item, k_lot, k_status, k_dq, k_dr) WITH ORDINALITY AS k(loc, item, lot, status, dq, dr, n)
            WHERE dq >= 0 AND dr >= 0 ORDER BY n
            ON CONFLICT (location_id, item_id, (coalesce(lot_id, 0)), status)
            DO UPDATE SET qty = stock_balance.qty + excluded.qty,
                          reserved = stock_balance.reserved + excluded.reserved, updated_at = now();
        END IF;
    END IF;
    -- The transaction's movement batch, drawn once here (the column default would call it per row): the audit
    -- row the transaction appends covers it (audit_seal).
    v_batch := movement_batch();
    INSERT INTO movement (kind, item_id, lot_id, qty, from_location_id, from_status, to_location_id, to_status,
                          operator_id, terminal, reason, reference, operation_key, batch)
    SELECT p_kind, item, lot, qty, src, src_status, dst, dst_status, p_operator, p_terminal, p_reason,
           p_reference, p_key, v_batch
    FROM unnest(p_item, p_lot, p_qty, p_from, p_from_status, p_to, p_to_status)
         AS x(item, lot, qty, src, src_status, dst, dst_status);
    RETURN cardinality(p_item);
END $$;
