"""server functions from files: core/sql/*.sql, and the shared pieces of both posting paths

Every server function, trigger function and view now lives as a file in core/sql and is installed from it
(migrations/replaceable.py); revisions 0001-0009 keep their frozen copies. Re-installing the existing ones
changes nothing but ledger_apply, now set-based for several legs (a recall blocks thousands of balances; no loop
per row), and ledger_post, now made of the pieces it shares with the Python path (run_operation), so both write
the same rows: `ledger_claim` (idempotency key), `alert_resolve_moved` (dead stock), `audit_append` (the audit
row). Also new: the one definition of a BOM requirement, `bom_requirement()` and the view `wo_requirement`.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

from alembic import op

from migrations.replaceable import frozen, install

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

# The two this revision changed, back as 0008 froze them (ledger_apply was a loop per balance row, ledger_post
# made its own key claim, dead-stock update and audit INSERT).
REVISION_0008 = "2026_11_25_0008_ledger_and_audit_seal_in_the_server"


def upgrade() -> None:
    install(*OBJECTS)


def downgrade() -> None:
    for name in ("LEDGER_APPLY", "LEDGER_POST"):
        op.execute(frozen(REVISION_0008, name))
    for obj in NEW:
        op.execute(f"DROP {obj}")
