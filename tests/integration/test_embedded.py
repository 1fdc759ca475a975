"""The embedded PostgreSQL path, as a user's fresh machine runs it: real `lineside` processes, no URL set."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

LINESIDE = str(Path(sys.executable).with_name("lineside"))


def _env(home: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINESIDE_")}
    env.update({"LINESIDE_HOME": str(home), "LINESIDE_LANG": "en"}, **extra)
    return env


def _postmaster_pid(home: Path) -> int | None:
    pid_file = home / "pgdata" / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


def _head() -> str:
    from alembic.script import ScriptDirectory

    from core.db import alembic_config

    return ScriptDirectory.from_config(alembic_config("postgresql://")).get_current_head()


def _wait_stopped(pid: int | None) -> None:
    for _ in range(50):
        if not _alive(pid):
            return
        time.sleep(0.2)
    raise AssertionError(f"postmaster {pid} still running")


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


@pytest.mark.embedded
def test_started_on_demand_migrated_shared_and_stopped_by_the_last_process(tmp_path):
    home = tmp_path / "home"
    current = subprocess.run([LINESIDE, "db", "current", "--json"], env=_env(home), capture_output=True, text=True,
                             timeout=120)
    assert current.returncode == 0, current.stderr
    doc = json.loads(current.stdout)
    # migrated to head automatically, by its owner; the console and the CLI connect as the runtime role
    assert doc == {"revision": _head(), "database": "lineside", "owner_role": "lineside_owner",
                   "runtime_role": "lineside_runtime"}
    _wait_stopped(_postmaster_pid(home))  # it was the only process: the server stopped with it
    down = ["db", "downgrade", "0001", "--yes", "--destroy-data"]
    for args, expected in ((down, "0001"), (["db", "upgrade"], _head())):
        step = subprocess.run([LINESIDE, *args], env=_env(home), capture_output=True, text=True, timeout=120)
        assert (step.returncode, step.stdout.strip()) == (0, expected), step.stderr
    # one process holds the server (a console would) while two others start, work and leave
    holder = subprocess.Popen([sys.executable, "-c", "import sys; from core.db import open_database;"
                               " db = open_database(); db.ping(); print('up', flush=True); sys.stdin.readline()"],
                              env=_env(home), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "up"
        pid = _postmaster_pid(home)
        assert _alive(pid)
        demo = subprocess.run([LINESIDE, "demo"], env=_env(home), capture_output=True, text=True, timeout=120)
        assert demo.returncode == 0, demo.stderr
        both = [subprocess.Popen([LINESIDE, "stock", "--json", "--sku", "IC-555"], env=_env(home),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in both]
        assert all(p.returncode == 0 for p in both), outs
        assert all(len(json.loads(o)) == 2 for o, _ in outs)
        assert _postmaster_pid(home) == pid  # one shared postmaster, never a second one
        assert _alive(pid)  # the holder still has it: the others leaving did not stop it
    finally:
        holder.communicate("bye\n", timeout=60)  # the last process exits: the server stops with it
    _wait_stopped(pid)
    # from cold, two processes at once: one starts the server, the other waits for it and joins
    both = [subprocess.Popen([LINESIDE, "stock", "--json", "--sku", "IC-555"], env=_env(home),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in both]
    assert all(p.returncode == 0 for p in both), outs
    assert outs[0][0] == outs[1][0] and len(json.loads(outs[0][0])) == 2
    _wait_stopped(_postmaster_pid(home))
    assert {p.parent for p in tmp_path.rglob("postgresql.conf")} == {home / "pgdata"}  # one data directory


def test_a_configured_url_never_starts_an_embedded_server(tmp_path, db_url):
    home = tmp_path / "home"
    result = subprocess.run([LINESIDE, "db", "current", "--json"], env=_env(home, LINESIDE_DATABASE_URL=db_url),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["database"] == make_url(db_url).database
    assert not (home / "pgdata").exists()
