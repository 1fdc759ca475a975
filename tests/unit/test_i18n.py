"""core.i18n on Babel: plural forms from the catalog, per-context language, locale-aware numbers and dates."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

from core import i18n
from core.i18n import _, format_date, format_number, language, ngettext, pgettext, set_language, use_language


def test_english_plurals_are_one_and_other():
    assert [ngettext("{n} lot", "{n} lots", n).format(n=n) for n in (0, 1, 2)] == ["0 lots", "1 lot", "2 lots"]


def test_chinese_has_one_form_from_the_plural_forms_header():
    assert i18n.po_catalog("zh_CN").num_plurals == 1
    with use_language("zh_CN"):
        assert {ngettext("{n} lot", "{n} lots", n) for n in (0, 1, 5)} == {"{n} 批次"}
        assert ngettext("An untranslated {n} thing", "An untranslated {n} things", 1) == "An untranslated {n} thing"


def test_a_context_tells_one_english_word_apart():
    with use_language("zh_CN"):
        assert pgettext("import error", "Required") == "必填" and _("Required") == "需求"
    assert pgettext("import error", "Required") == "Required"


def test_the_context_language_wins_over_the_process_default_and_does_not_leak():
    set_language("zh_CN")
    with use_language("en"):
        assert language() == "en" and _("Sign in") == "Sign in"
    assert language() == "zh_CN" and _("Sign in") == "登录"


def test_a_resolver_names_the_session_language():
    sessions = {"a": "zh_CN", "b": "en"}
    current: dict[str, str | None] = {"id": None}
    previous = i18n.set_language_resolver(lambda: sessions.get(current["id"]))  # the console's, if imported
    try:
        assert language() == "en"  # no session: the process default
        current["id"] = "a"
        assert _("Sign in") == "登录"
        current["id"] = "b"
        assert _("Sign in") == "Sign in"
    finally:
        i18n.set_language_resolver(previous)


def test_concurrent_tasks_keep_their_own_language():
    async def task(lang: str) -> list[str]:
        with use_language(lang):
            seen = []
            for _i in range(3):
                await asyncio.sleep(0)
                seen.append(_("Sign in"))
            return seen

    async def both():
        return await asyncio.gather(task("en"), task("zh_CN"))

    assert asyncio.run(both()) == [["Sign in"] * 3, ["登录"] * 3]


def test_numbers_and_dates_follow_the_language():
    assert format_number(Decimal("12345.6789")) == "12,345.6789"  # every digit kept
    assert format_date(dt.date(2026, 1, 2)) == "Jan 2, 2026"
    with use_language("zh_CN"):
        assert format_number(1234567) == "1,234,567"
        assert format_date(dt.date(2026, 1, 2)) == "2026年1月2日"
        assert format_date(dt.date(2026, 1, 2), "short") == "2026/1/2"
