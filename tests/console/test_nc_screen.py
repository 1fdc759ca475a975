"""Nonconformance (`n`) by keys: the open list newest first, a disposition by number, rework at a scanned work
centre, use as is with a reason, each signed (a wrong PIN is one red line, nothing posted); snapshots at 80x24."""

from __future__ import annotations

import pytest

from console.screens.nonconformance import NonconformanceScreen
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.shopfloor_steps import failed, floor, open_flow, refused, to  # noqa: F401  (fixtures)
from tests.console.steps import table_rows, text_of, wait_until

LANGS = ["en", "zh_CN"]


def ncs(db) -> list[tuple]:
    return [tuple(r) for r in helpers.rows(db, "SELECT status, disposition, disposition_reason, meaning"
                                               " FROM nonconformance ORDER BY id")]


async def _pin(pilot, pin: str, step: str) -> None:
    screen = pilot.app.screen
    await to(pilot, pin, step)
    await wait_until(pilot, lambda: screen.message.text != "")


async def test_rework_at_a_scanned_work_centre_signed(db, make_app, failed):  # noqa: F811
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_flow(pilot, "Q001", "n")
        screen = app.screen
        assert isinstance(screen, NonconformanceScreen) and screen.step == "pick"
        await wait_until(pilot, lambda: screen.rows)
        assert table_rows(app) == [["1", "WO-1", "20", "", "thickness", "90", "10"]]
        assert await refused(pilot, "2") == "No choice 2"
        await to(pilot, "1", "disposition")
        assert "1   Scrap" in text_of(app, "#detail") and "thickness" in text_of(app, "#detail")
        assert await refused(pilot, "4") == "No choice 4"
        await to(pilot, "2", "work_center")
        assert await refused(pilot, "NOPE-1") == "Not found: NOPE-1"
        await to(pilot, "REW-1", "sign")
        assert text_of(app, "#prompt") == "Sign: Sent to rework — re-enter your PIN"
        assert "Rework at REW-1: the stock stays held until it passes" in text_of(app, "#detail")
        assert await refused(pilot, "0000") == "Wrong PIN: not signed, nothing posted"
        assert ncs(db) == [("open", None, None, None)]
        await to(pilot, "1234", "pick")
        assert screen.message.text == "Nonconformance 1: rework op 21 at REW-1; signed Sent to rework"
        await wait_until(pilot, lambda: not screen.rows)
        assert text_of(app, "#detail") == "No nonconformance waits for a disposition"
    assert ncs(db) == [("open", "rework", None, "rework")]
    assert helpers.rows(db, "SELECT o.op_no, w.code, o.rework_of IS NOT NULL FROM wo_operation o JOIN work_center w"
                            " ON w.id = o.work_center_id WHERE o.op_no = 21") == [(21, "REW-1", True)]


async def test_use_as_is_asks_why_and_scrap_signs_at_once(db, make_app, failed):  # noqa: F811
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_flow(pilot, "S001", "n", pin="9876")
        screen = app.screen
        await wait_until(pilot, lambda: screen.rows)
        await to(pilot, "1", "disposition")
        await to(pilot, "3", "reason")
        assert await refused(pilot, "[b]9[/b]") == "No choice [b]9[/b]"  # not a reason number, shown literally
        await to(pilot, "2", "sign")  # customer concession, from core's list
        assert "released (Customer concession)" in text_of(app, "#detail")
        assert text_of(app, "#prompt") == "Sign: Used as is — re-enter your PIN"
        await pilot.press("escape")  # nothing signed: back where signing began
        assert screen.step == "reason" and ncs(db) == [("open", None, None, None)]
        await pilot.press("escape")
        await to(pilot, "1", "sign")
        assert text_of(app, "#prompt") == "Sign: Scrapped — re-enter your PIN"
        await to(pilot, "9876", "pick")
        assert screen.message.text == "Nonconformance 1 scrapped: 0; signed Scrapped"
    assert ncs(db) == [("closed", "scrap", None, "scrapped")]


async def test_not_offered_to_a_clerk(db, make_app, floor):  # noqa: F811
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_flow(pilot, "C001", "9")
        await pilot.press("escape")
        assert "Nonconformance" not in text_of(app, "#menu")


async def _list(pilot) -> None:
    await open_flow(pilot, "Q001", "n")
    await wait_until(pilot, lambda: pilot.app.screen.rows)


async def _disposition(pilot) -> None:
    await _list(pilot)
    await to(pilot, "1", "disposition")


async def _sign(pilot) -> None:
    await _disposition(pilot)
    await to(pilot, "2", "work_center")
    await to(pilot, "REW-1", "sign")


async def _use_as_is(pilot) -> None:
    await _disposition(pilot)
    await to(pilot, "3", "reason")


STATES = {"list": _list, "disposition": _disposition, "use_as_is": _use_as_is, "sign": _sign}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", STATES)
def test_nonconformance(snap_compare, make_app, failed, state, lang):  # noqa: F811
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=STATES[state])
