"""Cycle count in the RF-gun layout (20x16, 40x8): a blind count walked by scans at 20x16 (one lot within tolerance,
one outside), F5 closes the location; then a supervisor approves the variance with a reason and a signature. The
main states photographed at both sizes in both languages (compact_steps.shots)."""

from __future__ import annotations

from console.screens.counting import CountingScreen
from tests import helpers
from tests.console.compact_steps import RF, shots
from tests.console.steps import scan, screen_lines, wait_until
from tests.console.test_counting import count_site, on_hand, open_counting, step

count_site = count_site  # fixture


async def test_counting_at_rf_size(db, make_app, count_site, clerk, snapshot):
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        screen = await open_counting(pilot, "C900")
        await wait_until(pilot, lambda: screen.open == ["A-01"])
        await step(pilot, screen, "A-01", "lot")
        await step(pilot, screen, "IC-A", "qty")
        await shots(pilot, snapshot, "qty")
        await step(pilot, screen, "97", "lot")  # within tolerance: posted
        await step(pilot, screen, "IC-B", "qty")
        await step(pilot, screen, "30", "lot")  # outside: waits for a supervisor
        await shots(pilot, snapshot, "counted")
        assert "Expected" not in "\n".join(screen_lines(app))  # blind
        await pilot.press("f5")
        await step(pilot, screen, "", "location")
        assert screen.message.text == "A-01 closed: 1 not counted set to 0, 2 to review"
    assert on_hand(db, "IC-A") == 97 and on_hand(db, "IC-B") == 50
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        screen = await open_counting(pilot, "S900")
        assert isinstance(screen, CountingScreen)
        await pilot.press("f6")
        await wait_until(pilot, lambda: screen.step == "pending" and screen.pending)
        await shots(pilot, snapshot, "pending")
        await step(pilot, screen, "1", "decide")
        await shots(pilot, snapshot, "decide")
        await step(pilot, screen, "1", "reason")
        await step(pilot, screen, "damaged reel found", "sign")
        await scan(pilot, "1234")
        await wait_until(pilot, lambda: "Line approved" in screen.message.text)
    assert on_hand(db, "IC-B") == 30
    assert helpers.scalar(db, "SELECT reason FROM count_line WHERE status = 'approved'") == "damaged reel found"
