"""cycle count tasks and lines

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 07:23:54.399578
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('count_task',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('location_id', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=12), server_default='open', nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'closed', 'cancelled')", name=op.f('ck_count_task_status')),
    sa.ForeignKeyConstraint(['created_by'], ['operator.id'], name=op.f('fk_count_task_created_by_operator')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_count_task_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_count_task'))
    )
    op.create_index('uq_count_task_open', 'count_task', ['location_id'], unique=True, postgresql_where=sa.text("status = 'open'"))
    op.create_table('count_line',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('task_id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('lot_id', sa.BigInteger(), nullable=True),
    sa.Column('counted_qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('expected_qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('within_tolerance', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('counted_by', sa.BigInteger(), nullable=False),
    sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by', sa.BigInteger(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('posted', 'pending', 'approved', 'recount')", name=op.f('ck_count_line_status')),
    sa.ForeignKeyConstraint(['approved_by'], ['operator.id'], name=op.f('fk_count_line_approved_by_operator')),
    sa.ForeignKeyConstraint(['counted_by'], ['operator.id'], name=op.f('fk_count_line_counted_by_operator')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_count_line_item_id_item')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_count_line_lot_id_lot')),
    sa.ForeignKeyConstraint(['task_id'], ['count_task.id'], name=op.f('fk_count_line_task_id_count_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_count_line'))
    )
    op.create_index(op.f('ix_count_line_task_id'), 'count_line', ['task_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_count_line_task_id'), table_name='count_line')
    op.drop_table('count_line')
    op.drop_index('uq_count_task_open', table_name='count_task', postgresql_where=sa.text("status = 'open'"))
    op.drop_table('count_task')
