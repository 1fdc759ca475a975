-- Consoles LISTEN on lineside_alerts. Statement triggers with a transition table (`changed`): the feeds wake on a
-- raised, acknowledged or resolved alert, not on every evaluating statement that changed nothing.
CREATE OR REPLACE FUNCTION lineside_alert_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM changed) THEN
        PERFORM pg_notify('lineside_alerts', '');
    END IF;
    RETURN NULL;
END $$;
