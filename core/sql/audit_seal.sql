-- BEFORE INSERT on audit_log: chains the new row to the head and moves the head. It runs with its owner's rights
-- (SECURITY DEFINER): the runtime role may INSERT audit rows but never write audit_head itself.
CREATE OR REPLACE FUNCTION audit_seal() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    prev text;
    own text;
    batch text := current_setting('lineside.movement_batch', true);
BEGIN
    -- The movements this transaction wrote since its previous audit row (one batch, movement_batch()) are
    -- covered by this row: their digest joins its hash. Digested before the head is locked, so that lock is held
    -- no longer than before; the batch is handed over, so later movements start another one.
    NEW.movement_batch := NULL;  -- never a caller's claim
    NEW.movements := NULL;
    IF batch IS NOT NULL AND batch <> '' THEN
        NEW.movement_batch := batch::bigint;
        NEW.movements := movement_digest(NEW.movement_batch);
        PERFORM set_config('lineside.movement_batch', '', true);
    END IF;
    -- The head's row lock serialises appends until commit; the id is drawn under it, so id order is chain order.
    SELECT hash INTO STRICT prev FROM audit_head WHERE id = 1 FOR UPDATE;
    NEW.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
    NEW.prev_hash := prev;
    -- The row's own hash first, in a variable: handed a variable (not the audit_hash call, which its body would
    -- evaluate twice), the STABLE audit_cover is inlined here instead of run as a function call of its own: 40 µs
    -- less under the head's lock for every stock transaction.
    own := audit_hash(prev, NEW.at, NEW.operator_id, NEW.badge, NEW.terminal, NEW.action, NEW.entity,
                      NEW.entity_key, NEW.reason, NEW.old, NEW.new);
    NEW.hash := audit_cover(own, NEW.movement_batch, NEW.movements);
    UPDATE audit_head SET last_id = NEW.id, hash = NEW.hash WHERE id = 1;
    RETURN NEW;
END $$;
