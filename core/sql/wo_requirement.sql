-- A work order's requirement per direct component (its BOM line at the order's quantity), whatever its state.
-- A component counted in pieces needs whole pieces: its requirement is rounded up (122.4 EA needs 123). The unit
-- list is core.units.PIECE_UNITS (tests/integration/test_piece_requirements.py holds the two equal).
CREATE OR REPLACE VIEW wo_requirement AS
SELECT wo.id AS work_order_id, b.component_item_id AS item_id,
       CASE WHEN upper(btrim(coalesce(c.uom, ''))) IN ('EA', 'EACH', 'PC', 'PCE', 'PCS', 'PIECE', 'PIECES', 'ST',
                 'STK', 'UNIT', 'UNITS', '个', '件', '只', '台', '片')
            THEN ceil(bom_requirement(wo.qty, b.qty_per, b.scrap_pct))
            ELSE bom_requirement(wo.qty, b.qty_per, b.scrap_pct) END AS required, b.backflush
FROM work_order wo JOIN bom_line b ON b.parent_item_id = wo.item_id JOIN item c ON c.id = b.component_item_id;
