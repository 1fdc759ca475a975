"""Alerts (`a`): live delivery to a second console, acknowledge with a comment, each alert's action — by keys."""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest

from console.app import LinesideApp
from console.screens.alerts import AlertsScreen
from console.services import ConsoleServices
from core.services import alerts
from core.services.ledger import Leg, post_moves
from tests import helpers
from tests.console.conftest import SIZE, TERMINAL
from tests.console.steps import scan, sign_in, table_rows, text_of, wait_until


@pytest.fixture
def plant(db, system):
    """IC-1 in stock above its safety stock; a lot expiring soon; a WO that will be short; S001/S002/Q001."""
    ids = helpers.production_site(db)
    helpers.exec_sql(db, "UPDATE item SET safety_stock = 100, unit_cost = 2.5 WHERE sku = 'IC-1'")
    helpers.put_stock(db, system, "IC-1", "L-OK", "A-01", 150, expiry="2031-01-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    for badge, roles in (("S001", ["supervisor"]), ("S002", ["supervisor"]), ("Q001", ["inspector"])):
        helpers.make_operator(db, badge, roles)
    return ids


def open_alert_ids(db, rule: str) -> list[int]:
    return [r.id for r in helpers.rows(db, "SELECT id FROM alert WHERE rule = :r AND resolved_at IS NULL", r=rule)]


async def open_alerts(pilot, badge: str = "S001") -> AlertsScreen:
    await sign_in(pilot, badge)
    await scan(pilot, "a")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, AlertsScreen))
    screen = pilot.app.screen
    await wait_until(pilot, lambda: "open alert" in text_of(pilot.app, "#detail"))
    return screen


async def test_a_commit_reaches_a_second_console_within_a_second(db, plant, system):
    first = LinesideApp(ConsoleServices.from_database(db, TERMINAL), lang="en")
    second = LinesideApp(ConsoleServices.from_database(db, "T-OTHER"), lang="en")
    async with first.run_test(size=SIZE) as p1, second.run_test(size=SIZE) as p2:
        await open_alerts(p1, "S001")
        await sign_in(p2, "S002")
        await wait_until(p2, lambda: second.open_alerts == 0)
        assert "▲ 0" in text_of(second, "StatusBar") and first.screen.rows == []
        # The first console's operator issues 60 of IC-1: 90 left, below the safety stock of 100.
        leg = Leg(plant["IC"], helpers.scalar(db, "SELECT id FROM lot WHERE lot_no = 'L-OK'"), Decimal(60),
                  from_location_id=plant["A-01"], from_status="available")
        await asyncio.to_thread(post_moves, db, system, "adjust", [leg], key="drop-below")
        committed = time.monotonic()
        await wait_until(p2, lambda: "▲ 1" in text_of(second, "StatusBar"), timeout=1.0)
        await wait_until(p1, lambda: [r.rule for r in first.screen.rows] == ["below_safety_stock"], timeout=1.0)
        assert time.monotonic() - committed < 1.0
        assert "IC-1: 90 on hand, below safety stock 100" in table_rows(first)[0][2]


async def test_acknowledge_with_a_comment_by_keys(db, make_app, plant):
    helpers.exec_sql(db, "UPDATE item SET safety_stock = 500 WHERE sku = 'IC-1'")
    alerts.evaluate_all(db)
    (alert_id,) = open_alert_ids(db, "below_safety_stock")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alerts(pilot)
        assert app.open_alerts == 1
        await scan(pilot, str(alert_id))
        assert screen.step == "detail" and "1  Acknowledge with a comment" in text_of(app, "#detail")
        await scan(pilot, "1")
        await scan(pilot, "")  # an empty comment is refused, nothing written
        await wait_until(pilot, lambda: screen.message.is_error)
        assert text_of(app, "MessageLine") == "Acknowledging an alert needs a comment" and screen.step == "comment"
        assert helpers.scalar(db, "SELECT acknowledged_at FROM alert WHERE id = :i", i=alert_id) is None
        await scan(pilot, "PO 4711 placed")
        await wait_until(pilot, lambda: screen.step == "list" and table_rows(app) and table_rows(app)[0][4])
        assert text_of(app, "MessageLine") == f"Alert {alert_id} acknowledged"
        ack = helpers.rows(db, "SELECT o.badge, a.ack_comment FROM alert a JOIN operator o ON o.id ="
                               " a.acknowledged_by WHERE a.id = :i", i=alert_id)
        assert [tuple(r) for r in ack] == [("S001", "PO 4711 placed")]
        assert table_rows(app)[0][4] == "S001"
        await wait_until(pilot, lambda: "▲ 0" in text_of(app, "StatusBar"))  # the feed saw the ack


async def test_arrow_keys_select_and_unknown_number_is_refused(db, make_app, plant):
    helpers.exec_sql(db, "UPDATE item SET safety_stock = 5000")
    alerts.evaluate_all(db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alerts(pilot)
        await wait_until(pilot, lambda: len(screen.rows) == 3)  # IC-1, SCR-1 and PCBA-1
        await scan(pilot, "99999")
        assert screen.message.is_error and text_of(app, "MessageLine") == "No open alert 99999"
        await pilot.press("down", "enter")
        assert screen.step == "detail" and screen.chosen.id == screen.rows[1].id
        await pilot.press("escape")
        assert screen.step == "list"
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, AlertsScreen))


async def test_expiring_lot_is_blocked_with_a_reason(db, make_app, plant, system):
    helpers.put_stock(db, system, "IC-1", "SOON", "A-02", 30, expiry=date.today() + timedelta(days=5))
    (alert_id,) = open_alert_ids(db, "expiring")  # the receipt itself raised it
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alerts(pilot)
        await scan(pilot, str(alert_id))
        assert "2  Block the lot" in text_of(app, "#detail")
        await scan(pilot, "2")
        assert screen.step == "reason"
        await scan(pilot, "")
        await wait_until(pilot, lambda: screen.message.is_error)
        assert text_of(app, "MessageLine") == "Blocking a lot needs a reason"
        await scan(pilot, "expires before use")
        await wait_until(pilot, lambda: screen.step == "list")
        assert text_of(app, "MessageLine") == "Lot SOON blocked: 30"
        # the block resolved the lot's expiry alert: the list no longer offers it
        await wait_until(pilot, lambda: all(a.id != alert_id for a in screen.rows))
        assert open_alert_ids(db, "expiring") == []
    balances = helpers.rows(db, "SELECT b.status, b.qty FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                                " WHERE l.lot_no = 'SOON'")
    assert [(r.status, r.qty) for r in balances] == [("blocked", Decimal(30))]


async def test_reserved_not_issued_opens_a_count_task(db, make_app, plant, supervisor):
    from core.services import workorders

    helpers.add_work_order(db, "WO-1", "PCBA-1", 10)
    workorders.release(db, supervisor, "WO-1")
    helpers.exec_sql(db, "UPDATE reservation SET created_at = now() - interval '3 days'")
    alerts.evaluate_all(db)
    alert_id = open_alert_ids(db, "reserved_not_issued")[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alerts(pilot)
        await scan(pilot, str(alert_id))
        await scan(pilot, "2")
        await wait_until(pilot, lambda: "Count tasks opened" in text_of(app, "MessageLine"))
        assert not screen.message.is_error
    tasks = helpers.rows(db, "SELECT l.code, t.source FROM count_task t JOIN location l ON l.id = t.location_id")
    assert tasks and all(t.source == "alert" for t in tasks)


async def test_shortage_shows_the_kit_and_dead_stock_the_clean_up_list(db, make_app, plant):
    helpers.add_work_order(db, "WO-9", "PCBA-1", 100, due=date.today().isoformat())
    helpers.exec_sql(db, "UPDATE alert_rule SET threshold = 0 WHERE rule = 'dead_stock'")  # all stock is dead now
    alerts.evaluate_all(db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alerts(pilot)
        await scan(pilot, str(open_alert_ids(db, "shortage")[0]))
        await scan(pilot, "2")  # the kitting view is the Work orders screen (`w`), opened on the short work order
        await wait_until(pilot, lambda: app.screen is not screen and app.screen.step == "detail")
        assert table_rows(app) == [["IC-1", "200", "0", "0", "150", "50"], ["SCR-1", "400", "0", "0", "1000", "0"]]
        await pilot.press("escape", "escape", "escape")  # WO detail -> board -> the alert -> the list
        await wait_until(pilot, lambda: app.screen is screen and screen.step == "list")
        dead = helpers.scalar(db, "SELECT a.id FROM alert a JOIN item i ON i.id = a.item_id WHERE a.rule ="
                                  " 'dead_stock' AND i.sku = 'SCR-1'")
        await scan(pilot, str(dead))
        await scan(pilot, "2")
        await wait_until(pilot, lambda: screen.step == "result")
        assert table_rows(app) == [["SCR-1", "", "A-02", "1000", "0.00"]]


async def test_an_inspector_sees_alerts_but_may_not_acknowledge(db, make_app, plant):
    helpers.exec_sql(db, "UPDATE item SET safety_stock = 500 WHERE sku = 'IC-1'")
    alerts.evaluate_all(db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alerts(pilot, "Q001")
        await scan(pilot, str(screen.rows[0].id))
        assert "Nothing to do here" in text_of(app, "#detail")
        # no choices to type: the prompt says what can be done (look, then go back)
        assert text_of(app, "#prompt") == "Enter or Esc: back to the list"
        await scan(pilot, "1")
        assert screen.message.is_error and text_of(app, "MessageLine") == "No choice 1"
        assert text_of(app, "#prompt") == "Enter or Esc: back to the list"
        await scan(pilot, "")
        await wait_until(pilot, lambda: screen.step == "list")
        assert text_of(app, "#prompt").startswith("Type an alert number")


async def test_a_long_alert_is_cut_with_an_ellipsis_never_mid_figure():
    """At 80 columns a message longer than its column ends in '…': 'safety stock 1000' must not read as '10'."""
    from datetime import UTC, datetime

    from textual.app import App
    from textual.widgets import DataTable

    from console.screens.alert_views import fill_alerts
    from core.services.alerts import AlertView

    def view(n: int, message: str) -> AlertView:
        return AlertView(n, "below_safety_stock", "warning", "X", None, None, None, message, datetime.now(UTC),
                         None, None, None)

    fits = "IC-555: 550 on hand, below safety stock 1000"
    too_long = "CONN-USB-C-RA: 550 on hand, below safety stock 10000"
    app = App()
    async with app.run_test(size=(80, 24)):
        table = DataTable()
        await app.screen.mount(table)
        fill_alerts(table, [view(1, fits), view(2, too_long)], 80)
        assert str(table.get_row_at(0)[2]) == fits
        cut = str(table.get_row_at(1)[2])
        assert cut.endswith("…") and too_long.startswith(cut[:-1]) and len(cut) == len(fits)


async def test_a_block_still_confirms_when_the_operator_moves_on_while_it_posts(db, make_app, plant, system):
    """Esc back to the list and a look-up on another alert meanwhile: the block's answer still arrives,
    and it names the lot that was posted (the old screen's look-up cancelled the posting's answer)."""
    from sqlalchemy import text

    helpers.put_stock(db, system, "IC-1", "SOON", "A-02", 30, expiry=date.today() + timedelta(days=5))
    helpers.exec_sql(db, "UPDATE alert_rule SET threshold = 0 WHERE rule = 'dead_stock'")
    alerts.evaluate_all(db)
    (expiring,) = open_alert_ids(db, "expiring")
    dead = helpers.scalar(db, "SELECT a.id FROM alert a JOIN item i ON i.id = a.item_id WHERE a.rule ="
                              " 'dead_stock' AND i.sku = 'SCR-1'")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alerts(pilot)
        await scan(pilot, str(expiring))
        await scan(pilot, "2")
        with db.engine.connect() as other:  # hold the lot's balance, so the block waits for it
            other.execute(text("SELECT 1 FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                               " WHERE l.lot_no = 'SOON' FOR UPDATE"))
            await scan(pilot, "expires before use")
            await pilot.pause(0.3)
            await pilot.press("escape", "escape")  # reason -> the alert -> the list
            await wait_until(pilot, lambda: screen.step == "list" and screen.rows)
            await scan(pilot, str(dead))
            await scan(pilot, "2")  # the clean-up list: a look-up asked while the block still waits
            other.rollback()  # the session's one connection: the look-up runs once the block has posted
        await wait_until(pilot, lambda: screen.step == "result")
        await wait_until(pilot, lambda: text_of(app, "MessageLine") == "Lot SOON blocked: 30")
        assert screen.step == "result"  # the answer does not take the operator away from what they look at
    balances = helpers.rows(db, "SELECT b.status, b.qty FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                                " WHERE l.lot_no = 'SOON'")
    assert [(r.status, r.qty) for r in balances] == [("blocked", Decimal(30))]
