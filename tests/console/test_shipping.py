"""Shipping (`6`) by scans alone on a built history: FEFO shown, posted, refusals write nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from console.screens.shipping import ShippingScreen
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.flow_steps import busy
from tests.console.steps import scan, sign_in, text_of, wait_until


@pytest.fixture
def history(db, clerk, supervisor, system):
    return helpers.built_history(db, clerk, supervisor, system)


def shipments(db):
    return helpers.rows(db, "SELECT lt.lot_no, sh.qty FROM shipment sh JOIN lot lt ON lt.id = sh.lot_id"
                            " ORDER BY sh.id")


async def open_order(pilot, so: str = "SO-1") -> ShippingScreen:
    await sign_in(pilot, "C900")
    await scan(pilot, "6")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ShippingScreen))
    screen = pilot.app.screen
    await scan(pilot, so)
    await wait_until(pilot, lambda: screen.step == "lot")
    return screen


async def answer(pilot, screen, raw: str, step: str) -> None:
    """Scan, then wait until the screen reaches `step` or shows a refusal."""
    await scan(pilot, raw)
    await wait_until(pilot, lambda: (screen.step == step and not busy(pilot)) or screen.message.is_error)


async def test_ship_by_scans_then_the_same_order_until_complete(db, make_app, history):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_order(pilot)
        panel = text_of(app, "#order")
        assert "SO-1/1" in panel and "PCBA-1" in panel and "Open qty 30" in panel and "FEFO lot WO-1-01" in panel
        await answer(pilot, screen, "WO-1-01", "qty")
        assert "Free 50" in text_of(app, "#order")
        await answer(pilot, screen, "20", "lot")
        assert text_of(app, "MessageLine") == "Shipped 20 of WO-1-01 on SO-1"
        assert shipments(db) == [("WO-1-01", 20)]
        await wait_until(pilot, lambda: "Open qty 10" in text_of(app, "#order"))  # back at the lot step, same order
        await answer(pilot, screen, "WO-1-01", "qty")
        await answer(pilot, screen, "11", "never")  # over-shipment: red line, nothing written, same step
        assert text_of(app, "MessageLine") == "Over-shipment: only 10 open on SO-1" and screen.step == "qty"
        assert shipments(db) == [("WO-1-01", 20)]
        await answer(pilot, screen, "10", "order")  # the order is complete: back to the first step
        assert shipments(db) == [("WO-1-01", 20), ("WO-1-01", 10)]
        assert "fully shipped" in text_of(app, "MessageLine") and not screen.message.is_error
        assert helpers.scalar(db, "SELECT status FROM so_line WHERE so_number = 'SO-1'") == "shipped"
        assert helpers.scalar(db, "SELECT count(*) FROM outbox WHERE type = 'shipment.posted'") == 2


async def test_a_label_with_a_quantity_posts_at_once(db, make_app, history):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_order(pilot)
        await scan(pilot, "(240)PCBA-1(10)WO-2-01(30)5")  # the label's quantity fills the quantity step
        await wait_until(pilot, lambda: "Shipped 5 of WO-2-01" in text_of(app, "MessageLine"))
        assert shipments(db) == [("WO-2-01", 5)]


@pytest.mark.parametrize(("sql", "raw", "message"), [
    ("UPDATE stock_balance SET status = 'qc_hold' WHERE lot_id = (SELECT id FROM lot WHERE lot_no = 'WO-2-01')",
     "WO-2-01", "Lot WO-2-01 is on hold"),
    ("UPDATE lot SET expiry = '2020-01-01' WHERE lot_no = 'WO-2-01'", "WO-2-01", "Lot WO-2-01 expired on 2020-01-01"),
    ("SELECT 1", "IC-A", "This item is not open on SO-1"),
    ("SELECT 1", "SCR-1", "This item is not open on SO-1"),
    ("SELECT 1", "NOPE-9", "Unknown scan: NOPE-9"),
])
async def test_refused_lot_shows_red_line_and_writes_nothing(db, make_app, history, sql, raw, message):
    helpers.exec_sql(db, sql)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_order(pilot)
        await answer(pilot, screen, raw, "never")
        assert text_of(app, "MessageLine") == message and screen.step == "lot"
        assert shipments(db) == []


async def test_esc_while_the_posting_runs_still_confirms_what_was_posted(db, db_url, make_app, history):
    engine = create_engine(db_url)
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_order(pilot)
            await answer(pilot, screen, "WO-1-01", "qty")
            with engine.connect() as blocker:  # the posting waits for this lock on the order line
                blocker.execute(text("SELECT 1 FROM so_line WHERE so_number = 'SO-1' FOR UPDATE"))
                await scan(pilot, "7")
                await wait_until(pilot, lambda: busy(pilot))
                await pilot.press("escape", "escape")  # the operator leaves the lot and the order meanwhile …
                assert screen.step == "order"
                await scan(pilot, "SO-1")  # … and looks the order up again: a read never cancels a posting
                blocker.rollback()  # (the session's one connection: the look-up runs after the posting)
            await wait_until(pilot, lambda: screen.step == "lot" and "SO-1" in text_of(app, "#order"))
            await wait_until(pilot, lambda: text_of(app, "MessageLine") == "Shipped 7 of WO-1-01 on SO-1")
            assert shipments(db) == [("WO-1-01", 7)] and not screen.message.is_error
            assert screen.step == "lot" and "Open qty 23" in text_of(app, "#order")  # the posted order, next line
    finally:
        engine.dispose()
