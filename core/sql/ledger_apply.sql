-- The ledger's one write: balances changed in the fixed lock order (location, item, lot, status; netted per
-- row when there are several legs) so concurrent terminals never deadlock, then one movement row per leg.
-- Every stock change goes through here (Python's apply_legs, ledger_post, recall).
CREATE OR REPLACE FUNCTION ledger_apply(p_kind text, p_item bigint[], p_lot bigint[], p_qty numeric[], p_from bigint[],
    p_from_status text[], p_to bigint[], p_to_status text[], p_from_res numeric[], p_to_res numeric[],
    p_operator bigint, p_terminal text, p_reason text, p_reference text, p_key text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    IF cardinality(p_item) = 1 THEN  -- one leg: source then destination in key order, no aggregation needed
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
    ELSE  -- net change per balance row, rows touched in the fixed lock order (location, item, lot, status)
        FOR d IN
            WITH leg AS (
                SELECT * FROM unnest(p_item, p_lot, p_qty, p_from, p_from_status, p_to, p_to_status, p_from_res,
                                     p_to_res) AS x(item, lot, qty, src, src_status, dst, dst_status, src_res, dst_res)
            ), side AS (
                SELECT src AS loc, item, coalesce(lot, 0) AS lot, src_status AS status, -qty AS dq,
                       -coalesce(src_res, 0) AS dr FROM leg WHERE src IS NOT NULL
                UNION ALL
                SELECT dst, item, coalesce(lot, 0), dst_status, qty, coalesce(dst_res, 0) FROM leg
                WHERE dst IS NOT NULL
            )
            SELECT loc, item, lot, status, sum(dq) AS dq, sum(dr) AS dr FROM side
            GROUP BY loc, item, lot, status HAVING sum(dq) <> 0 OR sum(dr) <> 0
            ORDER BY loc, item, lot, status COLLATE "C"
        LOOP
            PERFORM ledger_balance(d.loc, d.item, d.lot, d.status, d.dq, d.dr);
        END LOOP;
    END IF;
    INSERT INTO movement (kind, item_id, lot_id, qty, from_location_id, from_status, to_location_id, to_status,
                          operator_id, terminal, reason, reference, operation_key)
    SELECT p_kind, item, lot, qty, src, src_status, dst, dst_status, p_operator, p_terminal, p_reason,
           p_reference, p_key
    FROM unnest(p_item, p_lot, p_qty, p_from, p_from_status, p_to, p_to_status)
         AS x(item, lot, qty, src, src_status, dst, dst_status);
    RETURN cardinality(p_item);
END $$;
