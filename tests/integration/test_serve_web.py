"""`lineside serve web` in a real browser: headless Chromium (the OS package, driven by Playwright) opens the page,
signs in by typing as a DataWedge keyboard wedge does, receives a PO line; the movement carries the tab's own
terminal id. Two tabs are two consoles, each with a terminal id of its own."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests import helpers
from tests.console import inbound_steps

inbound, labels_home = inbound_steps.inbound, inbound_steps.labels_home  # fixtures

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
_SESSION = re.compile(r"session (web:\S+) started \((\w+), (\d+)x(\d+)\)")

pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(), reason="no /usr/bin/chromium (OS package chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebServer:
    """`lineside serve web` as a subprocess; its log is read as it comes (one line per session opened)."""

    def __init__(self, db_url: str, home: Path, *extra: str) -> None:
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("LINESIDE_")}
        env.update(LINESIDE_DATABASE_URL=db_url, LINESIDE_HOME=str(home), LINESIDE_LANG="en")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from cli.main import app; app()", "serve", "web", "--port", str(self.port),
             *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise AssertionError(f"lineside serve web did not listen: {''.join(self.log)[-800:]}") from None
                time.sleep(0.1)

    def _read(self) -> None:
        for line in iter(self.proc.stdout.readline, b""):
            self.log.append(line.decode(errors="replace"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def sessions(self) -> list[tuple[str, str, int, int]]:
        """(terminal id, language, columns, rows) of every session the server started, in order."""
        return [(m[1], m[2], int(m[3]), int(m[4])) for line in list(self.log) if (m := _SESSION.search(line))]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Tab:
    """One browser tab on the server: what the console sends it (escape codes removed), keys typed into xterm."""

    def __init__(self, context, url: str) -> None:
        self.page = context.new_page()
        self.drawn = bytearray()
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.page.goto(url, wait_until="domcontentloaded")

    def _frame(self, payload) -> None:
        if isinstance(payload, bytes):  # terminal output; text frames are the JSON control messages
            self.drawn += _ESCAPES.sub(b"", payload)

    def wait_for(self, needle: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while needle.encode() not in self.drawn:
            if time.monotonic() > deadline:
                tail = self.drawn[-600:].decode(errors="replace")
                raise AssertionError(f"{needle!r} not drawn in the browser; it drew: {tail!r}")
            self.page.wait_for_timeout(50)  # lets Playwright deliver the websocket frames

    def scan(self, value: str, then: str) -> None:
        """Characters then Enter, as DataWedge's keystroke output sends a scan; waits for `then` to be drawn."""
        self.drawn.clear()
        self.page.keyboard.type(value)
        self.page.keyboard.press("Enter")
        self.wait_for(then)


@pytest.fixture
def browser():
    """Chromium from the OS packages (never Playwright's own download), offline but for the server; each
    `new_context(locale=…)` is a handheld of its own, with a fresh profile, sending that Accept-Language."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)

        def handheld(locale: str = "en-US"):
            context = chromium.new_context(viewport={"width": 1100, "height": 700}, locale=locale)
            context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: route.abort())
            return context

        yield handheld
        chromium.close()


@pytest.fixture
def serve(db_url, labels_home, inbound):
    """Starts `lineside serve web` with these options; stopped at teardown."""
    started: list[WebServer] = []

    def start(*options: str) -> WebServer:
        started.append(WebServer(db_url, labels_home.parent, *options))
        return started[-1]

    yield start
    for web in started:
        web.close()


@pytest.fixture
def server(serve) -> WebServer:
    return serve()


def _sign_in(tab: Tab, badge: str = "C900", pin_prompt: str = "PIN for badge", menu: str = "Main menu",
             connected: str = "DB connected") -> str:
    """Badge then PIN, typed into the page; returns the terminal id the tab's status bar shows."""
    tab.wait_for(connected)
    shown = re.search(rb"(web:127\.0\.0\.1:[0-9a-f]{8})", tab.drawn)[1].decode()  # the status bar
    assert tab.page.locator(".xterm canvas").count() > 0  # xterm.js really renders it, on its canvas
    tab.page.locator(".xterm-helper-textarea").focus()
    tab.scan(badge, pin_prompt)
    tab.scan("1234", menu)
    return shown


def test_a_browser_signs_in_by_wedge_scans_and_posts_a_receipt(db, server, browser):
    tab = Tab(browser(), server.url)
    tab.wait_for("Scan your badge")
    shown = _sign_in(tab)
    tab.scan("1", "Scan the PO number")
    tab.scan("PO-1", "Scan the item")
    tab.scan("RES-1", "Scan or type the lot number")
    tab.scan("R-7", "Type the quantity received")
    tab.scan("7", "Received 7")

    [(terminal, lang, cols, rows)] = server.sessions()
    assert re.fullmatch(r"web:127\.0\.0\.1:[0-9a-f]{8}", terminal) and lang == "en" and cols > 40 and rows > 10
    assert shown == terminal  # the status bar says which terminal this tab is
    assert helpers.rows(db, "SELECT m.kind, m.qty, m.terminal, o.badge FROM movement m JOIN lot l ON l.id = m.lot_id"
                            " JOIN operator o ON o.id = m.operator_id WHERE l.lot_no = 'R-7'") == [
        ("receipt", 7, terminal, "C900")]
    assert helpers.scalar(db, "SELECT terminal FROM audit_log WHERE action = 'operator.login'") == terminal


def test_two_tabs_are_two_sessions_each_signing_in_on_its_own(db, server, browser, supervisor):
    first = Tab(browser(), server.url)
    first.wait_for("Scan your badge")
    first_terminal = _sign_in(first)
    second = Tab(browser("zh-CN"), server.url)  # a handheld set to Chinese: its console speaks Chinese
    second.wait_for("请扫描工牌")  # not signed in, though the first tab is
    second_terminal = _sign_in(second, "S900", pin_prompt="S900", menu="主菜单", connected="数据库已连接")
    first.scan("9", "Stock lookup")  # the first tab is still C900's, in English

    assert [(t, lang) for t, lang, _c, _r in server.sessions()] == [(first_terminal, "en"), (second_terminal, "zh_CN")]
    assert first_terminal != second_terminal
    assert helpers.rows(db, "SELECT badge, terminal FROM audit_log WHERE action = 'operator.login' ORDER BY id") == [
        ("C900", first_terminal), ("S900", second_terminal)]


def test_a_tab_over_the_session_cap_is_told_so_and_gets_no_console(db, serve, browser):
    server = serve("--max-sessions", "1")
    first = Tab(browser(), server.url)
    first.wait_for("Scan your badge")
    second = Tab(browser(), server.url)
    assert "Too many sessions (1) on this server" in second.page.locator("#message").inner_text()
    assert len(server.sessions()) == 1
    first.page.close()  # the tab closes: its console ends, and a new tab gets one
    deadline = time.monotonic() + 20
    while not any("ended" in line for line in server.log) and time.monotonic() < deadline:
        time.sleep(0.1)
    third = Tab(browser(), server.url)
    third.wait_for("Scan your badge")
    assert len(server.sessions()) == 2


def test_the_page_asks_nothing_of_the_internet(server, browser):
    """Handhelds on a plant network may have no internet: the page, its script, styles and font are all served
    by lineside serve web."""
    context = browser()
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    tab = Tab(context, server.url)
    tab.wait_for("Scan your badge")
    assert asked and all(url.startswith(server.url) or url.startswith(server.url.replace("http", "ws"))
                         for url in asked), asked
    assert tab.page.title() == "Lineside" and tab.page.locator("html").get_attribute("lang") == "en"
