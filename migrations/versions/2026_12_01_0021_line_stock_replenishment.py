"""line-side min/max and replenishment tasks

`line_stock` holds a min and max per line-side location and item; `replenishment_task` the tasks it raises, at
most one open (or being picked) per location and item: a partial unique index, so two concurrent consumptions
cannot raise two. A statement trigger on the ledger (`movement`) evaluates, inside the consuming transaction, the
legs' sources that have a line_stock row (core/sql/replenishment_*.sql). The runtime grants on the new tables are
re-applied by `lineside db upgrade` (core/roles.py refresh_grants), as for 0020.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.replaceable import install

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = "status IN ('open', 'picked')"
OBJECTS = ("replenishment_source", "replenishment_evaluate", "replenishment_on_movement")
TRIGGER = ("CREATE TRIGGER movement_replenishment AFTER INSERT ON movement REFERENCING NEW TABLE AS moved"
           " FOR EACH STATEMENT EXECUTE FUNCTION replenishment_on_movement()")


def upgrade() -> None:
    op.create_table('line_stock',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('location_id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('min_qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('max_qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.CheckConstraint('min_qty >= 0 AND min_qty <= max_qty', name=op.f('ck_line_stock_min_within_max')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_line_stock_item_id_item')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_line_stock_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_line_stock')),
    sa.UniqueConstraint('location_id', 'item_id', name='uq_line_stock_location_item')
    )
    op.create_table('replenishment_task',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('location_id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('status', sa.String(length=12), server_default='open', nullable=False),
    sa.Column('from_location_id', sa.BigInteger(), nullable=True),
    sa.Column('lot_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('claimed_by', sa.BigInteger(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'picked', 'done', 'cancelled')", name=op.f('ck_replenishment_task_status')),
    sa.CheckConstraint('qty > 0', name=op.f('ck_replenishment_task_qty_positive')),
    sa.ForeignKeyConstraint(['claimed_by'], ['operator.id'], name=op.f('fk_replenishment_task_claimed_by_operator')),
    sa.ForeignKeyConstraint(['closed_by'], ['operator.id'], name=op.f('fk_replenishment_task_closed_by_operator')),
    sa.ForeignKeyConstraint(['from_location_id'], ['location.id'],
                            name=op.f('fk_replenishment_task_from_location_id_location')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_replenishment_task_item_id_item')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_replenishment_task_location_id_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_replenishment_task_lot_id_lot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_replenishment_task'))
    )
    op.create_index('uq_replenishment_task_open', 'replenishment_task', ['location_id', 'item_id'], unique=True,
                    postgresql_where=sa.text(ACTIVE))
    op.create_index('ix_replenishment_task_open_created', 'replenishment_task', ['created_at'], unique=False,
                    postgresql_where=sa.text(ACTIVE))
    install(*OBJECTS)
    op.execute(TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER movement_replenishment ON movement")
    op.execute("DROP FUNCTION replenishment_on_movement()")
    op.execute("DROP FUNCTION replenishment_evaluate(bigint[], bigint[])")
    op.execute("DROP FUNCTION replenishment_source(bigint, bigint)")
    op.drop_index('ix_replenishment_task_open_created', table_name='replenishment_task',
                  postgresql_where=sa.text(ACTIVE))
    op.drop_index('uq_replenishment_task_open', table_name='replenishment_task', postgresql_where=sa.text(ACTIVE))
    op.drop_table('replenishment_task')
    op.drop_table('line_stock')
