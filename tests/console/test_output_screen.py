"""Production output (`5`): refused without an issue (nothing written), F4 reprint, bad quantities."""

from __future__ import annotations

from decimal import Decimal

from console.screens.output import OutputScreen
from core.services import issuing, picking
from tests import helpers
from tests.console import production_steps as ps
from tests.console.conftest import SIZE
from tests.console.steps import scan, text_of, wait_until

plant = ps.plant


async def test_output_without_issue_is_refused(db, make_app, plant):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "5", OutputScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "good")
        assert "Ordered 100   Reported 0   Still to make 100" in text_of(app, "#detail")
        assert await ps.refused(pilot, "") == "Type the good quantity (0 when only scrap)"
        assert await ps.refused(pilot, "-3") == "Not a quantity: -3"
        await ps.step(pilot, "10", lambda: screen.step == "scrap")
        assert await ps.refused(pilot, "") == "Nothing was issued to WO-1; issue material first"
        assert screen.step == "scrap"
        assert helpers.scalar(db, "SELECT count(*) FROM lot WHERE work_order_id IS NOT NULL") == 0
        assert helpers.scalar(db, "SELECT count(*) FROM movement WHERE kind = 'output'") == 0
        assert not plant["labels"].exists()


async def test_output_posts_a_lot_and_f4_prints_it_again(db, make_app, plant):
    ps.kitted(db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "5", OutputScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "good")
        await ps.step(pilot, "25", lambda: screen.step == "scrap")
        await ps.step(pilot, "1", lambda: screen.message.text.startswith("Posted"))
        await wait_until(pilot, lambda: "Reported 25" in text_of(app, "#detail"))
        assert screen.step == "good" and "WO-1-01" in text_of(app, "#detail")
        label = plant["labels"] / "PCBA-1_WO-1-01.zpl"
        assert "(10)WO-1-01" in label.read_text() or "10WO-1-01" in label.read_text()
        label.unlink()
        await pilot.press("f4")
        await wait_until(pilot, lambda: screen.message.text.startswith("Label printed again"))
        assert label.exists() and screen.step == "good"
        assert helpers.rows(db, "SELECT status, qty_completed, qty_scrapped FROM work_order") == [
            ("in_progress", 25, 1)]


async def test_escape_to_the_order_step_while_the_output_posts(db, make_app, plant, monkeypatch):
    """Esc twice while the output posts: the posting (60 good, 2 scrap) still lands, its label prints, and the
    answer names what was posted, not what the screen holds by then."""
    import threading

    from core.services import production

    clerk = helpers.actor(db, "C001")
    tasks = picking.claim(db, clerk, "WO-1")
    picking.post_picks(db, clerk, key="pk", wo_number="WO-1", drop_location="LS-L1",
                       lines=[picking.PickLine(t.id, t.qty, t.lot) for t in tasks])
    issuing.issue(db, clerk, key="i1", wo_number="WO-1", lot="IC-A", qty=Decimal(120))
    real, gate = production.report_output, threading.Event()

    def held(*args, **kwargs):
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(production, "report_output", held)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "5", OutputScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "good")
        await ps.step(pilot, "60", lambda: screen.step == "scrap")
        await scan(pilot, "2")
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: screen.step == "wo" and screen.order is None)
        gate.set()
        await wait_until(pilot, lambda: screen.message.text.startswith("Posted"))
        assert text_of(app, "MessageLine") == "Posted: 60 good, 2 scrap; lot WO-1-01   Label printed"
        assert helpers.rows(db, "SELECT status, qty_completed, qty_scrapped FROM work_order") == [
            ("in_progress", 60, 2)]
        assert (plant["labels"] / "PCBA-1_WO-1-01.zpl").exists()


def _issued(db):
    clerk = helpers.actor(db, "C001")
    tasks = picking.claim(db, clerk, "WO-1")
    picking.post_picks(db, clerk, key="pk", wo_number="WO-1", drop_location="LS-L1",
                       lines=[picking.PickLine(t.id, t.qty, t.lot) for t in tasks])
    for lot, qty in (("IC-A", 120), ("IC-B", 80)):
        issuing.issue(db, clerk, key=f"i-{lot}", wo_number="WO-1", lot=lot, qty=Decimal(qty))


async def test_the_output_that_completes_the_order_is_a_success_line(db, make_app, plant, monkeypatch):
    _issued(db)
    app = make_app()
    bells = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "5", OutputScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "good")
        await ps.step(pilot, "98", lambda: screen.step == "scrap")
        await ps.step(pilot, "2", lambda: screen.message.text.startswith("Posted"))
        await wait_until(pilot, lambda: "is complete" in screen.message.text or screen.message.is_error)
        await pilot.pause(0.2)  # whatever comes after the posting has arrived
        assert not screen.message.is_error and bells == []
        assert text_of(app, "MessageLine") == "Posted: 98 good, 2 scrap; lot WO-1-01   Label printed   WO-1 is complete"
        assert screen.step == "wo"
        assert helpers.rows(db, "SELECT status, qty_completed, qty_scrapped FROM work_order") == [
            ("completed", 98, 2)]
        assert await ps.refused(pilot, "WO-1") == "Work order WO-1 is completed, not released"


async def test_over_output_is_refused_then_approved_by_a_supervisor(db, make_app, plant):
    _issued(db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "5", OutputScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "good")
        await ps.step(pilot, "200", lambda: screen.step == "scrap")
        assert await ps.refused(pilot, "") == ("Over-output: 200 reported of 100 ordered (+0% tolerance)"
                                               " · F2 Supervisor approval")
        assert screen.step == "scrap"
        assert helpers.scalar(db, "SELECT count(*) FROM lot WHERE work_order_id IS NOT NULL") == 0
        await pilot.press("f2")
        await wait_until(pilot, lambda: screen.step == "approver")
        await ps.step(pilot, "C001", lambda: screen.step == "approver_pin")
        await scan(pilot, "1234")  # four eyes: not the clerk who reports
        await wait_until(pilot, lambda: screen.message.is_error)
        assert screen.step == "approver"
        assert text_of(app, "MessageLine") == "An approval needs a second person, not C001"
        await ps.step(pilot, "S001", lambda: screen.step == "approver_pin")
        await ps.step(pilot, "9876", lambda: screen.step == "approval_reason")
        assert "Full panel or batch" in text_of(app, "#detail")
        await ps.step(pilot, "1", lambda: screen.message.text.startswith("Posted"))
        assert not screen.message.is_error
        assert helpers.rows(db, "SELECT status, qty_completed FROM work_order") == [("completed", 200)]
        assert helpers.scalar(db, "SELECT new ->> 'approved_by' FROM audit_log WHERE action = 'output'") == "S001"


async def test_half_a_piece_is_refused_at_its_step(db, make_app, plant):
    _issued(db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "5", OutputScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "good")
        assert await ps.refused(pilot, "2.5") == "PCBA-1 is counted in whole EA: not 2.5"
        assert screen.step == "good"
        await ps.step(pilot, "2", lambda: screen.step == "scrap")
        assert await ps.refused(pilot, "0.5") == "PCBA-1 is counted in whole EA: not 0.5"
        assert screen.step == "scrap"
        assert helpers.scalar(db, "SELECT count(*) FROM movement WHERE kind = 'output'") == 0


async def test_enter_while_the_completing_output_prints_posts_nothing_again(db, make_app, plant, monkeypatch):
    """The order is complete, its labels still printing: an Enter then is no second output refused in red."""
    import threading

    from console.screens import output

    _issued(db)
    real, gate = output.print_output_labels, threading.Event()

    def held(*args, **kwargs):
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(output, "print_output_labels", held)
    app = make_app()
    bells = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "5", OutputScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "good")
        await ps.step(pilot, "100", lambda: screen.step == "scrap")
        await scan(pilot, "")
        await wait_until(pilot, lambda: screen.last is not None)
        await scan(pilot, "")  # impatient: the labels have not come out yet
        await pilot.pause(0.3)
        gate.set()
        await wait_until(pilot, lambda: "is complete" in screen.message.text or screen.message.is_error)
        assert not screen.message.is_error and bells == [] and screen.step == "wo"
        assert helpers.scalar(db, "SELECT count(*) FROM movement WHERE kind = 'output'") == 1


async def test_a_label_not_printed_is_said_again_in_the_new_language(db, make_app, plant, monkeypatch):
    """The printer does not answer: the output is posted, the red line says the label is missing; F9 says the same
    refusal in Chinese (printer's error included), and again in English, with no bell either time."""
    from core.services import work_order_views

    monkeypatch.setattr(work_order_views.settings(), "printer", "127.0.0.1:1")  # nothing listens there
    ps.kitted(db)
    app = make_app()
    bells = []
    async with app.run_test(size=SIZE) as pilot:
        await ps.open_flow(pilot, "5", OutputScreen)
        screen = app.screen
        await ps.step(pilot, "WO-1", lambda: screen.step == "good")
        await ps.step(pilot, "25", lambda: screen.step == "scrap")
        await ps.step(pilot, "0", lambda: screen.message.text.startswith("Posted WO-1-01; label not printed"))
        assert screen.message.is_error and "Printer 127.0.0.1:1 did not answer" in screen.message.text
        assert helpers.scalar(db, "SELECT count(*) FROM movement WHERE kind = 'output'") == 1
        monkeypatch.setattr(app, "bell", lambda: bells.append(1))
        await pilot.press("f9")
        await wait_until(pilot, lambda: screen.message.text.startswith("已过账 WO-1-01；标签未打印"))
        assert screen.message.is_error and "打印机 127.0.0.1:1 无响应" in screen.message.text
        await pilot.press("f9")
        await wait_until(pilot, lambda: screen.message.text.startswith("Posted WO-1-01; label not printed"))
        assert screen.message.is_error and not bells
