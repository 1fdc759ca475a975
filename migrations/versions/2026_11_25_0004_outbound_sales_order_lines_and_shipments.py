"""outbound sales order lines and shipments

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 07:16:40.322469
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('so_line',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('so_number', sa.String(length=64), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('shipped_qty', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), server_default='open', nullable=False),
    sa.CheckConstraint("status IN ('open', 'partly_shipped', 'shipped', 'cancelled')", name=op.f('ck_so_line_status')),
    sa.CheckConstraint('qty > 0', name=op.f('ck_so_line_qty_positive')),
    sa.CheckConstraint('shipped_qty >= 0 AND shipped_qty <= qty', name=op.f('ck_so_line_shipped_within_qty')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_so_line_customer_id_customer')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_so_line_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_so_line')),
    sa.UniqueConstraint('so_number', 'line_no', name='uq_so_line_so_number_line_no')
    )
    op.create_index(op.f('ix_so_line_so_number'), 'so_line', ['so_number'], unique=False)
    op.create_table('shipment',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('operation_key', sa.String(length=128), nullable=False),
    sa.Column('so_line_id', sa.BigInteger(), nullable=False),
    sa.Column('customer_id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('lot_id', sa.BigInteger(), nullable=True),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('operator_id', sa.BigInteger(), nullable=False),
    sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_shipment_customer_id_customer')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_shipment_item_id_item')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_shipment_lot_id_lot')),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_shipment_operator_id_operator')),
    sa.ForeignKeyConstraint(['so_line_id'], ['so_line.id'], name=op.f('fk_shipment_so_line_id_so_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment'))
    )
    op.create_index(op.f('ix_shipment_lot_id'), 'shipment', ['lot_id'], unique=False)
    op.create_index(op.f('ix_shipment_so_line_id'), 'shipment', ['so_line_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_shipment_so_line_id'), table_name='shipment')
    op.drop_index(op.f('ix_shipment_lot_id'), table_name='shipment')
    op.drop_table('shipment')
    op.drop_index(op.f('ix_so_line_so_number'), table_name='so_line')
    op.drop_table('so_line')
