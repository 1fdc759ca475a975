"""movements covered by the audit chain; the chain's identity for anchors kept outside the database

Someone holding the owner's credentials could edit movements together with their balances (`check` saw nothing),
or re-seal the chain after an edit. Now every movement carries its transaction's batch (`movement_batch()`,
drawn once per ledger_apply, or the column's default for any other INSERT), and the audit row that transaction
appends is sealed over the batch's digest too (`audit_cover`), so `check` recomputes both. Movements written
before this revision form batch 0, covered by one audit row appended here. `audit_head.chain_id` names the chain:
anchors recorded outside the database (core/services/anchors.py) are held only by the chain they were taken of.

The chain is verified first (refused if broken). The downgrade re-seals the chain in 0016's form, so it also
verifies first and refuses on a break.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.chain import GENESIS, SEALED_0008, SEALED_0017, refuse_unless_verified
from migrations.replaceable import install

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    refuse_unless_verified(conn, SEALED_0008, "covering movements by it")
    op.execute("CREATE SEQUENCE movement_batch_seq")
    install("movement_batch")
    # A constant default first (no table rewrite), then the function for rows to come.
    op.add_column('movement', sa.Column('batch', sa.BigInteger(), server_default='0', nullable=False))
    op.alter_column('movement', 'batch', server_default=sa.text('movement_batch()'))
    op.create_index(op.f('ix_movement_batch'), 'movement', ['batch'], unique=False)
    op.add_column('audit_log', sa.Column('movement_batch', sa.BigInteger(), nullable=True))
    op.add_column('audit_log', sa.Column('movements', sa.String(length=64), nullable=True))
    op.add_column('audit_head', sa.Column('chain_id', postgresql.UUID(as_uuid=True),
                                          server_default=sa.text('gen_random_uuid()'), nullable=False))
    install("movement_line", "movement_digest", "audit_cover", "audit_seal", "ledger_apply")
    # The movements written so far: batch 0, covered by one audit row (the seal takes the batch from the setting).
    count = conn.execute(sa.text("SELECT count(*) FROM movement")).scalar()
    if count:
        op.execute("SELECT set_config('lineside.movement_batch', '0', true)")
        conn.execute(sa.text(
            "SELECT audit_append(clock_timestamp(), (SELECT id FROM operator WHERE badge = 'SYSTEM'), 'SYSTEM',"
            " 'migration', 'audit.movements_covered', 'movement', '0017', NULL, NULL,"
            " jsonb_build_object('movements', CAST(:n AS bigint)))"), {"n": count})


def downgrade() -> None:
    conn = op.get_bind()
    refuse_unless_verified(conn, SEALED_0017, "re-sealing it in the form of 0016")
    op.execute(AUDIT_SEAL_0016)
    op.execute(LEDGER_APPLY_0016)
    # Every row from the first one that covered movements is sealed again without them (0016's form).
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    op.execute(f"""
        DO $$
        DECLARE r record; prev text; h text;
        BEGIN
            SELECT coalesce((SELECT hash FROM audit_log WHERE id < (SELECT min(id) FROM audit_log
                             WHERE movement_batch IS NOT NULL) ORDER BY id DESC LIMIT 1), '{GENESIS}') INTO prev;
            FOR r IN SELECT * FROM audit_log WHERE id >= (SELECT min(id) FROM audit_log
                                                          WHERE movement_batch IS NOT NULL) ORDER BY id LOOP
                h := audit_hash(prev, r.at, r.operator_id, r.badge, r.terminal, r.action, r.entity,
                                r.entity_key, r.reason, r.old, r.new);
                UPDATE audit_log SET prev_hash = prev, hash = h WHERE id = r.id;
                prev := h;
                UPDATE audit_head SET last_id = r.id, hash = h WHERE id = 1;
            END LOOP;
        END $$""")
    op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    op.execute("DROP FUNCTION movement_digest(bigint)")
    op.execute("DROP FUNCTION movement_line(movement)")
    op.execute("DROP FUNCTION audit_cover(text, bigint, text)")
    op.drop_column('audit_head', 'chain_id')
    op.drop_column('audit_log', 'movements')
    op.drop_column('audit_log', 'movement_batch')
    op.drop_index(op.f('ix_movement_batch'), table_name='movement')
    op.drop_column('movement', 'batch')
    op.execute("DROP FUNCTION movement_batch()")
    op.execute("DROP SEQUENCE movement_batch_seq")


# 0016's definitions (installed from core/sql by 0010), frozen for the downgrade.
AUDIT_SEAL_0016 = """
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
"""

LEDGER_APPLY_0016 = """
CREATE OR REPLACE FUNCTION ledger_apply(p_kind text, p_item bigint[], p_lot bigint[], p_qty numeric[], p_from bigint[],
    p_from_status text[], p_to bigint[], p_to_status text[], p_from_res numeric[], p_to_res numeric[],
    p_operator bigint, p_terminal text, p_reason text, p_reference text, p_key text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    k_loc bigint[];
    k_item bigint[];
    k_lot bigint[];
    k_status text[];
    k_dq numeric[];
    k_dr numeric[];
    leaving integer;
    updated integer;
    refused bigint;
    emptied bigint[];
    v_sku text;
    v_code text;
BEGIN
    IF cardinality(p_item) = 0 THEN
        RETURN 0;
    ELSIF cardinality(p_item) = 1 THEN  -- one leg: source then destination in key order, no aggregation needed
        IF p_from[1] IS NOT NULL AND p_to[1] IS NOT NULL
           AND (p_from[1], p_from_status[1] COLLATE "C") > (p_to[1], p_to_status[1] COLLATE "C") THEN
            PERFORM ledger_balance(p_to[1], p_item[1], coalesce(p_lot[1], 0), p_to_status[1], p_qty[1],
                                   coalesce(p_to_res[1], 0));
            PERFORM ledger_balance(p_from[1], p_item[1], coalesce(p_lot[1], 0), p_from_status[1], -p_qty[1],
                                   -coalesce(p_from_res[1], 0));
        ELSE
            IF p_from[1] IS NOT NULL THEN
                PERFORM ledger_balance(p_from[1], p_item[1], coalesce(p_lot[1], 0), p_from_status[1], -p_qty[1],
                                       -coalesce(p_from_res[1], 0));
            END IF;
            IF p_to[1] IS NOT NULL THEN
                PERFORM ledger_balance(p_to[1], p_item[1], coalesce(p_lot[1], 0), p_to_status[1], p_qty[1],
                                       coalesce(p_to_res[1], 0));
            END IF;
        END IF;
    ELSE
        -- Set-based, whatever the number of legs (a recall blocks thousands): the net change per balance row,
        -- in the fixed lock order (location, item, lot, status).
        WITH leg AS (
            SELECT * FROM unnest(p_item, p_lot, p_qty, p_from, p_from_status, p_to, p_to_status, p_from_res,
                                 p_to_res) AS x(item, lot, qty, src, src_status, dst, dst_status, src_res, dst_res)
        ), side AS (
            SELECT src AS loc, item, coalesce(lot, 0) AS lot, src_status AS status, -qty AS dq,
                   -coalesce(src_res, 0) AS dr FROM leg WHERE src IS NOT NULL
            UNION ALL
            SELECT dst, item, coalesce(lot, 0), dst_status, qty, coalesce(dst_res, 0) FROM leg
            WHERE dst IS NOT NULL
        ), d AS (
            SELECT loc, item, lot, status, sum(dq) AS dq, sum(dr) AS dr FROM side
            GROUP BY loc, item, lot, status HAVING sum(dq) <> 0 OR sum(dr) <> 0
        )
        SELECT array_agg(loc ORDER BY loc, item, lot, status COLLATE "C"),
               array_agg(item ORDER BY loc, item, lot, status COLLATE "C"),
               array_agg(lot ORDER BY loc, item, lot, status COLLATE "C"),
               array_agg(status ORDER BY loc, item, lot, status COLLATE "C"),
               array_agg(dq ORDER BY loc, item, lot, status COLLATE "C"),
               array_agg(dr ORDER BY loc, item, lot, status COLLATE "C"),
               count(*) FILTER (WHERE dq < 0 OR dr < 0)
        INTO k_loc, k_item, k_lot, k_status, k_dq, k_dr, leaving
        FROM d;
        -- Every existing row first, in key order: concurrent terminals queue on the same first row, never deadlock.
        PERFORM 1 FROM stock_balance b
        JOIN unnest(k_loc, k_item, k_lot, k_status) WITH ORDINALITY AS k(loc, item, lot, status, n)
          ON b.location_id = k.loc AND b.item_id = k.item AND coalesce(b.lot_id, 0) = k.lot AND b.status = k.status
        ORDER BY k.n FOR UPDATE OF b;
        IF leaving > 0 THEN  -- what leaves a row: guarded, as in ledger_balance; the first refused key is named
            WITH k AS (
                SELECT * FROM unnest(k_loc, k_item, k_lot, k_status, k_dq, k_dr) WITH ORDINALITY
                    AS k(loc, item, lot, status, dq, dr, n)
                WHERE dq < 0 OR dr < 0
            ), u AS (
                UPDATE stock_balance b SET qty = b.qty + k.dq, reserved = b.reserved + k.dr, updated_at = now()
                FROM k
                WHERE b.location_id = k.loc AND b.item_id = k.item AND coalesce(b.lot_id, 0) = k.lot
                  AND b.status = k.status AND b.qty + k.dq >= 0 AND b.reserved + k.dr >= 0
                  AND b.reserved + k.dr <= b.qty + k.dq
                RETURNING b.id, b.qty, b.reserved, k.n
            )
            SELECT count(*), array_agg(id) FILTER (WHERE qty = 0 AND reserved = 0),
                   (SELECT min(k.n) FROM k WHERE k.n NOT IN (SELECT n FROM u))
            INTO updated, emptied, refused FROM u;
            IF updated < leaving THEN
                SELECT sku INTO v_sku FROM item WHERE id = k_item[refused];
                SELECT code INTO v_code FROM location WHERE id = k_loc[refused];
                RAISE EXCEPTION 'lineside: insufficient stock' USING ERRCODE = 'LS001',
                    DETAIL = json_build_object('sku', coalesce(v_sku, k_item[refused]::text),
                                               'location', coalesce(v_code, k_loc[refused]::text))::text;
            END IF;
            IF emptied IS NOT NULL THEN
                DELETE FROM stock_balance WHERE id = ANY(emptied);
            END IF;
        END IF;
        IF leaving < cardinality(k_loc) THEN  -- what arrives: upserted in key order
            INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty, reserved)
            SELECT loc, item, NULLIF(lot, 0), status, dq, dr
            FROM unnest(k_loc, k_item, k_lot, k_status, k_dq, k_dr) WITH ORDINALITY AS k(loc, item, lot, status, dq, dr, n)
            WHERE dq >= 0 AND dr >= 0 ORDER BY n
            ON CONFLICT (location_id, item_id, (coalesce(lot_id, 0)), status)
            DO UPDATE SET qty = stock_balance.qty + excluded.qty,
                          reserved = stock_balance.reserved + excluded.reserved, updated_at = now();
        END IF;
    END IF;
    INSERT INTO movement (kind, item_id, lot_id, qty, from_location_id, from_status, to_location_id, to_status,
                          operator_id, terminal, reason, reference, operation_key)
    SELECT p_kind, item, lot, qty, src, src_status, dst, dst_status, p_operator, p_terminal, p_reason,
           p_reference, p_key
    FROM unnest(p_item, p_lot, p_qty, p_from, p_from_status, p_to, p_to_status)
         AS x(item, lot, qty, src, src_status, dst, dst_status);
    RETURN cardinality(p_item);
END $$;
"""
