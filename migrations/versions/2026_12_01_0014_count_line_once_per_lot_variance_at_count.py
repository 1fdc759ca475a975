"""one count line per item/lot per task; the line records who counted and what it posted

A clerk could count the same lot again and again in one open task, each count posting within the tolerance of
the balance the previous one left. Now a task has one line per item/lot (a recount replaces it), the line keeps
everyone who counted it (none of them approves it) and what its movements have posted, so `check` can hold
every count adjustment to the line's counted quantity less the book at the moment of the count.

Older duplicate lines of a task are folded into the latest one (their counters kept).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('count_line', sa.Column('counters', postgresql.ARRAY(sa.BigInteger()), server_default='{}',
                                          nullable=False))
    op.add_column('count_line', sa.Column('adjusted_qty', sa.Numeric(18, 6), server_default='0', nullable=False))
    op.execute("""
        WITH g AS (SELECT task_id, item_id, coalesce(lot_id, 0) AS lot, max(id) AS keep,
                          array_agg(DISTINCT counted_by) AS counters
                   FROM count_line GROUP BY 1, 2, 3)
        UPDATE count_line c SET counters = g.counters FROM g WHERE c.id = g.keep""")
    op.execute("""
        DELETE FROM count_line c WHERE EXISTS (SELECT 1 FROM count_line k WHERE k.task_id = c.task_id
          AND k.item_id = c.item_id AND coalesce(k.lot_id, 0) = coalesce(c.lot_id, 0) AND k.id > c.id)""")
    op.execute("UPDATE count_line SET adjusted_qty = counted_qty - expected_qty"
               " WHERE status IN ('posted', 'approved')")
    op.create_index('uq_count_line_item_lot', 'count_line', ['task_id', 'item_id', sa.text('coalesce(lot_id, 0)')],
                    unique=True)


def downgrade() -> None:
    op.drop_index('uq_count_line_item_lot', table_name='count_line')
    op.drop_column('count_line', 'adjusted_qty')
    op.drop_column('count_line', 'counters')
