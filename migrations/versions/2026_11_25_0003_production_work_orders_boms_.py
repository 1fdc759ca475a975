"""production work orders boms reservations genealogy

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 07:11:46.127041
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('bom_line',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('parent_item_id', sa.BigInteger(), nullable=False),
    sa.Column('component_item_id', sa.BigInteger(), nullable=False),
    sa.Column('qty_per', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('scrap_pct', sa.Numeric(precision=6, scale=3), server_default='0', nullable=False),
    sa.Column('backflush', sa.Boolean(), server_default='false', nullable=False),
    sa.CheckConstraint('parent_item_id <> component_item_id', name=op.f('ck_bom_line_not_self')),
    sa.CheckConstraint('qty_per > 0', name=op.f('ck_bom_line_qty_per_positive')),
    sa.CheckConstraint('scrap_pct >= 0 AND scrap_pct < 100', name=op.f('ck_bom_line_scrap_pct')),
    sa.ForeignKeyConstraint(['component_item_id'], ['item.id'], name=op.f('fk_bom_line_component_item_id_item')),
    sa.ForeignKeyConstraint(['parent_item_id'], ['item.id'], name=op.f('fk_bom_line_parent_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bom_line')),
    sa.UniqueConstraint('parent_item_id', 'component_item_id', name='uq_bom_line_parent_component')
    )
    op.create_index(op.f('ix_bom_line_parent_item_id'), 'bom_line', ['parent_item_id'], unique=False)
    op.create_table('work_order',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('wo_number', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('line', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status', sa.String(length=12), server_default='planned', nullable=False),
    sa.Column('qty_completed', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('qty_scrapped', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('output_seq', sa.Integer(), server_default='0', nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'released', 'in_progress', 'completed', 'closed', 'cancelled')", name=op.f('ck_work_order_status')),
    sa.CheckConstraint('qty > 0', name=op.f('ck_work_order_qty_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_work_order_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_order')),
    sa.UniqueConstraint('wo_number', name=op.f('uq_work_order_wo_number'))
    )
    op.create_index('ix_work_order_open_due', 'work_order', ['due_date'], unique=False, postgresql_where="status IN ('planned','released','in_progress')")
    op.create_table('genealogy',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('input_lot_id', sa.BigInteger(), nullable=False),
    sa.Column('output_lot_id', sa.BigInteger(), nullable=False),
    sa.Column('work_order_id', sa.BigInteger(), nullable=False),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('input_lot_id <> output_lot_id', name=op.f('ck_genealogy_not_self')),
    sa.ForeignKeyConstraint(['input_lot_id'], ['lot.id'], name=op.f('fk_genealogy_input_lot_id_lot')),
    sa.ForeignKeyConstraint(['output_lot_id'], ['lot.id'], name=op.f('fk_genealogy_output_lot_id_lot')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_genealogy_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_genealogy')),
    sa.UniqueConstraint('input_lot_id', 'output_lot_id', 'work_order_id', name='uq_genealogy_link')
    )
    op.create_index('ix_genealogy_output', 'genealogy', ['output_lot_id'], unique=False)
    op.create_table('pick_task',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('work_order_id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('lot_id', sa.BigInteger(), nullable=True),
    sa.Column('from_location_id', sa.BigInteger(), nullable=False),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('picked_qty', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('status', sa.String(length=12), server_default='open', nullable=False),
    sa.Column('claimed_by', sa.BigInteger(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('picked_by', sa.BigInteger(), nullable=True),
    sa.Column('picked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'picked', 'short', 'cancelled')", name=op.f('ck_pick_task_status')),
    sa.ForeignKeyConstraint(['claimed_by'], ['operator.id'], name=op.f('fk_pick_task_claimed_by_operator')),
    sa.ForeignKeyConstraint(['from_location_id'], ['location.id'], name=op.f('fk_pick_task_from_location_id_location')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_pick_task_item_id_item')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_pick_task_lot_id_lot')),
    sa.ForeignKeyConstraint(['picked_by'], ['operator.id'], name=op.f('fk_pick_task_picked_by_operator')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_pick_task_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_task'))
    )
    op.create_index(op.f('ix_pick_task_work_order_id'), 'pick_task', ['work_order_id'], unique=False)
    op.create_table('replenishment_request',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('work_order_id', sa.BigInteger(), nullable=False),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('need_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), server_default='open', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_replenishment_request_item_id_item')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_replenishment_request_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_replenishment_request'))
    )
    op.create_index(op.f('ix_replenishment_request_work_order_id'), 'replenishment_request', ['work_order_id'], unique=False)
    op.create_table('reservation',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('work_order_id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('lot_id', sa.BigInteger(), nullable=True),
    sa.Column('location_id', sa.BigInteger(), nullable=False),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('qty > 0', name=op.f('ck_reservation_qty_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_reservation_item_id_item')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_reservation_location_id_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_reservation_lot_id_lot')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_reservation_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reservation'))
    )
    op.create_index('uq_reservation_key', 'reservation', ['work_order_id', 'location_id', 'item_id', sa.literal_column('coalesce(lot_id, 0)')], unique=True)
    op.create_index('ix_reservation_balance', 'reservation', ['location_id', 'item_id', 'lot_id'], unique=False)
    op.create_index(op.f('ix_reservation_work_order_id'), 'reservation', ['work_order_id'], unique=False)
    op.create_table('wo_issue',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('work_order_id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('lot_id', sa.BigInteger(), nullable=True),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('operator_id', sa.BigInteger(), nullable=False),
    sa.Column('backflush', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_wo_issue_item_id_item')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_wo_issue_lot_id_lot')),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_wo_issue_operator_id_operator')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_wo_issue_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wo_issue'))
    )
    op.create_index(op.f('ix_wo_issue_lot_id'), 'wo_issue', ['lot_id'], unique=False)
    op.create_index(op.f('ix_wo_issue_work_order_id'), 'wo_issue', ['work_order_id'], unique=False)
    op.add_column('lot', sa.Column('work_order_id', sa.BigInteger(), nullable=True))
    op.add_column('lot', sa.Column('produced_at', sa.DateTime(timezone=True), nullable=True))
    op.create_foreign_key(op.f('fk_lot_work_order_id_work_order'), 'lot', 'work_order', ['work_order_id'], ['id'], use_alter=True)


def downgrade() -> None:
    op.drop_constraint(op.f('fk_lot_work_order_id_work_order'), 'lot', type_='foreignkey')
    op.drop_column('lot', 'produced_at')
    op.drop_column('lot', 'work_order_id')
    op.drop_index(op.f('ix_wo_issue_work_order_id'), table_name='wo_issue')
    op.drop_index(op.f('ix_wo_issue_lot_id'), table_name='wo_issue')
    op.drop_table('wo_issue')
    op.drop_index(op.f('ix_reservation_work_order_id'), table_name='reservation')
    op.drop_index('uq_reservation_key', table_name='reservation')
    op.drop_index('ix_reservation_balance', table_name='reservation')
    op.drop_table('reservation')
    op.drop_index(op.f('ix_replenishment_request_work_order_id'), table_name='replenishment_request')
    op.drop_table('replenishment_request')
    op.drop_index(op.f('ix_pick_task_work_order_id'), table_name='pick_task')
    op.drop_table('pick_task')
    op.drop_index('ix_genealogy_output', table_name='genealogy')
    op.drop_table('genealogy')
    op.drop_index('ix_work_order_open_due', table_name='work_order', postgresql_where="status IN ('planned','released','in_progress')")
    op.drop_table('work_order')
    op.drop_index(op.f('ix_bom_line_parent_item_id'), table_name='bom_line')
    op.drop_table('bom_line')
