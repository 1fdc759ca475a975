-- A whole plain move as one statement and one transaction (the hot path, one round trip): the same pieces the
-- Python path (ledger.run_operation) calls one by one: key claim (with the payload's digest), legs, dead-stock
-- resolution, audit row.
CREATE OR REPLACE FUNCTION ledger_post(p_key text, p_kind text, p_digest text, p_item bigint[], p_lot bigint[],
    p_qty numeric[], p_from bigint[], p_from_status text[], p_to bigint[], p_to_status text[], p_operator bigint,
    p_badge text, p_terminal text, p_reason text, p_reference text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    result jsonb;
    stored jsonb;
BEGIN
    -- The shape run_operation stores for post_moves: {"kind", "legs", "qty" (the total, shortest exact text)}.
    result := jsonb_build_object('kind', p_kind, 'legs', cardinality(p_item),
                                 'qty', (SELECT trim_scale(sum(q))::text FROM unnest(p_qty) q));
    stored := ledger_claim(p_key, p_kind, p_operator, p_terminal, p_digest, result);
    IF stored IS NOT NULL THEN
        RETURN jsonb_build_object('replayed', true, 'result', stored);
    END IF;
    PERFORM ledger_apply(p_kind, p_item, p_lot, p_qty, p_from, p_from_status, p_to, p_to_status, NULL, NULL,
                         p_operator, p_terminal, p_reason, p_reference, p_key);
    PERFORM alert_resolve_moved(p_item);
    PERFORM audit_append(clock_timestamp(), p_operator, p_badge, p_terminal, p_kind, 'stock',
                         coalesce(p_reference, p_key), p_reason, NULL, result);
    RETURN jsonb_build_object('replayed', false, 'result', result);
END $$;
