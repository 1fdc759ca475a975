-- Claim a confirmation's idempotency key. NULL: claimed now, go on. Otherwise the result its first delivery
-- stored ('{}' if none): a second delivery of the same scan waits here, on the key, for the first to commit.
CREATE OR REPLACE FUNCTION ledger_claim(p_key text, p_kind text, p_operator bigint, p_terminal text,
    p_result jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO operation (key, kind, operator_id, terminal, result)
    VALUES (p_key, p_kind, p_operator, p_terminal, p_result) ON CONFLICT (key) DO NOTHING;
    IF FOUND THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT coalesce(o.result, '{}') FROM operation o WHERE o.key = p_key);
END $$;
