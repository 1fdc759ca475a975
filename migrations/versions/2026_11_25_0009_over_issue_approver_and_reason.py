"""over-issue approver and reason on wo_issue

An issue beyond what the work order requires needs a supervisor's approval and a reason; until now only the
clerk was recorded. The approver and the reason stand on the issue row, as `receipt.approved_by` does for an
over-receipt.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('wo_issue', sa.Column('approved_by', sa.BigInteger(), nullable=True))
    op.add_column('wo_issue', sa.Column('reason', sa.Text(), nullable=True))
    op.create_foreign_key(op.f('fk_wo_issue_approved_by_operator'), 'wo_issue', 'operator', ['approved_by'], ['id'])


def downgrade() -> None:
    op.drop_constraint(op.f('fk_wo_issue_approved_by_operator'), 'wo_issue', type_='foreignkey')
    op.drop_column('wo_issue', 'reason')
    op.drop_column('wo_issue', 'approved_by')
