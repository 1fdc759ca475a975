"""ledger and audit seal in the server: one round trip per move, the chain hashed where it is written

The stock ledger's balance-and-movement step becomes SQL functions (`ledger_apply`, and `ledger_post` for a
whole plain move: idempotency key, legs, dead-stock alert, result, audit row), so a move costs one round trip.
The audit chain is sealed by a BEFORE INSERT trigger: it locks the chain head (`audit_head`), draws the row's id
under that lock (id order = chain order) and computes the SHA-256 in SQL (`audit_hash`), which `lineside check`
recomputes the same way. Existing rows are verified under the previous (Python) canonical form first and then
re-sealed; a broken chain stops the upgrade rather than being laundered into a valid one. The alert feeds'
notify trigger fires only when alert rows changed (transition tables), not on every evaluating statement.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 10:00:00
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from migrations.chain import SEALED_0008, refuse_unless_verified

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64

AUDIT_HASH = """
CREATE FUNCTION audit_hash(p_prev text, p_at timestamptz, p_operator bigint, p_badge text, p_terminal text,
    p_action text, p_entity text, p_key text, p_reason text, p_old jsonb, p_new jsonb)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(concat_ws('|', quote_nullable(p_prev),
        (extract(epoch FROM p_at) * 1000000)::bigint::text, quote_nullable(p_operator), quote_nullable(p_badge),
        quote_nullable(p_terminal), quote_nullable(p_action), quote_nullable(p_entity), quote_nullable(p_key),
        quote_nullable(p_reason), quote_nullable(p_old::text), quote_nullable(p_new::text)), 'UTF8')), 'hex')
$$;
"""

AUDIT_SEAL = """
CREATE FUNCTION audit_seal() RETURNS trigger LANGUAGE plpgsql AS $$
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

BALANCE_CHANGE = """
CREATE FUNCTION ledger_balance(p_loc bigint, p_item bigint, p_lot bigint, p_status text, p_dq numeric,
    p_dr numeric) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    b record;
    v_sku text;
    v_code text;
BEGIN
    IF p_dq >= 0 AND p_dr >= 0 THEN
        INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty, reserved)
        VALUES (p_loc, p_item, NULLIF(p_lot, 0), p_status, p_dq, p_dr)
        ON CONFLICT (location_id, item_id, (coalesce(lot_id, 0)), status)
        DO UPDATE SET qty = stock_balance.qty + excluded.qty, reserved = stock_balance.reserved + excluded.reserved,
                      updated_at = now();
        RETURN;
    END IF;
    UPDATE stock_balance SET qty = qty + p_dq, reserved = reserved + p_dr, updated_at = now()
    WHERE location_id = p_loc AND item_id = p_item AND coalesce(lot_id, 0) = p_lot AND status = p_status
      AND qty + p_dq >= 0 AND reserved + p_dr >= 0 AND reserved + p_dr <= qty + p_dq
    RETURNING id, qty, reserved INTO b;
    IF NOT FOUND THEN
        SELECT sku INTO v_sku FROM item WHERE id = p_item;
        SELECT code INTO v_code FROM location WHERE id = p_loc;
        RAISE EXCEPTION 'lineside: insufficient stock' USING ERRCODE = 'LS001',
            DETAIL = json_build_object('sku', coalesce(v_sku, p_item::text),
                                       'location', coalesce(v_code, p_loc::text))::text;
    END IF;
    IF b.qty = 0 AND b.reserved = 0 THEN
        DELETE FROM stock_balance WHERE id = b.id;
    END IF;
END $$;
"""

LEDGER_APPLY = """
CREATE FUNCTION ledger_apply(p_kind text, p_item bigint[], p_lot bigint[], p_qty numeric[], p_from bigint[],
    p_from_status text[], p_to bigint[], p_to_status text[], p_from_res numeric[], p_to_res numeric[],
    p_operator bigint, p_terminal text, p_reason text, p_reference text, p_key text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    IF cardinality(p_item) = 1 THEN  -- one leg: source then destination in key order, no aggregation needed
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
    ELSE  -- net change per balance row, rows touched in the fixed lock order (location, item, lot, status)
        FOR d IN
            WITH leg AS (
                SELECT * FROM unnest(p_item, p_lot, p_qty, p_from, p_from_status, p_to, p_to_status, p_from_res,
                                     p_to_res) AS x(item, lot, qty, src, src_status, dst, dst_status, src_res, dst_res)
            ), side AS (
                SELECT src AS loc, item, coalesce(lot, 0) AS lot, src_status AS status, -qty AS dq,
                       -coalesce(src_res, 0) AS dr FROM leg WHERE src IS NOT NULL
                UNION ALL
                SELECT dst, item, coalesce(lot, 0), dst_status, qty, coalesce(dst_res, 0) FROM leg
                WHERE dst IS NOT NULL
            )
            SELECT loc, item, lot, status, sum(dq) AS dq, sum(dr) AS dr FROM side
            GROUP BY loc, item, lot, status HAVING sum(dq) <> 0 OR sum(dr) <> 0
            ORDER BY loc, item, lot, status COLLATE "C"
        LOOP
            PERFORM ledger_balance(d.loc, d.item, d.lot, d.status, d.dq, d.dr);
        END LOOP;
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

LEDGER_POST = """
CREATE FUNCTION ledger_post(p_key text, p_kind text, p_item bigint[], p_lot bigint[], p_qty numeric[],
    p_from bigint[], p_from_status text[], p_to bigint[], p_to_status text[], p_operator bigint, p_badge text,
    p_terminal text, p_reason text, p_reference text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    result jsonb;
BEGIN
    result := jsonb_build_object('kind', p_kind, 'legs', cardinality(p_item),
                                 'qty', (SELECT trim_scale(sum(q))::text FROM unnest(p_qty) q));
    -- The key first: a second delivery of the same scan waits here for the first to commit, then replays it.
    INSERT INTO operation (key, kind, operator_id, terminal, result)
    VALUES (p_key, p_kind, p_operator, p_terminal, result) ON CONFLICT (key) DO NOTHING;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('replayed', true, 'result', (SELECT o.result FROM operation o WHERE o.key = p_key));
    END IF;
    PERFORM ledger_apply(p_kind, p_item, p_lot, p_qty, p_from, p_from_status, p_to, p_to_status, NULL, NULL,
                         p_operator, p_terminal, p_reason, p_reference, p_key);
    -- A plain move changes no total, status or free stock: of the alert rules it can only clear dead stock.
    -- (Looked up first: an UPDATE of no rows would still wake every console's alert feed.)
    IF EXISTS (SELECT FROM alert WHERE rule = 'dead_stock' AND resolved_at IS NULL AND item_id = ANY(p_item)) THEN
        UPDATE alert SET resolved_at = now() WHERE rule = 'dead_stock' AND resolved_at IS NULL
                                               AND item_id = ANY(p_item);
    END IF;
    INSERT INTO audit_log (at, operator_id, badge, terminal, action, entity, entity_key, reason, new)
    VALUES (clock_timestamp(), p_operator, p_badge, p_terminal, p_kind, 'stock', coalesce(p_reference, p_key),
            p_reason, result);
    RETURN jsonb_build_object('replayed', false, 'result', result);
END $$;
"""

# Consoles' alert feeds wake on a change of the alert table, no longer on every statement that touched nothing
# (evaluate()'s INSERT ... ON CONFLICT runs in each stock transaction; most raise and resolve nothing).
ALERT_NOTIFY = """
CREATE OR REPLACE FUNCTION lineside_alert_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM changed) THEN
        PERFORM pg_notify('lineside_alerts', '');
    END IF;
    RETURN NULL;
END $$;
"""
ALERT_NOTIFY_0006 = """
CREATE OR REPLACE FUNCTION lineside_alert_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('lineside_alerts', ''); RETURN NULL; END $$;
"""

FUNCTIONS = ("ledger_post", "ledger_apply", "ledger_balance", "audit_seal", "audit_hash")


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _python_hash(prev: str, r) -> str:
    """The canonical form of revisions 0001-0007 (computed in Python), frozen here."""
    fields = {"at": r.at.astimezone(UTC).isoformat(), "operator_id": r.operator_id, "badge": r.badge,
              "terminal": r.terminal, "action": r.action, "entity": r.entity, "entity_key": r.entity_key,
              "reason": r.reason, "old": r.old, "new": r.new}
    payload = json.dumps(_jsonable(fields), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + payload).encode()).hexdigest()


def _rows(conn):
    return conn.execute(sa.text("SELECT id, at, operator_id, badge, terminal, action, entity, entity_key, reason,"
                                " old, new, prev_hash, hash FROM audit_log ORDER BY id")).all()


def upgrade() -> None:
    conn = op.get_bind()
    prev = GENESIS
    for r in _rows(conn):
        if r.prev_hash != prev or _python_hash(prev, r) != r.hash:
            raise RuntimeError(f"audit chain broken at audit_log id {r.id}: not re-sealing a broken chain; "
                               "inspect it with `lineside check` on the previous version")
        prev = r.hash
    op.create_table('audit_head',
    sa.Column('id', sa.SmallInteger(), nullable=False),
    sa.Column('last_id', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    for sql in (AUDIT_HASH, AUDIT_SEAL, BALANCE_CHANGE, LEDGER_APPLY, LEDGER_POST):
        op.execute(sql)
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    op.execute(f"""
        DO $$
        DECLARE r record; prev text := '{GENESIS}'; h text; last bigint := 0;
        BEGIN
            FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
                h := audit_hash(prev, r.at, r.operator_id, r.badge, r.terminal, r.action, r.entity,
                                r.entity_key, r.reason, r.old, r.new);
                UPDATE audit_log SET prev_hash = prev, hash = h WHERE id = r.id;
                prev := h;
                last := r.id;
            END LOOP;
            INSERT INTO audit_head (id, last_id, hash) VALUES (1, last, prev);
        END $$""")
    op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    op.execute("CREATE TRIGGER audit_log_seal BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_seal()")
    op.execute("DROP TRIGGER alert_notify ON alert")
    op.execute(ALERT_NOTIFY)
    for event in ("INSERT", "UPDATE"):
        op.execute(f"CREATE TRIGGER alert_notify_{event.lower()} AFTER {event} ON alert REFERENCING NEW TABLE AS changed"
                   " FOR EACH STATEMENT EXECUTE FUNCTION lineside_alert_notify()")


def downgrade() -> None:
    conn = op.get_bind()
    # Re-sealing in 0007's form would launder an edited chain into one that verifies: verify it first.
    refuse_unless_verified(conn, SEALED_0008, "re-sealing it in the form of 0007")
    op.execute("DROP TRIGGER IF EXISTS alert_notify_insert ON alert")
    op.execute("DROP TRIGGER IF EXISTS alert_notify_update ON alert")
    op.execute(ALERT_NOTIFY_0006)
    op.execute("CREATE TRIGGER alert_notify AFTER INSERT OR UPDATE ON alert FOR EACH STATEMENT"
               " EXECUTE FUNCTION lineside_alert_notify()")
    op.execute("DROP TRIGGER IF EXISTS audit_log_seal ON audit_log")
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    prev = GENESIS
    for r in _rows(conn):  # back to the Python canonical form of 0007
        digest = _python_hash(prev, r)
        conn.execute(sa.text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE id = :id"),
                     {"p": prev, "h": digest, "id": r.id})
        prev = digest
    op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    for name in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {name} CASCADE")
    op.drop_table('audit_head')
