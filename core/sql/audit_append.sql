-- One audit row: the only INSERT into audit_log, for the Python path (audit.record) and ledger_post alike.
-- The seal trigger chains it; call it last in a transaction, since the seal holds the chain head until commit.
-- (PL/pgSQL rather than SQL: its statement plan is cached per connection, which the hot path notices.)
CREATE OR REPLACE FUNCTION audit_append(p_at timestamptz, p_operator bigint, p_badge text, p_terminal text,
    p_action text, p_entity text, p_key text, p_reason text, p_old jsonb, p_new jsonb)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (at, operator_id, badge, terminal, action, entity, entity_key, reason, old, new)
    VALUES (p_at, p_operator, p_badge, p_terminal, p_action, p_entity, p_key, p_reason, p_old, p_new);
END $$;
