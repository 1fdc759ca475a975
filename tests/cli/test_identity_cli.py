"""Who is acting on the CLI: once an admin can sign in, a command that changes data names a signed-in operator
(`--as BADGE` / LINESIDE_BADGE, PIN by --pin-stdin / LINESIDE_PIN / prompt), checked and audited as in the
console; before that (a fresh database) it acts as SYSTEM. Attack tests: each was possible as SYSTEM before."""

import hashlib
import json

import pytest

import cli.common
from cli.main import app
from core.db import Database
from core.services.auth import login
from tests import helpers
from tests.cli.conftest import ADMIN_BADGE, ADMIN_PIN
from tests.integration.import_files import SAMPLES, write

REFUSED = "This command changes data: name yourself with --as BADGE (or LINESIDE_BADGE)"


@pytest.fixture
def plant(db_url):
    """An admin who can sign in (A-CLI), a clerk (C1), a supervisor (S1); no env identity."""
    db = Database(db_url)
    helpers.make_operator(db, ADMIN_BADGE, ["admin"], pin=ADMIN_PIN)
    helpers.make_operator(db, "C1", ["clerk"], pin="1111")
    helpers.make_operator(db, "S1", ["supervisor"], pin="333333")
    yield db
    db.dispose()


def _audit(db, action: str):
    return helpers.rows(db, "SELECT badge, terminal, entity_key, reason, new FROM audit_log WHERE action = :a"
                            " ORDER BY id", a=action)


def _grant_admin(tmp_path):
    return write(tmp_path, "ops.csv", "badge,name,roles\nC1,Operator C1,clerk|admin\n")


@pytest.mark.parametrize("args", [
    ["import", "operators", "FILE"],
    ["operator", "set-pin", "S1", "--pin-stdin"],
    ["workorder", "release", "WO-1"],
    ["alerts", "evaluate"],
    ["demo"],
])
def test_without_an_operator_a_change_is_refused_and_nothing_written(cli_env, plant, tmp_path, args):
    args = [str(_grant_admin(tmp_path)) if a == "FILE" else a for a in args]
    before = helpers.scalar(plant, "SELECT count(*) FROM audit_log")
    result = cli_env.invoke(app, args, input="999999\n")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [REFUSED]
    assert helpers.scalar(plant, "SELECT count(*) FROM audit_log") == before
    assert helpers.scalar(plant, "SELECT roles FROM operator WHERE badge = 'C1'") == ["clerk"]
    assert login(plant, "S1", "333333", "T").badge == "S1"  # the PIN was not reset


def test_read_only_commands_and_dry_runs_need_no_operator(cli_env, plant, tmp_path):
    assert cli_env.invoke(app, ["stock", "--json"]).exit_code == 0
    assert cli_env.invoke(app, ["check", "--json"]).exit_code == 0
    result = cli_env.invoke(app, ["import", "operators", str(_grant_admin(tmp_path)), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    assert helpers.scalar(plant, "SELECT roles FROM operator WHERE badge = 'C1'") == ["clerk"]


def test_wrong_pin_is_refused_audited_and_counts_toward_the_lockout(cli_env, plant, tmp_path):
    path = str(_grant_admin(tmp_path))
    for n in range(1, 5):
        result = cli_env.invoke(app, ["import", "operators", path, "--as", ADMIN_BADGE, "--pin-stdin"],
                                input="000000\n")
        assert result.exit_code == 1
        assert result.stderr.strip().splitlines() == ["Badge or PIN not recognised"]
        assert helpers.scalar(plant, "SELECT failed_attempts FROM operator WHERE badge = :b", b=ADMIN_BADGE) == n
    failed = _audit(plant, "operator.login_failed")
    assert [(r.entity_key, r.terminal, r.reason) for r in failed] == [(ADMIN_BADGE, "cli:T-CLI", "wrong PIN")] * 4
    cli_env.invoke(app, ["import", "operators", path, "--as", ADMIN_BADGE, "--pin-stdin"], input="000000\n")
    assert helpers.scalar(plant, "SELECT locked_until IS NOT NULL FROM operator WHERE badge = :b", b=ADMIN_BADGE)
    locked = cli_env.invoke(app, ["import", "operators", path, "--as", ADMIN_BADGE, "--pin-stdin"],
                            input=f"{ADMIN_PIN}\n")
    assert locked.exit_code == 1 and locked.stderr.strip() == "Badge or PIN not recognised"  # locked reads the same
    assert helpers.scalar(plant, "SELECT roles FROM operator WHERE badge = 'C1'") == ["clerk"]
    assert _audit(plant, "import.operators") == []


def test_no_one_signs_in_as_system(cli_env, plant, tmp_path):
    result = cli_env.invoke(app, ["import", "operators", str(_grant_admin(tmp_path)), "--as", "SYSTEM",
                                  "--pin-stdin"], input="\n")
    assert result.exit_code == 1 and result.stderr.strip() == "Badge or PIN not recognised"
    assert _audit(plant, "import.operators") == []


def test_a_clerk_importing_operators_is_refused_in_their_language(cli_env, plant, tmp_path, monkeypatch):
    monkeypatch.setenv("LINESIDE_LANG", "zh_CN")
    monkeypatch.setenv("LINESIDE_PIN", "1111")
    cli.common.init_language()  # the app's callback does this too; settings are re-read per test
    import core.config

    core.config.settings.cache_clear()
    result = cli_env.invoke(app, ["import", "operators", str(_grant_admin(tmp_path)), "--as", "C1"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == ["无权限：import.run"]
    assert helpers.scalar(plant, "SELECT roles FROM operator WHERE badge = 'C1'") == ["clerk"]
    assert _audit(plant, "import.operators") == []


def test_an_admins_import_names_them_and_what_changed(cli_env, plant, tmp_path):
    path = write(tmp_path, "ops.csv", "badge,name,roles,pin\nC1,Operator C1,clerk|admin,\nN1,New One,clerk,5678\n"
                                      "S1,Operator S1,supervisor,\n")
    result = cli_env.invoke(app, ["import", "operators", str(path), "--as", ADMIN_BADGE, "--pin-stdin", "--json"],
                            input=f"{ADMIN_PIN}\n")
    assert result.exit_code == 0, result.output
    (row,) = _audit(plant, "import.operators")
    assert (row.badge, row.terminal) == (ADMIN_BADGE, "cli:T-CLI")
    new = row.new
    assert new["operators"] == [  # the grant of a privilege first; S1, unchanged, not listed
        {"badge": "C1", "roles": {"before": ["clerk"], "after": ["admin", "clerk"]}},
        {"badge": "N1", "roles": {"before": None, "after": ["clerk"]}, "pin": "set"},
    ]
    assert new["operators_changed"] == 2
    assert (new["table"], new["inserted"], new["updated"]) == ("operator", 1, 2)
    assert (new["new_keys"], new["existing_keys"]) == (["N1"], ["C1", "S1"])
    assert new["file_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "5678" not in json.dumps(new) and "argon2" not in json.dumps(new)
    assert [r.badge for r in _audit(plant, "operator.login")] == [ADMIN_BADGE]


def test_a_large_import_audits_bounded_keys(as_admin, db_url, tmp_path):
    as_admin.invoke(app, ["import", "warehouses", str(SAMPLES / "warehouses.csv")])
    path = write(tmp_path, "s.csv", "code,name\n" + "".join(f"SUP-{n:05},Supplier {n}\n" for n in range(3000)))
    result = as_admin.invoke(app, ["import", "suppliers", str(path)])
    assert result.exit_code == 0, result.output
    db = Database(db_url)
    (row,) = _audit(db, "import.suppliers")
    db.dispose()
    assert row.badge == ADMIN_BADGE
    assert (row.new["table"], row.new["inserted"], row.new["keys_shown"]) == ("supplier", 3000, 50)
    assert row.new["new_keys"] == [f"SUP-{n:05}" for n in range(50)] and row.new["existing_keys"] == []
    assert len(json.dumps(row.new)) < 4000


def test_first_imports_on_an_empty_database_need_no_operator_then_they_do(cli_env, db_url):
    for kind in ("warehouses", "operators"):
        result = cli_env.invoke(app, ["import", kind, str(SAMPLES / f"{kind}.csv")])
        assert result.exit_code == 0, result.output
    db = Database(db_url)
    assert [r.badge for r in _audit(db, "import.operators")] == ["SYSTEM"]
    result = cli_env.invoke(app, ["import", "suppliers", str(SAMPLES / "suppliers.csv")])
    assert result.exit_code == 1 and result.stderr.strip() == REFUSED  # the sample operators hold admin A001
    result = cli_env.invoke(app, ["import", "suppliers", str(SAMPLES / "suppliers.csv"), "--as", "A001",
                                  "--pin-stdin"], input="4444\n")
    assert result.exit_code == 0, result.output
    assert [r.badge for r in _audit(db, "import.suppliers")] == ["A001"]
    db.dispose()


def test_an_admin_without_a_pin_leaves_the_first_set_pin_to_system(cli_env, db_url):
    db = Database(db_url)
    helpers.make_operator(db, "A1", ["admin"], pin=None)
    assert cli_env.invoke(app, ["operator", "set-pin", "A1", "--pin-stdin"], input="135790\n").exit_code == 0
    assert [r.badge for r in _audit(db, "operator.set_pin")] == ["SYSTEM"]
    again = cli_env.invoke(app, ["operator", "set-pin", "A1", "--pin-stdin"], input="135790\n")
    assert again.exit_code == 1 and again.stderr.strip() == REFUSED
    db.dispose()


def test_pin_from_lineside_pin_and_badge_from_lineside_badge(as_admin, db_url):
    result = as_admin.invoke(app, ["operator", "set-pin", "C1", "--pin-stdin"], input="2468\n")
    assert result.exit_code == 1 and "Not found: C1" in result.stderr  # signed in (env), then the service answered
    db = Database(db_url)
    helpers.make_operator(db, "C1", ["clerk"], pin="1111")
    result = as_admin.invoke(app, ["operator", "set-pin", "C1"], input="2468\n2468\n")
    assert result.exit_code == 0, result.output
    assert login(db, "C1", "2468", "T").badge == "C1"
    assert [r.badge for r in _audit(db, "operator.set_pin")] == [ADMIN_BADGE]
    db.dispose()


def test_no_pin_and_no_terminal_refuses(cli_env, plant, monkeypatch):
    result = cli_env.invoke(app, ["alerts", "evaluate", "--as", "S1"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "No PIN for S1: use --pin-stdin, LINESIDE_PIN or a terminal"
    assert _audit(plant, "operator.login_failed") == []  # nothing was tried


def test_the_pin_prompt_is_hidden_and_on_stderr(cli_env, plant, monkeypatch):
    monkeypatch.setattr(cli.common, "_interactive", lambda: True)
    result = cli_env.invoke(app, ["alerts", "evaluate", "--as", "S1"], input="333333\n")
    assert result.exit_code == 0, result.output
    assert "333333" not in result.output, repr(result.output)
    assert "PIN for S1" in result.stderr and result.stdout.strip() == ""  # (CliRunner echoes a newline)
    assert [(r.badge, r.terminal) for r in _audit(plant, "operator.login")] == [("S1", "cli:T-CLI")]


def test_set_pin_stdin_takes_your_pin_then_the_new_one(cli_env, plant):
    result = cli_env.invoke(app, ["operator", "set-pin", "C1", "--as", ADMIN_BADGE, "--pin-stdin"],
                            input=f"{ADMIN_PIN}\n7531\n")
    assert result.exit_code == 0, result.output
    assert login(plant, "C1", "7531", "T").badge == "C1"


def test_a_supervisor_cannot_reset_an_admins_pin_but_anyone_sets_their_own(cli_env, plant):
    result = cli_env.invoke(app, ["operator", "set-pin", ADMIN_BADGE, "--as", "S1", "--pin-stdin"],
                            input="333333\n999999\n")
    assert result.exit_code == 1 and result.stderr.strip() == "Not allowed: operator.manage"
    assert login(plant, ADMIN_BADGE, ADMIN_PIN, "T").badge == ADMIN_BADGE
    own = cli_env.invoke(app, ["operator", "set-pin", "S1", "--as", "S1", "--pin-stdin"], input="333333\n444444\n")
    assert own.exit_code == 0, own.output
    assert login(plant, "S1", "444444", "T").badge == "S1"
    short = cli_env.invoke(app, ["operator", "set-pin", "S1", "--as", "S1", "--pin-stdin"], input="444444\n1234\n")
    assert short.exit_code == 1  # a supervisor's PIN keeps its privileged length
    system = cli_env.invoke(app, ["operator", "set-pin", "SYSTEM", "--as", ADMIN_BADGE, "--pin-stdin"],
                            input=f"{ADMIN_PIN}\n123456\n")
    assert system.exit_code == 1 and "built-in operator" in system.stderr


def test_workorder_actions_check_the_operators_roles(cli_env, db_url):
    db = Database(db_url)
    helpers.production_site(db)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 5, due="2030-01-05")
    helpers.make_operator(db, ADMIN_BADGE, ["admin"], pin=ADMIN_PIN)
    helpers.make_operator(db, "S1", ["supervisor"], pin="333333")
    refused = cli_env.invoke(app, ["workorder", "release", "WO-1", "--as", ADMIN_BADGE, "--pin-stdin"],
                             input=f"{ADMIN_PIN}\n")
    assert refused.exit_code == 1 and refused.stderr.strip() == "Not allowed: workorder.manage"
    done = cli_env.invoke(app, ["workorder", "release", "WO-1", "--as", "S1", "--pin-stdin", "--json"],
                          input="333333\n")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["status"] == "released"
    assert helpers.scalar(db, "SELECT badge FROM audit_log WHERE action LIKE 'workorder.%' ORDER BY id DESC"
                              " LIMIT 1") == "S1"
    db.dispose()


def test_console_demo_is_not_loaded_as_system_once_an_admin_exists(cli_env, plant, capsys):
    from cli.cmd_console import _load_demo_if_empty

    _load_demo_if_empty(plant)
    assert "lineside demo --as BADGE" in capsys.readouterr().err
    assert helpers.scalar(plant, "SELECT count(*) FROM item") == 0


def test_the_relay_is_a_named_operators_service(cli_env, plant, monkeypatch):
    monkeypatch.setenv("LINESIDE_AMQP_URL", "amqp://guest:guest@127.0.0.1:1/")  # never reached: sign-in first
    import core.config

    core.config.settings.cache_clear()
    for args in (["relay", "--once"], ["relay", "--inbound", "--once"]):
        result = cli_env.invoke(app, args)
        assert result.exit_code == 1 and result.stderr.strip() == REFUSED


def test_a_stock_import_audits_its_movements_and_keys(as_admin, db_url):
    for kind in ("warehouses", "locations", "suppliers", "items"):
        assert as_admin.invoke(app, ["import", kind, str(SAMPLES / f"{kind}.csv")]).exit_code == 0
    for _ in range(2):
        result = as_admin.invoke(app, ["import", "stock", str(SAMPLES / "stock.csv")])
        assert result.exit_code == 0, result.output
    db = Database(db_url)
    first, again = _audit(db, "import.stock")
    db.dispose()
    assert first.badge == again.badge == ADMIN_BADGE
    assert first.new["table"] == "stock_balance" and first.new["movements"] > 0 and first.new["new_keys"]
    assert first.new["existing_keys"] == [] and again.new["new_keys"] == []
    assert again.new["existing_keys"] == first.new["new_keys"] and again.new["movements"] == 0  # nothing to post
