-- The batch of movements the current transaction is writing, drawn at its first movement and kept in a
-- transaction-local setting until the audit row that covers them takes it (audit_seal): the chain covers every
-- movement through its batch. ledger_apply calls it once per call; it is also the column's default, for any
-- other INSERT, at a call per row (a set-based INSERT .. SELECT gives `(SELECT movement_batch())`: once).
CREATE OR REPLACE FUNCTION movement_batch() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v text := current_setting('lineside.movement_batch', true);
BEGIN
    IF v IS NULL OR v = '' THEN
        v := nextval('movement_batch_seq')::text;
        PERFORM set_config('lineside.movement_batch', v, true);
    END IF;
    RETURN v::bigint;
END $$;
