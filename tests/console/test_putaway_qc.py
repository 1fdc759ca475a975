"""QC inspection (`q`) and putaway (`2`) by scans alone, after receipts: pass, fail, suggested, refused, F3."""

from __future__ import annotations

from decimal import Decimal

import pytest

from console.screens.putaway import PutawayScreen
from console.screens.qc import QcScreen
from core.services import putaway, receiving
from tests import helpers
from tests.console import inbound_steps
from tests.console.conftest import SIZE
from tests.console.inbound_steps import answer, bells, open_flow, refused, written
from tests.console.steps import table_rows, text_of, wait_until

inbound, labels_home = inbound_steps.inbound, inbound_steps.labels_home  # fixtures


@pytest.fixture
def received(db, clerk, inbound):
    """IC-1 lots Q-1, Q-2 (QC hold) and RES-1 lots R-1, R-2 (available), all on the dock."""
    for n, (sku, lot) in enumerate((("IC-1", "Q-1"), ("IC-1", "Q-2"), ("RES-1", "R-1"), ("RES-1", "R-2"))):
        receiving.receive(db, clerk, receiving.ReceiveCommand(key=f"r{n}", sku=sku, lot=lot, qty=Decimal(10),
                                                              po_number="PO-1"))


def balances(db, lot: str) -> list[tuple]:
    return helpers.rows(db, "SELECT l.code, b.status, b.qty FROM stock_balance b JOIN location l"
                            " ON l.id = b.location_id JOIN lot t ON t.id = b.lot_id WHERE t.lot_no = :n AND b.qty > 0",
                        n=lot)


async def test_qc_pass_and_fail_by_scans(db, make_app, received, inspector):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_flow(pilot, "q", badge="Q900")
        assert isinstance(screen, QcScreen)
        await answer(pilot, screen, "Q-1", "decide")
        assert "DOCK" in text_of(app, "#lotinfo") and "IC-1" in text_of(app, "#lotinfo")
        await answer(pilot, screen, "1", "sign")
        assert text_of(app, "#prompt") == "Sign: Released — re-enter your PIN"
        await answer(pilot, screen, "1234", "lot")
        assert screen.message.text == "Lot Q-1 passed: available"
        assert balances(db, "Q-1") == [("DOCK", "available", 10)]
        assert helpers.rows(db, "SELECT qc_status, inspected_by FROM lot WHERE lot_no = 'Q-1'") == [
            ("passed", inspector.operator_id)]
        await answer(pilot, screen, "(01)09501101530003(10)Q-2(30)10", "decide")  # its label works as well
        await answer(pilot, screen, "2", "reason")
        assert "Out of specification" in text_of(app, "#lotinfo")
        await refused(pilot, screen, "9")
        assert screen.message.text == "No choice 9" and screen.step == "reason"
        await answer(pilot, screen, "2", "sign")
        assert text_of(app, "#prompt") == "Sign: Rejected — re-enter your PIN"
        await answer(pilot, screen, "1234", "lot")
        assert screen.message.text == "Lot Q-2 failed: rejected, to quarantine"
        assert balances(db, "Q-2") == [("QA", "rejected", 10)]
        assert helpers.scalar(db, "SELECT reason FROM movement WHERE reference = 'QC Q-2'") == "out_of_spec"
        before, rung = written(db), bells(app)
        await refused(pilot, screen, "R-1")  # nothing of it is held
        assert screen.message.text == "Lot R-1 is not in QC hold" and rung and written(db) == before


async def test_the_qc_queue_shows_what_waits_oldest_first_and_enter_takes_it(db, make_app, received, inspector):
    helpers.exec_sql(db, "UPDATE lot SET received_at = now() - interval '3 days' WHERE lot_no = 'Q-2'")
    helpers.exec_sql(db, "UPDATE lot SET received_at = now() - interval '5 hours' WHERE lot_no = 'Q-1'")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_flow(pilot, "q", badge="Q900")
        await wait_until(pilot, lambda: len(table_rows(app)) == 2)
        rows = table_rows(app)
        assert [r[:4] + r[5:] for r in rows] == [["Q-2", "IC-1", "10", "DOCK", "3d"],
                                                 ["Q-1", "IC-1", "10", "DOCK", "5h"]]  # oldest first
        assert text_of(app, "#lotinfo") == "2 lots wait for inspection, oldest first"
        assert text_of(app, "#prompt") == "Scan the lot to inspect (Enter = Q-2)"
        await answer(pilot, screen, "", "decide")  # Enter alone: the oldest
        assert screen.held.lot == "Q-2" and "DOCK" in text_of(app, "#lotinfo")
        await answer(pilot, screen, "1", "sign")
        await answer(pilot, screen, "1234", "lot")
        assert screen.message.text == "Lot Q-2 passed: available"
        await wait_until(pilot, lambda: len(table_rows(app)) == 1)
        assert table_rows(app)[0][0] == "Q-1" and text_of(app, "#prompt").endswith("(Enter = Q-1)")
        await answer(pilot, screen, "Q-1", "decide")  # a scan picks as before
        await answer(pilot, screen, "1", "sign")
        await answer(pilot, screen, "1234", "lot")
        await wait_until(pilot, lambda: not table_rows(app))
        assert text_of(app, "#lotinfo") == "Nothing waits for inspection"
        assert text_of(app, "#prompt") == "Scan the lot to inspect"
        before = written(db)
        await pilot.press("enter")  # nothing waits: Enter alone does nothing
        assert screen.step == "lot" and written(db) == before


async def test_qc_is_offered_to_inspectors_only(db, make_app, received):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        flow = await open_flow(pilot, "1")  # a clerk: receiving yes …
        await pilot.press("escape")
        await refused(pilot, pilot.app.screen, "q")  # … QC no
        assert pilot.app.screen.message.text == "No menu entry q" and flow is not pilot.app.screen


async def test_putaway_suggested_wrong_location_refused_f3_change(db, make_app, received, clerk):
    want_1 = putaway.suggest(db, clerk, "R-1").location
    other = "A-02" if want_1 == "A-01" else "A-01"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_flow(pilot, "2")
        assert isinstance(screen, PutawayScreen)
        await answer(pilot, screen, "(240)RES-1(10)R-1(30)10", "location")
        assert f"Put it in {want_1}" in text_of(app, "#lotinfo") and want_1 in text_of(app, "#prompt")
        before, rung = written(db), bells(app)
        await refused(pilot, screen, other)
        assert screen.message.text == f"Wrong location {other}: put it in {want_1} · F3 Change location"
        assert rung and written(db) == before and screen.step == "location"
        await refused(pilot, screen, "IC-1")
        assert screen.message.text == "Not a location: IC-1" and written(db) == before
        await answer(pilot, screen, want_1, "lot")
        assert screen.message.text == f"Put away 10 of R-1 in {want_1}"
        assert balances(db, "R-1") == [(want_1, "available", 10)]
        # F3: another location, with a reason
        await answer(pilot, screen, "R-2", "location")
        want_2 = putaway.suggest(db, clerk, "R-2").location
        elsewhere = "A-02" if want_2 == "A-01" else "A-01"
        await pilot.press("f3")
        assert screen.step == "reason" and "Location full" in text_of(app, "#lotinfo")
        await answer(pilot, screen, "1", "other")
        await answer(pilot, screen, elsewhere, "lot")
        assert screen.message.text == f"Put away 10 of R-2 in {elsewhere}"
        assert balances(db, "R-2") == [(elsewhere, "available", 10)]
        assert helpers.scalar(db, "SELECT reason FROM movement WHERE reference = 'putaway R-2'") == "location_full"


async def test_held_lot_goes_to_quarantine(db, make_app, received):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_flow(pilot, "2")
        await answer(pilot, screen, "Q-1", "location")
        assert "Put it in QA" in text_of(app, "#lotinfo")
        await answer(pilot, screen, "QA", "lot")
        assert balances(db, "Q-1") == [("QA", "qc_hold", 10)]
