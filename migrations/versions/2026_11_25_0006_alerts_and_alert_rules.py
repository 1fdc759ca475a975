"""alerts and alert rules

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 07:21:20.767090
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('alert_rule',
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('threshold', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default='true', nullable=False),
    sa.PrimaryKeyConstraint('rule', name=op.f('pk_alert_rule'))
    )
    op.create_table('alert',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=True),
    sa.Column('lot_id', sa.BigInteger(), nullable=True),
    sa.Column('location_id', sa.BigInteger(), nullable=True),
    sa.Column('work_order_id', sa.BigInteger(), nullable=True),
    sa.Column('params', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by', sa.BigInteger(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ack_comment', sa.Text(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['operator.id'], name=op.f('fk_alert_acknowledged_by_operator')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_alert_item_id_item')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_alert_location_id_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_alert_lot_id_lot')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_alert_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert'))
    )
    op.create_index('ix_alert_open', 'alert', ['raised_at'], unique=False, postgresql_where=sa.text('resolved_at IS NULL'))
    op.create_index('uq_alert_open', 'alert', ['rule', 'subject'], unique=True, postgresql_where=sa.text('resolved_at IS NULL'))


    op.execute(
        "INSERT INTO alert_rule (rule, severity, threshold) VALUES"
        " ('below_safety_stock', 'warning', 0), ('expiring', 'warning', 30), ('expired', 'critical', 0),"
        " ('dead_stock', 'info', 90), ('reserved_not_issued', 'warning', 48), ('qc_hold_aging', 'warning', 24),"
        " ('shortage', 'critical', 14)"
    )
    # Consoles LISTEN on lineside_alerts: a raised, acknowledged or resolved alert reaches every screen at once.
    op.execute("""
        CREATE FUNCTION lineside_alert_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('lineside_alerts', ''); RETURN NULL; END $$;
    """)
    op.execute("CREATE TRIGGER alert_notify AFTER INSERT OR UPDATE ON alert FOR EACH STATEMENT"
               " EXECUTE FUNCTION lineside_alert_notify()")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS alert_notify ON alert")
    op.execute("DROP FUNCTION IF EXISTS lineside_alert_notify()")
    op.drop_index('uq_alert_open', table_name='alert', postgresql_where=sa.text('resolved_at IS NULL'))
    op.drop_index('ix_alert_open', table_name='alert', postgresql_where=sa.text('resolved_at IS NULL'))
    op.drop_table('alert')
    op.drop_table('alert_rule')
