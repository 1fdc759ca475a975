"""the shop floor: work centres, routings, QC plans, downtime reasons; a work order's operations, their events
and measurements; nonconformances; downtime

A work order's operations are made from its item's routing at release (op_no order, work centre, ideal minutes
per unit, setup, QC plan), so changing a routing later does not change an order already on the floor. At most one
downtime is open per work centre (a partial unique index): the same work centre again ends it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('downtime_reason',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('planned', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_downtime_reason')),
    sa.UniqueConstraint('code', name=op.f('uq_downtime_reason_code'))
    )
    op.create_table('qc_characteristic',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('plan', sa.String(length=64), nullable=False),
    sa.Column('characteristic', sa.String(length=64), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('min_value', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('max_value', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.CheckConstraint('min_value IS NULL OR max_value IS NULL OR min_value <= max_value', name=op.f('ck_qc_characteristic_limits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qc_characteristic')),
    sa.UniqueConstraint('plan', 'characteristic', name='uq_qc_characteristic_plan_characteristic')
    )
    op.create_table('work_center',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('line', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_center')),
    sa.UniqueConstraint('code', name=op.f('uq_work_center_code'))
    )
    op.create_table('downtime',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('work_center_id', sa.BigInteger(), nullable=False),
    sa.Column('reason_id', sa.BigInteger(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('operator_id', sa.BigInteger(), nullable=False),
    sa.Column('terminal', sa.String(length=64), nullable=False),
    sa.Column('ended_by', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('ended_at IS NULL OR ended_at >= started_at', name=op.f('ck_downtime_ends_after_start')),
    sa.ForeignKeyConstraint(['ended_by'], ['operator.id'], name=op.f('fk_downtime_ended_by_operator')),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_downtime_operator_id_operator')),
    sa.ForeignKeyConstraint(['reason_id'], ['downtime_reason.id'], name=op.f('fk_downtime_reason_id_downtime_reason')),
    sa.ForeignKeyConstraint(['work_center_id'], ['work_center.id'], name=op.f('fk_downtime_work_center_id_work_center')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_downtime'))
    )
    op.create_index('ix_downtime_center_started', 'downtime', ['work_center_id', 'started_at'], unique=False)
    op.create_index('uq_downtime_open', 'downtime', ['work_center_id'], unique=True, postgresql_where='ended_at IS NULL')
    op.create_table('routing',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('op_no', sa.Integer(), nullable=False),
    sa.Column('work_center_id', sa.BigInteger(), nullable=False),
    sa.Column('minutes_per_unit', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('setup_minutes', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('qc_plan', sa.String(length=64), nullable=True),
    sa.CheckConstraint('minutes_per_unit > 0', name=op.f('ck_routing_minutes_positive')),
    sa.CheckConstraint('setup_minutes >= 0', name=op.f('ck_routing_setup_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_routing_item_id_item')),
    sa.ForeignKeyConstraint(['work_center_id'], ['work_center.id'], name=op.f('fk_routing_work_center_id_work_center')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing')),
    sa.UniqueConstraint('item_id', 'op_no', name='uq_routing_item_op_no')
    )
    op.create_table('wo_operation',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('work_order_id', sa.BigInteger(), nullable=False),
    sa.Column('op_no', sa.Integer(), nullable=False),
    sa.Column('work_center_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=12), server_default='planned', nullable=False),
    sa.Column('good', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('scrap', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('scrap_reason', sa.String(length=32), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('minutes_per_unit', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('setup_minutes', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('qc_plan', sa.String(length=64), nullable=True),
    sa.Column('rework_of', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("status IN ('planned', 'running', 'done')", name=op.f('ck_wo_operation_status')),
    sa.CheckConstraint('good >= 0 AND scrap >= 0', name=op.f('ck_wo_operation_quantities')),
    sa.ForeignKeyConstraint(['work_center_id'], ['work_center.id'], name=op.f('fk_wo_operation_work_center_id_work_center')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_wo_operation_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wo_operation')),
    sa.UniqueConstraint('work_order_id', 'op_no', name='uq_wo_operation_work_order_op_no')
    )
    op.create_index('ix_wo_operation_center_finished', 'wo_operation', ['work_center_id', 'finished_at'], unique=False)
    op.create_table('measurement',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('wo_operation_id', sa.BigInteger(), nullable=False),
    sa.Column('characteristic', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('operator_id', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_measurement_operator_id_operator')),
    sa.ForeignKeyConstraint(['wo_operation_id'], ['wo_operation.id'], name=op.f('fk_measurement_wo_operation_id_wo_operation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurement'))
    )
    op.create_index(op.f('ix_measurement_wo_operation_id'), 'measurement', ['wo_operation_id'], unique=False)
    op.create_table('nonconformance',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('wo_operation_id', sa.BigInteger(), nullable=True),
    sa.Column('work_order_id', sa.BigInteger(), nullable=True),
    sa.Column('lot_id', sa.BigInteger(), nullable=True),
    sa.Column('characteristic', sa.String(length=64), nullable=True),
    sa.Column('value', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('status', sa.String(length=8), server_default='open', nullable=False),
    sa.Column('disposition', sa.String(length=12), nullable=True),
    sa.Column('disposition_reason', sa.Text(), nullable=True),
    sa.Column('raised_by', sa.BigInteger(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('signed_by', sa.BigInteger(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('meaning', sa.String(length=32), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("disposition IS NULL OR disposition IN ('scrap', 'rework', 'use_as_is')", name=op.f('ck_nonconformance_disposition')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_nonconformance_status')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_nonconformance_lot_id_lot')),
    sa.ForeignKeyConstraint(['raised_by'], ['operator.id'], name=op.f('fk_nonconformance_raised_by_operator')),
    sa.ForeignKeyConstraint(['signed_by'], ['operator.id'], name=op.f('fk_nonconformance_signed_by_operator')),
    sa.ForeignKeyConstraint(['wo_operation_id'], ['wo_operation.id'], name=op.f('fk_nonconformance_wo_operation_id_wo_operation')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_nonconformance_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nonconformance'))
    )
    op.create_index('ix_nonconformance_open', 'nonconformance', ['work_order_id'], unique=False, postgresql_where="status = 'open'")
    op.create_table('operation_event',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('wo_operation_id', sa.BigInteger(), nullable=False),
    sa.Column('operator_id', sa.BigInteger(), nullable=False),
    sa.Column('terminal', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.CheckConstraint("kind IN ('start', 'finish')", name=op.f('ck_operation_event_kind')),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_operation_event_operator_id_operator')),
    sa.ForeignKeyConstraint(['wo_operation_id'], ['wo_operation.id'], name=op.f('fk_operation_event_wo_operation_id_wo_operation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operation_event'))
    )
    op.create_index(op.f('ix_operation_event_wo_operation_id'), 'operation_event', ['wo_operation_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_operation_event_wo_operation_id'), table_name='operation_event')
    op.drop_table('operation_event')
    op.drop_index('ix_nonconformance_open', table_name='nonconformance', postgresql_where="status = 'open'")
    op.drop_table('nonconformance')
    op.drop_index(op.f('ix_measurement_wo_operation_id'), table_name='measurement')
    op.drop_table('measurement')
    op.drop_index('ix_wo_operation_center_finished', table_name='wo_operation')
    op.drop_table('wo_operation')
    op.drop_table('routing')
    op.drop_index('uq_downtime_open', table_name='downtime', postgresql_where='ended_at IS NULL')
    op.drop_index('ix_downtime_center_started', table_name='downtime')
    op.drop_table('downtime')
    op.drop_table('work_center')
    op.drop_table('qc_characteristic')
    op.drop_table('downtime_reason')
