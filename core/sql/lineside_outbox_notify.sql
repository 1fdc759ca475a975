-- The relay LISTENs on lineside_outbox, so an event is published moments after its commit, without polling.
CREATE OR REPLACE FUNCTION lineside_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('lineside_outbox', ''); RETURN NULL; END $$;
