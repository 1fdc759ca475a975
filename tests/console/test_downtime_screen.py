"""Downtime (`d`) by scans: a running work centre -> the reason number -> started; the same centre again -> since
when and why, Enter ends it; refusals on their step; snapshots at 80x24 in both languages (the start pinned)."""

from __future__ import annotations

import pytest

from console.screens.downtime import DowntimeScreen
from core.services import downtime
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.shopfloor_steps import floor, open_flow, refused, to  # noqa: F401  (fixture)
from tests.console.steps import text_of
from tests.console.test_flow_snapshots import utc  # noqa: F401  (fixture)

LANGS = ["en", "zh_CN"]


def stops(db) -> list[tuple]:
    return [tuple(r) for r in helpers.rows(
        db, "SELECT w.code, r.code, d.ended_at IS NOT NULL FROM downtime d JOIN work_center w"
            " ON w.id = d.work_center_id JOIN downtime_reason r ON r.id = d.reason_id ORDER BY d.id")]


@pytest.fixture
def stopped(db, floor, utc):  # noqa: F811
    """SMT-1 stands still for a breakdown since 2026-12-01 06:30 UTC."""
    downtime.start(db, helpers.actor(db, "C001"), key="d1", work_center="SMT-1", reason="BREAKDOWN")
    helpers.exec_sql(db, "UPDATE downtime SET started_at = '2026-12-01 06:30+00'")


async def test_start_then_end_a_downtime(db, make_app, floor):  # noqa: F811
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_flow(pilot, "C001", "d")
        screen = app.screen
        assert isinstance(screen, DowntimeScreen) and screen.step == "wc"
        await to(pilot, "SMT-1", "reason")
        shown = text_of(app, "#detail")
        assert "1   Break" in shown and "planned stop" in shown and "unplanned stop" in shown
        assert text_of(app, "#prompt") == "Why does SMT-1 stop: type the reason number, then Enter"
        await to(pilot, "2", "wc")  # planned first: 1 BREAK, then 2 BREAKDOWN, 3 NO_MATERIAL
        assert screen.message.text == "SMT-1 stopped: Breakdown"
        assert stops(db) == [("SMT-1", "BREAKDOWN", False)]
        await to(pilot, "SMT-1", "end")
        assert "Stopped since" in text_of(app, "#detail") and "Breakdown (unplanned stop)" in text_of(app, "#detail")
        await to(pilot, "", "wc")
        assert screen.message.text.startswith("SMT-1 runs again after 0 min (Breakdown)")
    assert stops(db) == [("SMT-1", "BREAKDOWN", True)]


async def test_the_same_work_centre_scanned_again_ends_it(db, make_app, stopped):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_flow(pilot, "C001", "d")
        await to(pilot, "SMT-1", "end")
        assert await refused(pilot, "COAT-1") == "COAT-1 is not SMT-1: Enter ends its downtime"
        await to(pilot, "SMT-1", "wc")
    assert stops(db) == [("SMT-1", "BREAKDOWN", True)]


async def test_refusals_stay_on_their_step(db, make_app, floor):  # noqa: F811
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_flow(pilot, "C001", "d")
        assert await refused(pilot, "NOPE-1") == "Not found: NOPE-1"
        assert await refused(pilot, "[/]") == "Not found: [/]"
        await to(pilot, "COAT-1", "reason")
        assert await refused(pilot, "9") == "No choice 9"
        assert await refused(pilot, "x") == "No choice x"
        await pilot.press("escape")
        assert app.screen.step == "wc"
    assert stops(db) == []


async def test_not_offered_to_an_inspector(db, make_app, floor):  # noqa: F811
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_flow(pilot, "Q001", "9")
        await pilot.press("escape")
        shown = text_of(app, "#menu")
        assert "Downtime" not in shown and "Operations" not in shown and "Nonconformance" in shown


async def _reasons(pilot) -> None:
    await open_flow(pilot, "C001", "d")
    await to(pilot, "COAT-1", "reason")


async def _end(pilot) -> None:
    await open_flow(pilot, "C001", "d")
    await to(pilot, "SMT-1", "end")


@pytest.mark.parametrize("lang", LANGS)
def test_downtime_reasons(snap_compare, make_app, stopped, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_reasons)


@pytest.mark.parametrize("lang", LANGS)
def test_downtime_end(snap_compare, make_app, stopped, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=_end)
