"""The production screens' prompts, columns, keys and reason lists all have a zh_CN translation."""

import pytest

from console.screens import issue, output, picking, workorders
from console.screens import production_common as pc
from core.i18n import catalog

TEXTS = [
    *picking.PROMPTS.values(), *issue.PROMPTS.values(), *output.PROMPTS.values(), *workorders.PROMPTS.values(),
    *(c for c, _n in picking.COLUMNS + issue.COLUMNS + workorders.LIST_COLUMNS + workorders.COMPONENT_COLUMNS),
    *(label for _k, label in [pc.ENTER_ACCEPT, pc.SHORT_PICK, pc.APPROVAL, pc.REPRINT, *workorders.ACTIONS.values()]),
    *(m for _c, m in pc.SHORT_REASONS + pc.OVER_ISSUE_REASONS), *pc.STATES, *pc.KIT_STYLES,
]


@pytest.mark.parametrize("msgid", sorted(set(TEXTS) - {"#"}))
def test_translated(msgid):
    assert msgid in catalog("zh_CN")
