"""server functions from files: core/sql/*.sql, and the shared pieces of both posting paths

Every server function, trigger function and view now lives as a file in core/sql and is installed from it
(migrations/replaceable.py); revisions 0001-0009 keep their frozen copies. Re-installing the existing ones
changes nothing. New: the pieces that ledger_post and the Python path (run_operation) share, so both write the
same rows: `ledger_claim` (idempotency key), `alert_resolve_moved` (dead stock), `audit_append` (the audit row);
and the one definition of a BOM requirement, `bom_requirement()` and the view `wo_requirement`.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

from alembic import op

from migrations.replaceable import install

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Dependencies first: SQL-language bodies and views are checked when created (PL/pgSQL only when run).
OBJECTS = ("lineside_refuse_change", "lineside_outbox_notify", "lineside_alert_notify", "audit_hash", "audit_seal",
           "audit_append", "ledger_balance", "ledger_apply", "ledger_claim", "alert_resolve_moved", "ledger_post",
           "bom_requirement", "wo_requirement")

NEW = ("VIEW wo_requirement", "FUNCTION bom_requirement(numeric, numeric, numeric)",
       "FUNCTION alert_resolve_moved(bigint[])", "FUNCTION ledger_claim(text, text, bigint, text, jsonb)",
       "FUNCTION audit_append(timestamptz, bigint, text, text, text, text, text, text, jsonb, jsonb)")

# ledger_post as 0008 wrote it (before it called the shared pieces), for the downgrade.
LEDGER_POST_0008 = """
CREATE OR REPLACE FUNCTION ledger_post(p_key text, p_kind text, p_item bigint[], p_lot bigint[], p_qty numeric[],
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


def upgrade() -> None:
    install(*OBJECTS)


def downgrade() -> None:
    op.execute(LEDGER_POST_0008)
    for obj in NEW:
        op.execute(f"DROP {obj}")
