"""`lineside operator set-pin BADGE [--pin-stdin]`: twice from a hidden prompt, or once from stdin."""

import pytest

from cli.main import app
from core.db import Database
from core.errors import AuthFailed, BadgeLocked
from core.services.auth import login
from tests import helpers


@pytest.fixture
def plant(db_url):
    db = Database(db_url)
    helpers.make_operator(db, "C5", ["clerk"], pin="1234")
    yield db
    db.dispose()


def _audit_rows(db) -> int:
    return helpers.scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'operator.set_pin'")


def test_pin_from_stdin(cli_env, plant):
    result = cli_env.invoke(app, ["operator", "set-pin", "C5", "--pin-stdin"], input="987654\n")
    assert result.exit_code == 0, result.output
    assert login(plant, "C5", "987654", "T").badge == "C5"
    with pytest.raises(AuthFailed):
        login(plant, "C5", "1234", "T")
    assert helpers.scalar(plant, "SELECT count(*) FROM operator WHERE pin_hash LIKE '%987654%'") == 0
    assert helpers.scalar(plant, "SELECT badge FROM audit_log WHERE action = 'operator.set_pin'") == "SYSTEM"


def test_pin_typed_twice_at_a_hidden_prompt(cli_env, plant):
    result = cli_env.invoke(app, ["operator", "set-pin", "C5"], input="5555\n5555\n")
    assert result.exit_code == 0, result.output
    assert "5555" not in result.output  # hidden input is not echoed
    assert login(plant, "C5", "5555", "T").badge == "C5"


def test_two_different_pins_change_nothing(cli_env, plant):
    result = cli_env.invoke(app, ["operator", "set-pin", "C5"], input="5555\n6666\n")
    assert result.exit_code == 1
    assert result.stderr.strip() == "The two PINs differ"
    assert login(plant, "C5", "1234", "T").badge == "C5" and _audit_rows(plant) == 0


@pytest.mark.parametrize("badge, pin", [("NOPE", "1234"), ("C5", "12"), ("C5", "")])
def test_refusals_are_one_line_and_write_nothing(cli_env, plant, badge, pin):
    result = cli_env.invoke(app, ["operator", "set-pin", badge, "--pin-stdin"], input=f"{pin}\n")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert login(plant, "C5", "1234", "T").badge == "C5" and _audit_rows(plant) == 0


def test_set_pin_clears_a_lockout(cli_env, plant):
    for _ in range(5):
        with pytest.raises((AuthFailed, BadgeLocked)):
            login(plant, "C5", "0000", "T")
    with pytest.raises(BadgeLocked):
        login(plant, "C5", "1234", "T")
    assert cli_env.invoke(app, ["operator", "set-pin", "C5", "--pin-stdin"], input="2468\n").exit_code == 0
    assert login(plant, "C5", "2468", "T").badge == "C5"


def test_usage_error_exits_2(cli_env):
    assert cli_env.invoke(app, ["operator", "set-pin"]).exit_code == 2
