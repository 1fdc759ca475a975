-- The audit chain's canonical form: SHA-256 over the previous hash and the row's fields. The seal computes it
-- where the row is written; `lineside check` recomputes it the same way.
CREATE OR REPLACE FUNCTION audit_hash(p_prev text, p_at timestamptz, p_operator bigint, p_badge text,
    p_terminal text, p_action text, p_entity text, p_key text, p_reason text, p_old jsonb, p_new jsonb)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(concat_ws('|', quote_nullable(p_prev),
        (extract(epoch FROM p_at) * 1000000)::bigint::text, quote_nullable(p_operator), quote_nullable(p_badge),
        quote_nullable(p_terminal), quote_nullable(p_action), quote_nullable(p_entity), quote_nullable(p_key),
        quote_nullable(p_reason), quote_nullable(p_old::text), quote_nullable(p_new::text)), 'UTF8')), 'hex')
$$;
