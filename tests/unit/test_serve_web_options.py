"""`lineside serve web`'s pure parts: the session's language from Accept-Language, its terminal id, the command
textual-serve runs for it; loading the CLI does not load the web server."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from console.web import language_of, session_command, terminal_id

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("header", "lang"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
    ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
    ("zh-TW", "zh_CN"),
    ("de-DE,de;q=0.9,zh;q=0.5,en;q=0.4", "zh_CN"),  # the best one we have, by q
    ("fr-FR,fr;q=0.9", "en"),  # none of ours: the default
    ("en;q=0, zh_CN", "zh_CN"),  # q=0 means "not this one"; an underscore is read as a dash
    ("", "en"),
    (None, "en"),
    ("zh;q=abc,en", "en"),  # a q that is no number counts as 0
])
def test_language_from_accept_language(header, lang):
    assert language_of(header, "en") == lang


def test_language_default_is_the_servers():
    assert language_of("fr", "zh_CN") == "zh_CN"


def test_each_session_gets_a_terminal_id_of_its_own():
    ids = {terminal_id("10.1.2.3") for _ in range(200)}
    assert len(ids) == 200 and all(re.fullmatch(r"web:10\.1\.2\.3:[0-9a-f]{8}", t) for t in ids)
    assert terminal_id(None).startswith("web:unknown:") and len(terminal_id("fe80::1:2:3:4:5")) <= 64


def test_the_session_command_is_this_interpreter_running_console_web_session():
    argv = shlex.split(session_command("web:10.0.0.1:abcd1234", "zh_CN"))
    assert argv == [sys.executable, "-m", "console.web_session", "--terminal", "web:10.0.0.1:abcd1234",
                    "--lang", "zh_CN"]


def test_loading_the_cli_loads_no_web_server():
    probe = "import json, sys; import cli.main; print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "typer" in loaded and not loaded & {"textual_serve", "aiohttp", "aiohttp_jinja2", "jinja2"}


def test_a_browser_session_loads_no_more_than_a_terminal_session():
    """console.web_session is what every tab runs: as lean as `lineside console` (test_import_boundaries)."""
    from tests.unit.test_import_boundaries import LEAN_SESSION

    probe = ("import json, sys; import console.web_session, console.app;"
             " print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert {"textual", "sqlalchemy", "console"} <= loaded
    assert not loaded & (set(LEAN_SESSION) | {"textual_serve", "aiohttp", "typer"}), sorted(loaded)
