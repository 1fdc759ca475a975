"""integration inbound messages and outbox notify

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 07:20:04.410523
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The relay LISTENs on lineside_outbox, so an event is published moments after its commit, without polling.
    op.execute("""
        CREATE FUNCTION lineside_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('lineside_outbox', ''); RETURN NULL; END $$;
    """)
    op.execute("CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT"
               " EXECUTE FUNCTION lineside_outbox_notify()")
    op.create_table('inbound_message',
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('detail', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('message_id', name=op.f('pk_inbound_message'))
    )


def downgrade() -> None:
    op.drop_table('inbound_message')
    op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
    op.execute("DROP FUNCTION IF EXISTS lineside_outbox_notify()")
