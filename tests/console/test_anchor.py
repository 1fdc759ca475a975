"""A running console anchors the audit chain outside the database on its interval, in a thread worker."""

from __future__ import annotations

import json

from console.app import LinesideApp
from console.services import ConsoleServices
from tests import helpers
from tests.console.conftest import SIZE, TERMINAL
from tests.console.steps import wait_until


async def test_the_console_anchors_on_its_interval_with_nobody_signed_in(db, site, tmp_path):
    path = tmp_path / "audit-anchors.jsonl"
    app = LinesideApp(ConsoleServices(db, TERMINAL, anchors_home=tmp_path), lang="en", anchor_minutes=0.002)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, path.exists, timeout=10)
        assert app.actor is None  # the login screen: anchoring needs no one signed in
        await pilot.pause(0.5)  # several more intervals
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert len(lines) == 1  # the head did not move: one anchor, however often the interval came round
    assert lines[0]["seq"] == helpers.scalar(db, "SELECT last_id FROM audit_head")
