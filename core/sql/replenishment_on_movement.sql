-- After every INSERT into the ledger (ledger_apply is the one writer, so every issue, backflush, output
-- consumption, move or return out of a line side passes here), inside the consuming transaction: the legs'
-- (source, item) pairs that have a line_stock row are evaluated. A move without line_stock costs one probe.
CREATE OR REPLACE FUNCTION replenishment_on_movement()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_loc bigint[];
    v_item bigint[];
BEGIN
    SELECT array_agg(m.from_location_id), array_agg(m.item_id) INTO v_loc, v_item
    FROM moved m
    WHERE m.from_location_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM line_stock s WHERE s.location_id = m.from_location_id AND s.item_id = m.item_id);
    IF v_loc IS NOT NULL THEN
        PERFORM replenishment_evaluate(v_loc, v_item);
    END IF;
    RETURN NULL;
END $$;
