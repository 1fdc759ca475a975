"""Cycle count (`7`) by scans: blind counts, within tolerance posts, outside waits; F5 closes; F6 approves."""

from __future__ import annotations

import pytest

from console.screens.counting import CountingScreen
from core.services import counting
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.flow_steps import busy
from tests.console.steps import cut_columns, hints_fit, scan, screen_lines, sign_in, table_rows, text_of, wait_until


@pytest.fixture
def count_site(db, system, supervisor):
    ids = helpers.production_site(db)
    helpers.exec_sql(db, "UPDATE item SET abc = 'C' WHERE sku IN ('IC-1', 'SCR-1')")  # 5% tolerance
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 100, expiry="2030-01-01")
    helpers.put_stock(db, system, "IC-1", "IC-B", "A-01", 50, expiry="2030-02-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-01", 500)
    counting.create_task(db, supervisor, "A-01")
    return ids


def on_hand(db, lot=None, sku="IC-1"):
    return helpers.scalar(db, "SELECT coalesce(sum(b.qty), 0) FROM stock_balance b JOIN item i ON i.id = b.item_id"
                              " LEFT JOIN lot l ON l.id = b.lot_id WHERE i.sku = :s AND l.lot_no IS NOT DISTINCT"
                              " FROM :n", s=sku, n=lot)


async def open_counting(pilot, badge: str) -> CountingScreen:
    await sign_in(pilot, badge)
    await scan(pilot, "7")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CountingScreen))
    return pilot.app.screen


async def step(pilot, screen, raw: str, expected: str) -> None:
    """Scan; wait for the step (or a refusal)."""
    await scan(pilot, raw)
    await wait_until(pilot, lambda: (screen.step == expected and not busy(pilot)) or screen.message.is_error)


async def test_blind_count_within_tolerance_posts_outside_waits(db, make_app, count_site, clerk):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_counting(pilot, "C900")
        await wait_until(pilot, lambda: "Open counts: A-01" in text_of(app, "#info"))
        await step(pilot, screen, "A-02", "never")
        assert text_of(app, "MessageLine") == "No open count for A-02" and screen.step == "location"
        await step(pilot, screen, "A-01", "lot")
        await step(pilot, screen, "IC-1", "never")  # a lot-tracked item is counted by its lots
        assert text_of(app, "MessageLine") == "Scan the lot of IC-1, not the item"
        await step(pilot, screen, "IC-A", "qty")
        assert "Lot IC-A" in text_of(app, "#info")
        await step(pilot, screen, "97", "lot")  # 3% off, class C allows 5%: posted at once
        assert on_hand(db, "IC-A") == 97 and text_of(app, "MessageLine") == "Counted IC-A: 97"
        await step(pilot, screen, "IC-B", "qty")
        await step(pilot, screen, "30", "lot")  # 40% off: waits for a supervisor
        assert on_hand(db, "IC-B") == 50
        await step(pilot, screen, "SCR-1", "qty")  # untracked: counted by SKU
        await step(pilot, screen, "500", "lot")
        assert table_rows(app) == [["IC-A", "IC-1", "97", "Count recorded"], ["IC-B", "IC-1", "30", "Count recorded"],
                                   ["", "SCR-1", "500", "Count recorded"]]
        shown = "\n".join(screen_lines(app))
        assert "Expected" not in shown and "100" not in shown and " 50 " not in shown  # blind
        await pilot.press("f5")
        assert screen.step == "close"
        await step(pilot, screen, "", "location")
        assert text_of(app, "MessageLine") == "A-01 closed: 0 not counted set to 0, 1 to review"
        assert helpers.scalar(db, "SELECT status FROM count_task") == "closed"
        assert helpers.scalar(db, "SELECT count(*) FROM outbox WHERE type = 'stock.adjusted'") == 1


async def test_supervisor_approves_a_variance_with_a_reason(db, make_app, count_site, clerk):
    from decimal import Decimal

    counting.record_count(db, clerk, key="c1", location="A-01", lot="IC-B", qty=Decimal(30))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_counting(pilot, "S900")
        await pilot.press("f6")
        await wait_until(pilot, lambda: screen.step == "pending")
        assert table_rows(app) == [["1", "A-01", "IC-1", "IC-B", "50", "30", "C900"]]
        await step(pilot, screen, "2", "never")
        assert text_of(app, "MessageLine") == "No line 2"
        await step(pilot, screen, "1", "decide")
        await step(pilot, screen, "1", "reason")
        await step(pilot, screen, "damaged reel found", "sign")
        assert text_of(app, "#prompt") == "Sign: Approved — re-enter your PIN"
        await scan(pilot, "1234")
        await wait_until(pilot, lambda: "Line approved" in text_of(app, "MessageLine") and not table_rows(app))
        assert on_hand(db, "IC-B") == 30
        assert helpers.scalar(db, "SELECT reason FROM count_line WHERE status = 'approved'") == "damaged reel found"
        await pilot.press("escape")
        assert screen.step == "location"
        await step(pilot, screen, "A-02", "lot")  # a supervisor opens a count on demand
        assert text_of(app, "MessageLine") == "Count opened for A-02"


async def test_a_serial_counts_as_one_and_one_found_elsewhere_is_a_proposed_move(db, make_app, count_site, system,
                                                                                clerk, supervisor):
    helpers.exec_sql(db, "INSERT INTO item (sku, name, uom, tracking) VALUES ('CTRL', 'Controller', 'EA', 'serial')")
    helpers.put_stock(db, system, "CTRL", "SN-04", "LS-L1", 1)  # the book has it at the line side
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_counting(pilot, "C900")
        await step(pilot, screen, "A-01", "lot")
        await scan(pilot, "SN-04")  # no quantity asked: a serial is one unit
        await wait_until(pilot, lambda: "SN-04" in text_of(app, "MessageLine"))
        assert screen.step == "lot" and not screen.message.is_error
        assert text_of(app, "MessageLine") == "SN-04 is booked at LS-L1: moving it here waits for approval"
        assert table_rows(app) == [["SN-04", "CTRL", "1", "Count recorded"]]
        assert helpers.rows(db, "SELECT c.code FROM stock_balance b JOIN location c ON c.id = b.location_id"
                                " JOIN lot l ON l.id = b.lot_id WHERE l.lot_no = 'SN-04' AND b.qty > 0") == [("LS-L1",)]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_counting(pilot, "S900")
        await pilot.press("f6")
        await wait_until(pilot, lambda: screen.step == "pending")
        await step(pilot, screen, "1", "decide")
        assert "move from LS-L1" in text_of(app, "#info")
        await step(pilot, screen, "1", "reason")
        await step(pilot, screen, "found in the rack", "sign")
        await scan(pilot, "1234")
        await wait_until(pilot, lambda: "Line approved" in text_of(app, "MessageLine"))
        places = helpers.rows(db, "SELECT c.code, b.qty FROM stock_balance b JOIN location c ON c.id = b.location_id"
                                  " JOIN lot l ON l.id = b.lot_id WHERE l.lot_no = 'SN-04' AND b.qty > 0")
        assert places == [("A-01", 1)]


@pytest.mark.parametrize("size", [SIZE, (120, 30)])
async def test_columns_and_keys_fit_after_closing_a_location(db, make_app, count_site, size):
    """Issue #12 item 15: after F5 the count table's columns collapsed to their headers, and the key line dropped
    F10. Every column is as wide as its cells, and the key line fits with Esc and F10, at 80 and 120 columns."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_counting(pilot, "S900")
        assert hints_fit(app)
        await step(pilot, screen, "A-01", "lot")
        await step(pilot, screen, "IC-A", "qty")
        await step(pilot, screen, "100", "lot")
        await pilot.press("f5")
        await step(pilot, screen, "", "location")
        await step(pilot, screen, "A-01", "lot")  # a supervisor opens it again and counts
        await step(pilot, screen, "SCR-1", "qty")
        await step(pilot, screen, "500", "lot")
        await pilot.pause()
        assert table_rows(app) == [["", "SCR-1", "500", "Count recorded"]]
        assert cut_columns(app) == [] and hints_fit(app)


async def test_a_recount_replaces_the_line_and_posts_nothing(db, make_app, count_site, clerk):
    """Issue 13: a clerk counting one lot again and again writes nothing off after the first count."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_counting(pilot, "C900")
        await step(pilot, screen, "A-01", "lot")
        await step(pilot, screen, "IC-A", "qty")
        await step(pilot, screen, "97", "lot")  # the first count, within 5%: posted
        for qty in ("93", "89", "85"):  # each within 5% of what the last one left
            await step(pilot, screen, "IC-A", "qty")
            await step(pilot, screen, qty, "lot")
            assert not screen.message.is_error and text_of(app, "MessageLine") == f"Counted IC-A: {qty}"
        assert on_hand(db, "IC-A") == 97  # the recounts wait for a supervisor
        assert table_rows(app) == [["IC-A", "IC-1", "85", "Count recorded"]]  # one line, its count replaced
        assert helpers.scalar(db, "SELECT count(*) FROM count_line") == 1


async def test_a_supervisor_cannot_approve_their_own_count(db, make_app, count_site, clerk):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_counting(pilot, "S900")
        await step(pilot, screen, "A-01", "lot")
        await step(pilot, screen, "IC-B", "qty")
        await step(pilot, screen, "30", "lot")
        await pilot.press("f6")
        await wait_until(pilot, lambda: screen.step == "pending")
        await step(pilot, screen, "1", "decide")
        await step(pilot, screen, "1", "reason")
        await step(pilot, screen, "mine", "sign")
        await step(pilot, screen, "1234", "never")
        assert screen.message.is_error and screen.step == "reason"
        assert text_of(app, "MessageLine") == "You counted this line: another supervisor decides its variance"
        assert on_hand(db, "IC-B") == 50
        assert helpers.scalar(db, "SELECT status FROM count_line") == "pending"
