"""the audit seal runs with its owner's rights: the runtime role never writes the chain's head

The runtime role (console, CLI, relay) may INSERT audit rows, but neither UPDATE `audit_head` nor anything else
of the chain; the BEFORE INSERT seal, which moves the head, becomes SECURITY DEFINER with a fixed search_path.
The runtime grants themselves are not a migration: `lineside db upgrade` re-applies them after every upgrade
(core/roles.py), so they cover the tables of every revision.

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-01 12:30:00
"""

from collections.abc import Sequence

from alembic import op

from migrations.replaceable import install

revision: str = '0019'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    install("audit_seal")


def downgrade() -> None:
    op.execute("ALTER FUNCTION audit_seal() SECURITY INVOKER RESET search_path")
