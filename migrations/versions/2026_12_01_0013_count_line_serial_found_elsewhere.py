"""a count line records where the book had a serial found elsewhere

A serial is one unit in one place: a count that finds one booked at another location proposes a move of that
unit to the counted location (never a second unit). The line records the location the book had it at, so the
supervisor who approves sees the move and the approval posts it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('count_line', sa.Column('from_location_id', sa.BigInteger(), nullable=True))
    op.create_foreign_key(op.f('fk_count_line_from_location_id_location'), 'count_line', 'location',
                          ['from_location_id'], ['id'])


def downgrade() -> None:
    op.drop_constraint(op.f('fk_count_line_from_location_id_location'), 'count_line', type_='foreignkey')
    op.drop_column('count_line', 'from_location_id')
