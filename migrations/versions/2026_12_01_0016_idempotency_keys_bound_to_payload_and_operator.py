"""idempotency keys bound to their payload and operator: operation.payload_digest, ledger_claim/ledger_post check it

A confirmation's key used again is answered with the first result only for the same operator, kind and payload
(sha256 of its inputs, computed in Python by ledger.payload_digest); anything else is refused (SQLSTATE LS003,
KeyReused). Rows from before this revision have no digest and replay for their operator and kind alone. Both
functions take the digest, so their signatures change: the old ones are dropped, not overloaded.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.replaceable import install

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POST_0010 = ("ledger_post(text, text, bigint[], bigint[], numeric[], bigint[], text[], bigint[], text[],"
             " bigint, text, text, text, text)")
CLAIM_0010 = "ledger_claim(text, text, bigint, text, jsonb)"
POST_0016 = ("ledger_post(text, text, text, bigint[], bigint[], numeric[], bigint[], text[], bigint[],"
             " text[], bigint, text, text, text, text)")
CLAIM_0016 = "ledger_claim(text, text, bigint, text, text, jsonb)"

# The two as revision 0010 installed them from core/sql, for the downgrade.
LEDGER_CLAIM = """
-- Claim a confirmation's idempotency key. NULL: claimed now, go on. Otherwise the result its first delivery
-- stored ('{}' if none): a second delivery of the same scan waits here, on the key, for the first to commit.
CREATE OR REPLACE FUNCTION ledger_claim(p_key text, p_kind text, p_operator bigint, p_terminal text,
    p_result jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO operation (key, kind, operator_id, terminal, result)
    VALUES (p_key, p_kind, p_operator, p_terminal, p_result) ON CONFLICT (key) DO NOTHING;
    IF FOUND THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT coalesce(o.result, '{}') FROM operation o WHERE o.key = p_key);
END $$;
"""

LEDGER_POST = """
-- A whole plain move as one statement and one transaction (the hot path, one round trip): the same pieces the
-- Python path (ledger.run_operation) calls one by one: key claim, legs, dead-stock resolution, audit row.
CREATE OR REPLACE FUNCTION ledger_post(p_key text, p_kind text, p_item bigint[], p_lot bigint[], p_qty numeric[],
    p_from bigint[], p_from_status text[], p_to bigint[], p_to_status text[], p_operator bigint, p_badge text,
    p_terminal text, p_reason text, p_reference text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    result jsonb;
    stored jsonb;
BEGIN
    -- The shape run_operation stores for post_moves: {"kind", "legs", "qty" (the total, shortest exact text)}.
    result := jsonb_build_object('kind', p_kind, 'legs', cardinality(p_item),
                                 'qty', (SELECT trim_scale(sum(q))::text FROM unnest(p_qty) q));
    stored := ledger_claim(p_key, p_kind, p_operator, p_terminal, result);
    IF stored IS NOT NULL THEN
        RETURN jsonb_build_object('replayed', true, 'result', stored);
    END IF;
    PERFORM ledger_apply(p_kind, p_item, p_lot, p_qty, p_from, p_from_status, p_to, p_to_status, NULL, NULL,
                         p_operator, p_terminal, p_reason, p_reference, p_key);
    PERFORM alert_resolve_moved(p_item);
    PERFORM audit_append(clock_timestamp(), p_operator, p_badge, p_terminal, p_kind, 'stock',
                         coalesce(p_reference, p_key), p_reason, NULL, result);
    RETURN jsonb_build_object('replayed', false, 'result', result);
END $$;
"""


def upgrade() -> None:
    op.add_column('operation', sa.Column('payload_digest', sa.Text(), nullable=True))
    # IF EXISTS: a database built from scratch got the new signatures already at 0010, which installs the files
    # as they are now; one built before this revision has the old ones.
    op.execute(f"DROP FUNCTION IF EXISTS {POST_0010}")  # ledger_post calls ledger_claim: the caller first
    op.execute(f"DROP FUNCTION IF EXISTS {CLAIM_0010}")
    install("ledger_claim", "ledger_post")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION {POST_0016}")
    op.execute(f"DROP FUNCTION {CLAIM_0016}")
    op.drop_column('operation', 'payload_digest')
    op.execute(LEDGER_CLAIM)
    op.execute(LEDGER_POST)
