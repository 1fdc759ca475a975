"""inbound purchase order lines and receipts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 07:05:54.980781
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('po_line',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('po_number', sa.String(length=64), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('received_qty', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), server_default='open', nullable=False),
    sa.CheckConstraint("status IN ('open', 'partly_received', 'received', 'cancelled')", name=op.f('ck_po_line_status')),
    sa.CheckConstraint('qty > 0', name=op.f('ck_po_line_qty_positive')),
    sa.CheckConstraint('received_qty >= 0', name=op.f('ck_po_line_received_nonneg')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_po_line_item_id_item')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_po_line_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_po_line')),
    sa.UniqueConstraint('po_number', 'line_no', name='uq_po_line_po_number_line_no')
    )
    op.create_index(op.f('ix_po_line_po_number'), 'po_line', ['po_number'], unique=False)
    op.create_table('receipt',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('operation_key', sa.String(length=128), nullable=False),
    sa.Column('po_line_id', sa.BigInteger(), nullable=True),
    sa.Column('supplier_id', sa.BigInteger(), nullable=True),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('lot_id', sa.BigInteger(), nullable=True),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('location_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('operator_id', sa.BigInteger(), nullable=False),
    sa.Column('terminal', sa.String(length=128), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('over_receipt_reason', sa.Text(), nullable=True),
    sa.Column('approved_by', sa.BigInteger(), nullable=True),
    sa.Column('putaway_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('putaway_location_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by'], ['operator.id'], name=op.f('fk_receipt_approved_by_operator')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_receipt_item_id_item')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_receipt_location_id_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_receipt_lot_id_lot')),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_receipt_operator_id_operator')),
    sa.ForeignKeyConstraint(['po_line_id'], ['po_line.id'], name=op.f('fk_receipt_po_line_id_po_line')),
    sa.ForeignKeyConstraint(['putaway_location_id'], ['location.id'], name=op.f('fk_receipt_putaway_location_id_location')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_receipt_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt')),
    sa.UniqueConstraint('operation_key', name=op.f('uq_receipt_operation_key'))
    )
    op.create_index(op.f('ix_receipt_lot_id'), 'receipt', ['lot_id'], unique=False)
    op.create_index(op.f('ix_receipt_po_line_id'), 'receipt', ['po_line_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_receipt_po_line_id'), table_name='receipt')
    op.drop_index(op.f('ix_receipt_lot_id'), table_name='receipt')
    op.drop_table('receipt')
    op.drop_index(op.f('ix_po_line_po_number'), table_name='po_line')
    op.drop_table('po_line')
