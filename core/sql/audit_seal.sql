-- BEFORE INSERT on audit_log: chains the new row to the head and moves the head. It runs with its owner's rights
-- (SECURITY DEFINER): the runtime role may INSERT audit rows but never write audit_head itself.
CREATE OR REPLACE FUNCTION audit_seal() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    prev text;
BEGIN
    -- The head's row lock serialises appends until commit; the id is drawn under it, so id order is chain order.
    SELECT hash INTO STRICT prev FROM audit_head WHERE id = 1 FOR UPDATE;
    NEW.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
    NEW.prev_hash := prev;
    NEW.hash := audit_hash(prev, NEW.at, NEW.operator_id, NEW.badge, NEW.terminal, NEW.action, NEW.entity,
                           NEW.entity_key, NEW.reason, NEW.old, NEW.new);
    UPDATE audit_head SET last_id = NEW.id, hash = NEW.hash WHERE id = 1;
    RETURN NEW;
END $$;
