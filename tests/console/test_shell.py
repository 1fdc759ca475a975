"""The shell around the flows: idle lock, language switch, lost and recovered database, the CLI command."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from cli.main import app as cli_app
from console.app import LinesideApp
from console.screens.login import LoginScreen
from console.screens.stock_lookup import StockLookupScreen
from console.services import ConsoleServices
from core.db import Database
from core.i18n import _
from tests import helpers
from tests.console.conftest import SIZE, TERMINAL
from tests.console.steps import scan, sign_in, table_rows, text_of, wait_until
from tests.console.tcp_proxy import TcpProxy


async def test_idle_terminal_returns_to_login(db, make_app):
    helpers.make_operator(db, "C001", ["clerk"])
    app = make_app(idle_minutes=0.03)  # 1.8 s: keys 0.3 s apart keep it alive with room to spare under load
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await scan(pilot, "9")
        await wait_until(pilot, lambda: isinstance(app.screen, StockLookupScreen))
        for _key in range(8):  # 2.4 s, longer than the idle limit: only the keys keep the session alive
            await pilot.pause(0.3)
            await pilot.press("x")
        assert app.actor is not None
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), timeout=6)
        assert app.actor is None and "without a key" in text_of(app, "MessageLine")
        assert app.screen.step == "badge"


async def test_f9_switches_language_everywhere(db, make_app, site):
    helpers.make_operator(db, "C001", ["clerk"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        assert text_of(app, "#prompt") == "请扫描工牌"
        await pilot.press("f9")
        assert text_of(app, "#prompt") == "Scan your badge"
        await sign_in(pilot)
        await scan(pilot, "A-02")
        await wait_until(pilot, lambda: isinstance(app.screen, StockLookupScreen) and table_rows(app))
        await pilot.press("f9")
        assert app.lang == "zh_CN" and _("Stock lookup") == "库存查询"
        assert text_of(app, "#title") == "库存查询" and "中文" in text_of(app, "StatusBar")
        assert table_rows(app)[0][3] == "可用"  # status in the operator's language, data kept
        assert "库位" in "".join(str(c.label) for c in app.screen.query_one("DataTable").columns.values())
        await pilot.press("escape")
        await wait_until(pilot, lambda: text_of(app, "#title") == "主菜单")
        assert "库存查询" in text_of(app, "#menu")


async def test_lang_option_starts_in_chinese(services):
    app = LinesideApp(services, lang="zh_CN")
    async with app.run_test(size=SIZE):
        assert text_of(app, "#title") == "登录"


@pytest.fixture
def proxied_services(db_url):
    url = make_url(db_url)
    if not url.host or url.host.startswith("/"):
        pytest.skip("needs a TCP database server")
    proxy = TcpProxy((url.host, url.port or 5432))
    proxy.start()
    database = Database(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    yield proxy, ConsoleServices.from_database(database, TERMINAL)
    proxy.stop()
    database.dispose()


async def test_lost_database_shows_reconnecting_and_recovers(db, site, proxied_services):
    proxy, services = proxied_services
    helpers.make_operator(db, "C001", ["clerk"])
    app = LinesideApp(services, lang="en", ping_seconds=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await scan(pilot, "9")
        await wait_until(pilot, lambda: isinstance(app.screen, StockLookupScreen))
        proxy.stop()
        await wait_until(pilot, lambda: app.db_state == "reconnecting")
        assert "DB reconnecting" in text_of(app, "StatusBar")
        await scan(pilot, "L1")
        await wait_until(pilot, lambda: app.screen.message.is_error)
        assert text_of(app, "MessageLine") == "Database unavailable, retrying"
        proxy.start()
        await wait_until(pilot, lambda: app.db_state == "connected")
        assert "DB connected" in text_of(app, "StatusBar")
        await scan(pilot, "L1")  # the console carries on by itself, same operator, same step
        await wait_until(pilot, lambda: table_rows(app) != [])
        assert table_rows(app)[0][:3] == ["A-01", "IC-1", "L1"]


def test_console_command_refuses_an_unknown_language():
    result = CliRunner().invoke(cli_app, ["console", "--lang", "fr"])
    assert result.exit_code == 2
