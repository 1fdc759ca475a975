"""The production screens' prompts, Enter defaults, columns, keys and reason lists all have a zh_CN translation."""

import pytest

from console.screens import issue, output, picking, production_common, workorders
from console.words import STATE_LABELS
from core.i18n import catalog

SCREENS = [picking.PickingScreen, issue.IssueScreen, output.OutputScreen, workorders.WorkOrdersScreen]
TEXTS = [
    *(s.TITLE_MSGID for s in SCREENS),
    *(text for s in SCREENS for step in s.STEPS for text in (step.prompt, step.default) if text),
    *(label for s in SCREENS for step in s.STEPS for _k, label in step.keys),
    *(r.label for s in SCREENS for step in s.STEPS if step.reasons for r in step.reasons.choices()),
    *(c for c, _n in picking.COLUMNS + issue.COLUMNS + workorders.LIST_COLUMNS + workorders.COMPONENT_COLUMNS),
    *(label for _k, label in workorders.ACTIONS.values()), *STATE_LABELS.values(), *production_common.KIT_STYLES,
]


@pytest.mark.parametrize("msgid", sorted(set(TEXTS) - {"#"}))
def test_translated(msgid):
    assert msgid in catalog("zh_CN")
