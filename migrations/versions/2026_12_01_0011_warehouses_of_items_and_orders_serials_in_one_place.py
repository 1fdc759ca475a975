"""warehouses of items and orders; a serial in one place

A finished good is stocked in its own warehouse (putaway takes it there across warehouses), a purchase order
names the warehouse that receives it, and a sales order the one that ships it. A serial-tracked unit is on hand
in at most one place: a deferred constraint trigger on stock_balance (core/sql/serial_in_one_place.sql).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.replaceable import install

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('item', 'po_line', 'so_line'):
        op.add_column(table, sa.Column('warehouse_id', sa.BigInteger(), nullable=True))
        op.create_foreign_key(op.f(f'fk_{table}_warehouse_id_warehouse'), table, 'warehouse', ['warehouse_id'],
                              ['id'])
    # Existing items are stocked where their home location is.
    op.execute("UPDATE item i SET warehouse_id = l.warehouse_id FROM location l WHERE l.id = i.home_location_id")
    install("serial_in_one_place")
    op.execute("CREATE CONSTRAINT TRIGGER serial_in_one_place AFTER INSERT OR UPDATE OF qty, lot_id"
               " ON stock_balance DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
               " WHEN (NEW.lot_id IS NOT NULL AND NEW.qty > 0) EXECUTE FUNCTION serial_in_one_place()")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS serial_in_one_place ON stock_balance")
    op.execute("DROP FUNCTION IF EXISTS serial_in_one_place()")
    for table in ('so_line', 'po_line', 'item'):
        op.drop_constraint(op.f(f'fk_{table}_warehouse_id_warehouse'), table, type_='foreignkey')
        op.drop_column(table, 'warehouse_id')
