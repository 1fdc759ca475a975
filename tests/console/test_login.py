"""Login typed like a wedge scanner: badge Enter, PIN Enter."""

from __future__ import annotations

from console.screens.home import HomeScreen
from console.screens.login import LoginScreen
from console.widgets import MessageLine
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.steps import scan, screen_lines, sign_in, text_of, wait_until


async def test_login_opens_home_and_shows_operator(db, make_app):
    helpers.make_operator(db, "C001", ["clerk"])
    helpers.small_site(db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        assert app.actor.badge == "C001" and app.actor.terminal == "T-TEST"
        status = text_of(app, "StatusBar")
        assert "C001" in status and "T-TEST" in status and "Warehouse RM" in status and "DB connected" in status
    assert helpers.scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'operator.login'") == 1


async def test_pin_is_masked(db, make_app):
    helpers.make_operator(db, "C001", ["clerk"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, "C001")
        await pilot.press(*"12")
        assert app.screen.scan_field.password is True
        shown = "\n".join(screen_lines(app))
        assert "••" in shown and "12" not in shown


async def test_wrong_pin_shows_translated_error_and_stays_on_pin_step(db, make_app):
    helpers.make_operator(db, "C001", ["clerk"])
    app = make_app(lang="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, "C001")
        await scan(pilot, "9999")
        await wait_until(pilot, lambda: app.screen.query_one(MessageLine).is_error)
        assert text_of(app, "MessageLine") == "工牌或密码错误"
        assert isinstance(app.screen, LoginScreen) and app.screen.step == "pin" and app.actor is None
        await scan(pilot, "1234")  # the same step takes the right PIN
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_five_wrong_pins_lock_the_badge(db, make_app):
    """The lock is real, but the screen reads as for a wrong PIN: it never confirms that a badge exists."""
    helpers.make_operator(db, "C001", ["clerk"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, "C001")
        for _attempt in range(5):
            await scan(pilot, "0000")
            await wait_until(pilot, lambda: app.screen.query_one(MessageLine).is_error)
            assert text_of(app, "MessageLine") == "Badge or PIN not recognised"
            assert app.screen.step == "pin"
            app.screen.message.clear()
        await scan(pilot, "1234")  # even the right PIN is refused while locked
        await wait_until(pilot, lambda: app.screen.query_one(MessageLine).is_error)
        assert text_of(app, "MessageLine") == "Badge or PIN not recognised" and app.actor is None
    assert helpers.scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'operator.locked'") == 1


async def test_escape_on_pin_step_returns_to_badge(db, make_app):
    helpers.make_operator(db, "C001", ["clerk"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, "C001")
        assert "PIN for badge C001" in text_of(app, "#prompt")
        await pilot.press("escape")
        assert app.screen.step == "badge" and text_of(app, "#prompt") == "Scan your badge"
        assert app.screen.scan_field.password is False
        await pilot.press("escape")  # nothing before the badge step: the login stays
        assert isinstance(app.screen, LoginScreen) and app.screen.step == "badge"


async def test_markup_typed_at_the_badge_and_pin_steps_is_text(db, make_app, clerk):
    """`[/]` once crashed a fixed terminal to a shell (MarkupError): now it is a badge like any other, refused."""
    from tests.console.steps import scan, wait_until

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.db_state == "connected")
        for typed in ("[/]", "[bold]x[/]"):
            await scan(pilot, typed)
            await scan(pilot, "[/]")
            await wait_until(pilot, lambda: app.screen.message.is_error)
            assert app.screen.message.text == "Badge or PIN not recognised" and app.is_running
