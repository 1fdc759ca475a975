-- The hash an audit row is sealed with: its audit_hash, and for a row covering a batch of movements (those its
-- transaction wrote before it) that batch and their digest too. A row covering none keeps the form of 0008, so
-- the rows sealed before movements were covered verify unchanged. STABLE, as convert_to is: an IMMUTABLE SQL
-- function calling a STABLE one is never inlined, and the seal calls this one under the chain head's lock.
CREATE OR REPLACE FUNCTION audit_cover(p_hash text, p_batch bigint, p_movements text)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_batch IS NULL AND p_movements IS NULL THEN p_hash
           ELSE encode(sha256(convert_to(concat_ws('|', p_hash, quote_nullable(p_batch),
                                                   quote_nullable(p_movements)), 'UTF8')), 'hex') END
$$;
