-- The one definition of what making `units` of a parent needs of a component: qty_per per unit plus its scrap.
-- A plain SQL expression function, so the planner inlines it wherever it is used.
CREATE OR REPLACE FUNCTION bom_requirement(p_units numeric, p_qty_per numeric, p_scrap_pct numeric)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT p_units * p_qty_per * (1 + p_scrap_pct / 100)
$$;
