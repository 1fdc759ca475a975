"""packs and pallets: packagings of items, ASN lines by SSCC, pallets and what is on them, the SSCC serial

A pallet's contents are (lot, qty) rows at the pallet's location: moving the pallet moves them whole; breaking it
down deletes them. The sequence `sscc_serial` numbers the SSCCs Lineside issues. The runtime role's grants on the
new tables and the sequence are re-applied by `db upgrade` (core/roles.py refresh_grants), as for 0020.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('packaging',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('uom', sa.String(length=16), nullable=False),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('gtin', sa.String(length=14), nullable=True),
    sa.CheckConstraint('qty > 0', name=op.f('ck_packaging_qty_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_packaging_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packaging')),
    sa.UniqueConstraint('gtin', name=op.f('uq_packaging_gtin')),
    sa.UniqueConstraint('item_id', 'uom', name='uq_packaging_item_id_uom')
    )
    op.create_table('asn_line',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('sscc', sa.String(length=18), nullable=False),
    sa.Column('po_line_id', sa.BigInteger(), nullable=False),
    sa.Column('lot_no', sa.String(length=64), nullable=False),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('expiry', sa.Date(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('receipt_key', sa.String(length=128), nullable=True),
    sa.CheckConstraint('qty > 0', name=op.f('ck_asn_line_qty_positive')),
    sa.ForeignKeyConstraint(['po_line_id'], ['po_line.id'], name=op.f('fk_asn_line_po_line_id_po_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asn_line')),
    sa.UniqueConstraint('sscc', 'po_line_id', 'lot_no', name='uq_asn_line_sscc_po_line_id_lot_no')
    )
    op.create_index(op.f('ix_asn_line_sscc'), 'asn_line', ['sscc'], unique=False)
    op.create_table('pallet',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('sscc', sa.String(length=18), nullable=False),
    sa.Column('location_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=12), server_default='on_hand', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('on_hand', 'broken')", name=op.f('ck_pallet_status')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_pallet_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pallet')),
    sa.UniqueConstraint('sscc', name=op.f('uq_pallet_sscc'))
    )
    op.create_table('pallet_content',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('pallet_id', sa.BigInteger(), nullable=False),
    sa.Column('lot_id', sa.BigInteger(), nullable=False),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.CheckConstraint('qty > 0', name=op.f('ck_pallet_content_qty_positive')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_pallet_content_lot_id_lot')),
    sa.ForeignKeyConstraint(['pallet_id'], ['pallet.id'], name=op.f('fk_pallet_content_pallet_id_pallet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pallet_content')),
    sa.UniqueConstraint('pallet_id', 'lot_id', name='uq_pallet_content_pallet_id_lot_id')
    )
    op.create_index(op.f('ix_pallet_content_lot_id'), 'pallet_content', ['lot_id'], unique=False)
    op.execute("CREATE SEQUENCE sscc_serial START 1 MINVALUE 1")


def downgrade() -> None:
    op.execute("DROP SEQUENCE sscc_serial")
    op.drop_index(op.f('ix_pallet_content_lot_id'), table_name='pallet_content')
    op.drop_table('pallet_content')
    op.drop_table('pallet')
    op.drop_index(op.f('ix_asn_line_sscc'), table_name='asn_line')
    op.drop_table('asn_line')
    op.drop_table('packaging')
