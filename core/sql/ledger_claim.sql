-- Claim a confirmation's idempotency key. NULL: claimed now, go on. Otherwise the result its first delivery
-- stored ('{}' if none): a second delivery of the same scan waits here, on the key, for the first to commit.
-- The first delivery is answered again only to the same operator, for the same kind and the same payload digest
-- (a row from before digests, NULL, for the same operator and kind); a key used again for anything else is
-- refused (SQLSTATE LS003, ledger.KeyReused), never answered with the first result.
CREATE OR REPLACE FUNCTION ledger_claim(p_key text, p_kind text, p_operator bigint, p_terminal text,
    p_digest text, p_result jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    first operation%ROWTYPE;
BEGIN
    INSERT INTO operation (key, kind, operator_id, terminal, payload_digest, result)
    VALUES (p_key, p_kind, p_operator, p_terminal, p_digest, p_result) ON CONFLICT (key) DO NOTHING;
    IF FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO first FROM operation o WHERE o.key = p_key;
    IF first.operator_id = p_operator AND first.kind = p_kind
       AND (first.payload_digest IS NULL OR first.payload_digest = p_digest) THEN
        RETURN coalesce(first.result, '{}');
    END IF;
    RAISE EXCEPTION 'lineside: key % was already used for another confirmation', p_key USING ERRCODE = 'LS003';
END $$;
