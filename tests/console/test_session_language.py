"""The language belongs to the session: two consoles in one process each speak their own, F9 switches one."""

from __future__ import annotations

import asyncio

from core.i18n import _, language, set_language
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.steps import scan, text_of, wait_until

TITLE = {"en": "Sign in", "zh_CN": "登录"}
WRONG_PIN = {"en": "Badge or PIN not recognised", "zh_CN": "工牌或密码错误"}


async def _in_a_thread_worker(app) -> str:
    """What `_()` gives inside a `@work(thread=True)`-style worker of `app`."""
    worker = app.run_worker(lambda: _("Sign in"), thread=True, exit_on_error=False)
    return await worker.wait()


async def test_two_sessions_at_once_each_render_their_own_language(db, make_app):
    helpers.make_operator(db, "C001", ["clerk"])
    apps = {"en": make_app(lang="en"), "zh_CN": make_app(lang="zh_CN")}
    both_up, both_switched = asyncio.Barrier(2), asyncio.Barrier(2)

    async def session(lang: str) -> None:
        app = apps[lang]
        async with app.run_test(size=SIZE) as pilot:
            await both_up.wait()  # both apps are running in this loop from here on
            assert text_of(app, "#title") == TITLE[lang]
            assert await _in_a_thread_worker(app) == TITLE[lang]
            await scan(pilot, "C001")
            await scan(pilot, "9999")  # refused in the sign-in worker, shown in this session's language
            await wait_until(pilot, lambda: app.screen.message.is_error)
            assert text_of(app, "MessageLine") == WRONG_PIN[lang]
            if lang == "zh_CN":
                await pilot.press("f9")  # only this session switches
                assert app.lang == "en" and text_of(app, "#title") == TITLE["en"]
            await both_switched.wait()
            await pilot.pause()
            now = "en" if lang == "zh_CN" else lang
            assert text_of(app, "#title") == TITLE[now]
            assert await _in_a_thread_worker(app) == TITLE[now]

    await asyncio.gather(session("en"), session("zh_CN"))
    assert apps["en"].lang == "en" and apps["zh_CN"].lang == "en"
    assert language() == "en" and _("Sign in") == "Sign in"  # the process default is untouched


async def test_a_nested_session_keeps_its_language_and_leaves_the_default(make_app):
    set_language("zh_CN")  # a process default in Chinese does not leak into an English session
    outer, inner = make_app(lang="en"), make_app(lang="zh_CN")
    async with outer.run_test(size=SIZE) as outer_pilot:
        await outer_pilot.pause()
        async with inner.run_test(size=SIZE) as inner_pilot:
            await inner_pilot.pause()
            assert text_of(inner, "#title") == "登录" and text_of(outer, "#title") == "Sign in"
            await inner_pilot.press("f9")
            assert text_of(inner, "#title") == "Sign in"
            await inner_pilot.press("f9")
            assert text_of(inner, "#title") == "登录"
            assert outer.lang == "en" and text_of(outer, "#title") == "Sign in"
        await outer_pilot.press("f9")
        assert outer.lang == "zh_CN" and text_of(outer, "#title") == "登录" and inner.lang == "zh_CN"
        await outer_pilot.press("f9")
        assert await _in_a_thread_worker(outer) == "Sign in"
    assert language() == "zh_CN" and _("Sign in") == "登录"
