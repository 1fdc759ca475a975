-- A serial is one unit in one place: at commit, a serial-tracked lot has at most one balance row, of qty 1.
-- Deferred, so a move's legs (out of one bin, into another) may pass through two rows inside the transaction;
-- the lot row is locked first, so two terminals putting the same serial in two places are serialised and the
-- second one sees the first one's row.
CREATE OR REPLACE FUNCTION serial_in_one_place() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  places integer;
  total numeric;
BEGIN
  IF NEW.lot_id IS NULL OR NOT EXISTS (
       SELECT 1 FROM item i WHERE i.id = NEW.item_id AND i.tracking = 'serial') THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM lot WHERE id = NEW.lot_id FOR UPDATE;
  SELECT count(*), coalesce(sum(qty), 0) INTO places, total
    FROM stock_balance WHERE lot_id = NEW.lot_id AND qty > 0;
  IF places > 1 OR total > 1 THEN
    RAISE EXCEPTION 'serial % is on hand % times', (SELECT lot_no FROM lot WHERE id = NEW.lot_id), total
      USING ERRCODE = 'LS002';
  END IF;
  RETURN NULL;
END $$;
