"""`lineside serve web`: what it refuses before serving, what it says when it listens beyond loopback, and the page's
websocket address (the one the browser used, or --public-url behind a TLS proxy)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

ROOT = Path(__file__).resolve().parents[2]
SERVE = [sys.executable, "-c", "from cli.main import app; app()", "serve", "web"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serving(tmp_path):
    """Starts `lineside serve web OPTIONS…` (no session is opened: no database is needed); returns (proc, port)."""
    procs: list[subprocess.Popen] = []

    def start(*options: str) -> tuple[subprocess.Popen, int]:
        port = _free_port()
        env = {**os.environ, "LINESIDE_LANG": "en", "LINESIDE_HOME": str(tmp_path)}
        procs.append(subprocess.Popen([*SERVE, "--port", str(port), *options], cwd=ROOT, env=env, text=True,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return procs[-1], port
            except OSError:
                assert procs[-1].poll() is None and time.monotonic() < deadline, "lineside serve web did not listen"
                time.sleep(0.1)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(15)


def _page(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
        return response.read().decode()


def test_a_bad_language_is_a_usage_error():
    assert CliRunner().invoke(app, ["serve", "web", "--lang", "fr"]).exit_code == 2


def test_a_port_already_taken_is_one_line_and_exit_1():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([*SERVE, "--port", str(port)], cwd=ROOT, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "LINESIDE_LANG": "en"})
    assert done.returncode == 1
    assert done.stderr.strip().startswith(f"Cannot listen on 127.0.0.1:{port}:")
    assert len(done.stderr.strip().splitlines()) == 1


def test_loopback_by_default_and_the_page_points_at_the_address_the_browser_used(serving):
    proc, port = serving()
    page = _page(port)
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
    assert "googleapis" not in page and f"http://127.0.0.1:{port}/static/fonts/RobotoMono" in page
    proc.terminate()
    assert "reverse proxy" not in proc.communicate(timeout=15)[1]


def _outward_address() -> str | None:
    """This machine's address towards other hosts (a UDP socket's route; nothing is sent), None if only loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 9))
        except OSError:
            return None
        address = s.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_by_default_other_devices_cannot_reach_it(serving):
    address = _outward_address()
    if address is None:
        pytest.skip("this machine has no address besides loopback")
    _proc, port = serving()
    with pytest.raises(OSError):
        socket.create_connection((address, port), timeout=2).close()


def test_beyond_loopback_it_says_a_tls_proxy_belongs_in_front(serving):
    proc, port = serving("--host", "0.0.0.0")
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in _page(port)  # not ws://0.0.0.0
    proc.terminate()
    stderr = proc.communicate(timeout=15)[1]
    assert "Listening on 0.0.0.0: put a reverse proxy with TLS in front" in stderr


def test_behind_a_tls_proxy_the_page_uses_the_public_url(serving):
    _proc, port = serving("--public-url", "https://lineside.plant.example/")
    page = _page(port)
    assert 'data-session-websocket-url="wss://lineside.plant.example/ws"' in page
    assert "https://lineside.plant.example/static/js/textual.js" in page


def test_a_websocket_from_another_site_is_refused(serving):
    """Another page open in the handheld's browser cannot start a console (nor try PINs from its address)."""
    import asyncio

    import aiohttp

    _proc, port = serving()

    async def handshake(origin: str) -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(f"http://127.0.0.1:{port}/ws", headers={"Origin": origin}):
                    return 101
            except aiohttp.WSServerHandshakeError as refused:
                return refused.status

    assert asyncio.run(handshake("http://evil.example")) == 403
    assert asyncio.run(handshake(f"http://127.0.0.1:{port}.evil.example")) == 403
