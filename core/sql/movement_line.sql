-- A movement's canonical text, every field of the row (the batch is the grouping): what the audit chain covers.
CREATE OR REPLACE FUNCTION movement_line(m movement) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT concat_ws('|', m.id, quote_nullable(m.kind), m.item_id, quote_nullable(m.lot_id), trim_scale(m.qty),
        quote_nullable(m.from_location_id), quote_nullable(m.from_status), quote_nullable(m.to_location_id),
        quote_nullable(m.to_status), quote_nullable(m.operator_id), quote_nullable(m.terminal),
        quote_nullable(m.reason), quote_nullable(m.reference), quote_nullable(m.operation_key),
        (extract(epoch FROM m.created_at) * 1000000)::bigint)
$$;
