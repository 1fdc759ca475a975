"""foundation schema: master data, operators, lots, balances, ledger, audit, outbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 06:58:44.086752
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The movement ledger and the audit trail are append-only: history is corrected by new rows, never edited.
APPEND_ONLY = ("movement", "audit_log")
APPEND_ONLY_FN = """
CREATE FUNCTION lineside_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lineside: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def upgrade() -> None:
    op.create_table('customer',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer')),
    sa.UniqueConstraint('code', name=op.f('uq_customer_code'))
    )
    op.create_table('operator',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('badge', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('roles', postgresql.ARRAY(sa.String(length=16)), nullable=False),
    sa.Column('pin_hash', sa.String(length=200), nullable=True),
    sa.Column('failed_attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), server_default='true', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator')),
    sa.UniqueConstraint('badge', name=op.f('uq_operator_badge'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('event_id', sa.UUID(), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('aggregate', sa.String(length=128), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('warehouse', sa.String(length=32), nullable=True),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('event_id', name=op.f('uq_outbox_event_id'))
    )
    op.create_index('ix_outbox_unpublished', 'outbox', ['id'], unique=False, postgresql_where='published_at IS NULL')
    op.create_table('supplier',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier')),
    sa.UniqueConstraint('code', name=op.f('uq_supplier_code'))
    )
    op.create_table('warehouse',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warehouse')),
    sa.UniqueConstraint('code', name=op.f('uq_warehouse_code'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('operator_id', sa.BigInteger(), nullable=True),
    sa.Column('badge', sa.String(length=64), nullable=True),
    sa.Column('terminal', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('entity_key', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('old', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('new', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_audit_log_operator_id_operator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_table('location',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('zone', sa.String(length=32), nullable=True),
    sa.Column('capacity_lots', sa.Integer(), nullable=True),
    sa.Column('pick_sequence', sa.Integer(), server_default='0', nullable=False),
    sa.Column('line', sa.String(length=32), nullable=True),
    sa.CheckConstraint("kind IN ('dock', 'storage', 'quarantine', 'line_side', 'shipping')", name=op.f('ck_location_kind')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_location_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location')),
    sa.UniqueConstraint('warehouse_id', 'code', name='uq_location_warehouse_code')
    )
    op.create_index(op.f('ix_location_code'), 'location', ['code'], unique=False)
    op.create_table('operation',
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('operator_id', sa.BigInteger(), nullable=False),
    sa.Column('terminal', sa.String(length=128), nullable=False),
    sa.Column('result', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_operation_operator_id_operator')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_operation'))
    )
    op.create_table('item',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('uom', sa.String(length=16), nullable=False),
    sa.Column('tracking', sa.String(length=8), server_default='lot', nullable=False),
    sa.Column('shelf_life_days', sa.Integer(), nullable=True),
    sa.Column('gtin', sa.String(length=14), nullable=True),
    sa.Column('safety_stock', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('reorder_qty', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('abc', sa.String(length=1), nullable=True),
    sa.Column('unit_cost', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('qc_required', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('home_location_id', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("abc IS NULL OR abc IN ('A','B','C')", name=op.f('ck_item_abc')),
    sa.CheckConstraint("tracking IN ('none', 'lot', 'serial')", name=op.f('ck_item_tracking')),
    sa.ForeignKeyConstraint(['home_location_id'], ['location.id'], name=op.f('fk_item_home_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item')),
    sa.UniqueConstraint('gtin', name=op.f('uq_item_gtin')),
    sa.UniqueConstraint('sku', name=op.f('uq_item_sku'))
    )
    op.create_table('lot',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('lot_no', sa.String(length=64), nullable=False),
    sa.Column('supplier_id', sa.BigInteger(), nullable=True),
    sa.Column('expiry', sa.Date(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('qc_status', sa.String(length=8), server_default='none', nullable=False),
    sa.Column('inspected_by', sa.BigInteger(), nullable=True),
    sa.Column('inspected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("qc_status IN ('none', 'pending', 'passed', 'failed')", name=op.f('ck_lot_qc_status')),
    sa.ForeignKeyConstraint(['inspected_by'], ['operator.id'], name=op.f('fk_lot_inspected_by_operator')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_lot_item_id_item')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_lot_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot')),
    sa.UniqueConstraint('item_id', 'lot_no', name='uq_lot_item_lot_no')
    )
    op.create_index(op.f('ix_lot_lot_no'), 'lot', ['lot_no'], unique=False)
    op.create_table('movement',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('lot_id', sa.BigInteger(), nullable=True),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('from_location_id', sa.BigInteger(), nullable=True),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_location_id', sa.BigInteger(), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=True),
    sa.Column('operator_id', sa.BigInteger(), nullable=False),
    sa.Column('terminal', sa.String(length=128), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('reference', sa.String(length=128), nullable=True),
    sa.Column('operation_key', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('from_location_id IS NOT NULL OR to_location_id IS NOT NULL', name=op.f('ck_movement_has_side')),
    sa.CheckConstraint('qty > 0', name=op.f('ck_movement_qty_positive')),
    sa.ForeignKeyConstraint(['from_location_id'], ['location.id'], name=op.f('fk_movement_from_location_id_location')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_movement_item_id_item')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_movement_lot_id_lot')),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_movement_operator_id_operator')),
    sa.ForeignKeyConstraint(['to_location_id'], ['location.id'], name=op.f('fk_movement_to_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movement'))
    )
    op.create_index('ix_movement_created_at', 'movement', ['created_at'], unique=False)
    op.create_index('ix_movement_item_lot', 'movement', ['item_id', 'lot_id'], unique=False)
    op.create_index(op.f('ix_movement_operation_key'), 'movement', ['operation_key'], unique=False)
    op.create_table('stock_balance',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('location_id', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('lot_id', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('qty', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('reserved', sa.Numeric(precision=18, scale=6), server_default='0', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('available', 'qc_hold', 'blocked', 'rejected')", name=op.f('ck_stock_balance_status')),
    sa.CheckConstraint('qty >= 0', name=op.f('ck_stock_balance_qty_nonneg')),
    sa.CheckConstraint('reserved >= 0 AND reserved <= qty', name=op.f('ck_stock_balance_reserved_within_qty')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_stock_balance_item_id_item')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_stock_balance_location_id_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_stock_balance_lot_id_lot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_balance'))
    )
    op.create_index('ix_stock_balance_item', 'stock_balance', ['item_id', 'status'], unique=False)
    op.create_index('ix_stock_balance_lot', 'stock_balance', ['lot_id'], unique=False)
    op.create_index('uq_stock_balance_key', 'stock_balance', ['location_id', 'item_id', sa.literal_column('coalesce(lot_id, 0)'), 'status'], unique=True)

    # The CLI, imports and the integration relay act as this operator; it has no PIN and cannot log in.
    op.execute(
        "INSERT INTO operator (badge, name, roles) VALUES ('SYSTEM', 'Lineside system', '{admin,supervisor}')"
    )
    op.execute(APPEND_ONLY_FN)
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION lineside_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION lineside_refuse_change()"
        )


def downgrade() -> None:
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS lineside_refuse_change()")
    op.drop_index('uq_stock_balance_key', table_name='stock_balance')
    op.drop_index('ix_stock_balance_lot', table_name='stock_balance')
    op.drop_index('ix_stock_balance_item', table_name='stock_balance')
    op.drop_table('stock_balance')
    op.drop_index(op.f('ix_movement_operation_key'), table_name='movement')
    op.drop_index('ix_movement_item_lot', table_name='movement')
    op.drop_index('ix_movement_created_at', table_name='movement')
    op.drop_table('movement')
    op.drop_index(op.f('ix_lot_lot_no'), table_name='lot')
    op.drop_table('lot')
    op.drop_table('item')
    op.drop_table('operation')
    op.drop_index(op.f('ix_location_code'), table_name='location')
    op.drop_table('location')
    op.drop_table('audit_log')
    op.drop_table('warehouse')
    op.drop_table('supplier')
    op.drop_index('ix_outbox_unpublished', table_name='outbox', postgresql_where='published_at IS NULL')
    op.drop_table('outbox')
    op.drop_table('operator')
    op.drop_table('customer')
