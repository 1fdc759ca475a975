-- A work order's requirement per direct component (its BOM line at the order's quantity), whatever its state.
CREATE OR REPLACE VIEW wo_requirement AS
SELECT wo.id AS work_order_id, b.component_item_id AS item_id, bom_requirement(wo.qty, b.qty_per, b.scrap_pct)
           AS required, b.backflush
FROM work_order wo JOIN bom_line b ON b.parent_item_id = wo.item_id;
