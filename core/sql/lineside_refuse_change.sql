-- The movement ledger and the audit trail are append-only: history is corrected by new rows, never edited.
-- Fired BEFORE UPDATE OR DELETE (per row) and BEFORE TRUNCATE on movement and audit_log.
CREATE OR REPLACE FUNCTION lineside_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lineside: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
