"""`lineside console` without a terminal (`ssh -T`, a pipe, cron) refuses in one line before touching the database:
Textual would otherwise draw escape codes into the pipe and wait for keys that never come."""

import pytest

from cli.main import app


@pytest.mark.parametrize(("lang", "line"), [("en", "The console needs a terminal"), ("zh_CN", "控制台需要一个终端")])
def test_console_without_a_terminal_refuses_in_one_line(cli_env, monkeypatch, lang, line):
    monkeypatch.setenv("LINESIDE_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/nowhere")  # never opened
    result = cli_env.invoke(app, ["console", "--lang", lang], input="")
    assert result.exit_code == 1
    assert result.stderr.strip() == line


def test_the_language_setting_is_used_for_the_refusal(cli_env, monkeypatch):
    import core.config

    monkeypatch.setenv("LINESIDE_LANG", "zh_CN")
    core.config.settings.cache_clear()
    result = cli_env.invoke(app, ["console"], input="")
    assert result.exit_code == 1
    assert result.stderr.strip() == "控制台需要一个终端"
