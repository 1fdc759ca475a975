"""whole pieces in work-order requirements

A component counted in pieces (EA and its spellings) is required in whole pieces: the view wo_requirement
(core/sql) rounds its requirement up, so release never makes pick tasks or reservations of 122.4 EA.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

from alembic import op

from migrations.replaceable import install

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The view as 0010 installed it (no rounding), for the downgrade.
WO_REQUIREMENT_0010 = """
CREATE OR REPLACE VIEW wo_requirement AS
SELECT wo.id AS work_order_id, b.component_item_id AS item_id, bom_requirement(wo.qty, b.qty_per, b.scrap_pct)
           AS required, b.backflush
FROM work_order wo JOIN bom_line b ON b.parent_item_id = wo.item_id;
"""


def upgrade() -> None:
    install("wo_requirement")


def downgrade() -> None:
    op.execute(WO_REQUIREMENT_0010)
