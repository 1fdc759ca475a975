-- The digest of one batch of movements (SHA-256 over their lines in id order), sealed into the audit row that
-- covers the batch. `lineside check` computes the same expression grouped by batch (core/services/checks.py).
-- (PL/pgSQL rather than SQL: the seal calls it on the hot path, and its plan is cached per connection.)
CREATE OR REPLACE FUNCTION movement_digest(p_batch bigint) RETURNS text LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN (SELECT encode(sha256(convert_to(string_agg(movement_line(m), E'\n' ORDER BY m.id), 'UTF8')), 'hex')
            FROM movement m WHERE m.batch = p_batch);
END $$;
