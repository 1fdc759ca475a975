"""Operations (`o`) by scans: start and finish at both work centres, each refusal on its step, a value out of
limits (posted, said in yellow, the order held), an overrun lifted by F2; snapshots at 80x24 in both languages."""

from __future__ import annotations

import pytest

from console.screens.operations import OperationsScreen
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.shopfloor_steps import floor, open_flow, refused, to  # noqa: F401  (fixture)
from tests.console.steps import text_of

LANGS = ["en", "zh_CN"]


def ops(db) -> list[tuple]:
    return [tuple(r) for r in helpers.rows(
        db, "SELECT o.op_no, w.code, o.status, o.good, o.scrap, o.scrap_reason FROM wo_operation o"
            " JOIN work_center w ON w.id = o.work_center_id ORDER BY o.op_no")]


async def test_start_and_finish_both_operations(db, make_app, floor):  # noqa: F811
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_flow(pilot, "C001", "o")
        screen = app.screen
        assert isinstance(screen, OperationsScreen) and screen.step == "wc"
        await to(pilot, "SMT-1", "wo")
        assert text_of(app, "#prompt") == "Scan the work order at SMT-1"
        await to(pilot, "WO-1", "action")
        assert "Op 10" in text_of(app, "#detail") and "not started" in text_of(app, "#detail")
        await to(pilot, "1", "wo")
        assert screen.message.text == "WO-1 op 10 started at SMT-1: C001"
        await to(pilot, "WO-1", "action")
        assert "running" in text_of(app, "#detail") and "C001" in text_of(app, "#detail")
        await to(pilot, "2", "good")
        await to(pilot, "10", "scrap")
        assert text_of(app, "#prompt") == "Scrap quantity (Enter = 0)"
        await to(pilot, "", "wo")  # no QC plan at SMT: posted at once, back to the order step of SMT-1
        assert screen.message.text == "WO-1 op 10 finished: 10 good, 0 scrap"
        assert text_of(app, "#prompt") == "Scan the work order at SMT-1"

        await pilot.press("escape")
        await to(pilot, "COAT-1", "wo")
        await to(pilot, "WO-1", "action")
        assert "thickness" in text_of(app, "#detail") and "25–75 um" in text_of(app, "#detail")
        await to(pilot, "1", "wo")
        await to(pilot, "WO-1", "action")
        await to(pilot, "2", "good")
        await to(pilot, "9", "scrap")
        await to(pilot, "1", "scrap_reason")
        assert "Machine fault" in text_of(app, "#detail")
        await to(pilot, "5", "measure")
        assert text_of(app, "#prompt") == "thickness (25–75 um): the measured value, then Enter"
        await to(pilot, "50", "measure")
        assert text_of(app, "#prompt") == "temperature (-5–40 °C): the measured value, then Enter"
        await pilot.press("escape")  # back to the first check
        assert screen.step == "measure" and text_of(app, "#prompt").startswith("thickness")
        await to(pilot, "50", "measure")
        await to(pilot, "20", "wo")
        assert screen.message.text == "WO-1 op 20 finished: 9 good, 1 scrap" and not screen.message.is_error
    assert ops(db) == [(10, "SMT-1", "done", 10, 0, None), (20, "COAT-1", "done", 9, 1, "machine")]
    assert helpers.rows(db, "SELECT characteristic, value, ok FROM measurement ORDER BY id") == [
        ("thickness", 50, True), ("temperature", 20, True)]
    assert helpers.scalar(db, "SELECT count(*) FROM nonconformance") == 0


async def test_each_refusal_stays_on_its_step_and_writes_nothing(db, make_app, floor):  # noqa: F811
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_flow(pilot, "C001", "o")
        assert await refused(pilot, "NOPE-1") == "Not found: NOPE-1"
        await to(pilot, "REW-1", "wo")
        assert await refused(pilot, "WO-1") == "WO-1 has no open operation at REW-1"  # the wrong work centre
        await pilot.press("escape")
        await to(pilot, "SMT-1", "wo")
        assert await refused(pilot, "WO-9") == "Not found: WO-9"  # the wrong order
        assert await refused(pilot, "[bold]x[/]") == "Not found: [bold]x[/]"  # shown literally
        await to(pilot, "WO-1", "action")
        assert await refused(pilot, "3") == "No choice 3"
        assert await refused(pilot, "2") == "Op 10 of WO-1 was not started"
        await to(pilot, "1", "wo")
        await to(pilot, "WO-1", "action")
        assert await refused(pilot, "1") == "C001 already works on op 10 of WO-1"
        await to(pilot, "2", "good")
        assert await refused(pilot, "") == "Type the good quantity (0 when only scrap)"
        assert await refused(pilot, "x") == "Not a quantity: x"
        await to(pilot, "0", "scrap")
        assert await refused(pilot, "") == "Quantity must be greater than zero"
        await to(pilot, "2", "scrap_reason")
        assert await refused(pilot, "9") == "No choice 9"
    assert ops(db)[0][2:5] == ("running", 0, 0)
    assert helpers.scalar(db, "SELECT count(*) FROM operation WHERE kind = 'operation.finish'") == 0


async def _coat_measure(pilot, *, thickness: str | None = None) -> None:
    """SMT done, COAT-1 started and its finish asked up to the first check (or, given, past it)."""
    await open_flow(pilot, "C001", "o")
    for raw, step in (("SMT-1", "wo"), ("WO-1", "action"), ("1", "wo"), ("WO-1", "action"), ("2", "good"),
                      ("10", "scrap"), ("", "wo")):
        await to(pilot, raw, step)
    await pilot.press("escape")
    for raw, step in (("COAT-1", "wo"), ("WO-1", "action"), ("1", "wo"), ("WO-1", "action"), ("2", "good"),
                      ("10", "scrap"), ("", "measure")):
        await to(pilot, raw, step)
    if thickness is not None:
        await to(pilot, thickness, "measure")


async def test_a_value_out_of_limits_posts_holds_the_order_and_says_so(db, make_app, floor):  # noqa: F811
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _coat_measure(pilot)
        assert await refused(pilot, "thick") == "Not a number: thick"
        await to(pilot, "90", "measure")
        await to(pilot, "20", "wo")
        line = app.screen.message
        assert line.text == "Out of limits: thickness. WO-1 output held, nonconformance raised"
        assert line.has_class("-warning") and not line.is_error
    assert helpers.rows(db, "SELECT characteristic, value, status FROM nonconformance") == [
        ("thickness", 90, "open")]


async def test_an_overrun_is_refused_and_f2_approval_posts_it(db, make_app, floor):  # noqa: F811
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_flow(pilot, "C001", "o")
        for raw, step in (("SMT-1", "wo"), ("WO-1", "action"), ("1", "wo"), ("WO-1", "action"), ("2", "good"),
                          ("12", "scrap")):
            await to(pilot, raw, step)
        assert await refused(pilot, "") == (
            "Over-output at op 10: 12 finished, 10 passed before (+0%) · F2 Supervisor approval")
        await to(pilot, "f2", "approver")
        await to(pilot, "S001", "approver_pin")
        assert await refused(pilot, "0000")
        await to(pilot, "9876", "approval_reason")
        await to(pilot, "1", "wo")
        assert app.screen.message.text == "WO-1 op 10 finished: 12 good, 0 scrap"
    assert ops(db)[0][2:4] == ("done", 12)
    assert helpers.scalar(db, "SELECT result->>'approved_by' FROM operation WHERE kind = 'operation.finish'") \
        == "S001"


# Snapshots ------------------------------------------------------------------------------------------------


async def _wc_step(pilot) -> None:
    await open_flow(pilot, "C001", "o")


async def _action(pilot) -> None:
    await open_flow(pilot, "C001", "o")
    await to(pilot, "COAT-1", "wo")
    await to(pilot, "WO-1", "action")


async def _scrap_reason(pilot) -> None:
    await open_flow(pilot, "C001", "o")
    for raw, step in (("SMT-1", "wo"), ("WO-1", "action"), ("1", "wo"), ("WO-1", "action"), ("2", "good"),
                      ("9", "scrap"), ("1", "scrap_reason")):
        await to(pilot, raw, step)


async def _measure(pilot) -> None:
    await _coat_measure(pilot, thickness="90")


async def _out_of_limits(pilot) -> None:
    await _coat_measure(pilot, thickness="90")
    await to(pilot, "20", "wo")


async def _overrun(pilot) -> None:
    await open_flow(pilot, "C001", "o")
    for raw, step in (("SMT-1", "wo"), ("WO-1", "action"), ("1", "wo"), ("WO-1", "action"), ("2", "good"),
                      ("12", "scrap")):
        await to(pilot, raw, step)
    await refused(pilot, "")


STATES = {"work_centre": _wc_step, "action": _action, "scrap_reason": _scrap_reason, "measure": _measure,
          "out_of_limits": _out_of_limits, "overrun": _overrun}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", STATES)
def test_operations(snap_compare, make_app, floor, state, lang):  # noqa: F811
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=STATES[state])
