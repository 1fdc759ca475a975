"""the schedule: a supervisor's pinned position of a work order in its line's sequence; when a PO line was made

`work_order.schedule_position` is NULL for an order the schedule places by itself (due date, priority, kitting);
a number pins the order at that position of its line (core/services/schedule.py). `po_line.created_at` is the
order date the safety-stock plan measures the supplier's lead time from (to each receipt); lines that exist
before this revision get the time of the upgrade. The alert rule `safety_stock_off`: an item's configured safety
stock 50 % off the plan. No new table: the runtime grants `db upgrade` re-applies (core/roles.py) cover both.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('work_order', sa.Column('schedule_position', sa.Integer(), nullable=True))
    op.create_check_constraint(op.f('ck_work_order_schedule_position_positive'), 'work_order',
                               'schedule_position IS NULL OR schedule_position > 0')
    op.add_column('po_line', sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'),
                                       nullable=False))
    # The safety-stock plan's alert (core/services/alert_rules.py): off by more than 50 % of the plan.
    op.execute("INSERT INTO alert_rule (rule, severity, threshold) VALUES ('safety_stock_off', 'info', 50)"
               " ON CONFLICT (rule) DO NOTHING")


def downgrade() -> None:
    op.execute("DELETE FROM alert WHERE rule = 'safety_stock_off'")
    op.execute("DELETE FROM alert_rule WHERE rule = 'safety_stock_off'")
    op.drop_column('po_line', 'created_at')
    op.drop_constraint(op.f('ck_work_order_schedule_position_positive'), 'work_order', type_='check')
    op.drop_column('work_order', 'schedule_position')
