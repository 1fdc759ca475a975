"""SSH thin clients the OpenSSH way: a real sshd whose account command is the console (ForceCommand), a real ssh
client in a pseudo-terminal (80x24), signing in by badge + PIN and looking stock up, as a thin client on the floor
does. The session's terminal id comes from the SSH session (`ssh:<client address>:<pty>`), the environment
reaches the console through sshd's SetEnv only, and no shell is reachable: a command asked for runs the console
anyway, and a session without a pty gets one line.

The server runs in the foreground (`sshd -D -e`) on a free loopback port with a host key, an authorized key and a
config made here in a tmp folder, and is stopped at teardown. Skipped when sshd or ssh is not installed.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.session import Terminal, rss_mb
from tests.helpers import actor, make_operator, put_stock, rows, small_site

SSHD, SSH, KEYGEN = "/usr/sbin/sshd", "/usr/bin/ssh", shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"
BADGE, PIN = "C-SSH1", "4826"
CONSOLE = Path(sys.executable).with_name("lineside")  # the venv's console script, as ForceCommand names it

pytestmark = pytest.mark.skipif(
    not (os.access(SSHD, os.X_OK) and os.access(SSH, os.X_OK) and os.access(KEYGEN, os.X_OK)),
    reason=f"OpenSSH is not installed ({SSHD}, {SSH}, ssh-keygen): apt-get install openssh-server openssh-client",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, proc: subprocess.Popen, log: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sshd exited {proc.returncode}: {log.read_text(errors='replace')[-800:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"sshd not listening on {port}: {log.read_text(errors='replace')[-800:]}")


def _sessions_of(home: Path) -> list[int]:
    """Processes whose environment carries this test's LINESIDE_HOME: the consoles its sshd started."""
    want = f"LINESIDE_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if want in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:  # gone, or not ours to read
                continue
    return found


def _end_sessions(home: Path) -> None:
    """Stopping the listening sshd leaves its sessions running: end the consoles still up (a test that failed)."""
    for pid in _sessions_of(home):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(pid) for pid in _sessions_of(home)):
        time.sleep(0.1)
    for pid in _sessions_of(home):
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.fixture
def sshd(request, tmp_path, db_url):
    """A running sshd whose current-user account runs `lineside console` on this test's database; yields how to
    connect: (port, client key, LINESIDE_HOME). By default SetEnv gives the console its database and `en`;
    parametrized with {"toml": True} the database is in LINESIDE_HOME/lineside.toml and the language is the
    client's LANG (AcceptEnv), the README's other way."""
    toml = getattr(request, "param", {}).get("toml", False)
    if not CONSOLE.exists():
        pytest.skip(f"the lineside console script is not installed next to {sys.executable}")
    user = getpass.getuser()
    if os.geteuid() == 0 and not Path("/run/sshd").is_dir():
        # sshd running as root needs its privilege-separation folder, which the service unit makes at boot.
        Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)
    ssh_dir = tmp_path / "ssh"
    ssh_dir.mkdir(mode=0o700)
    host_key, client_key = ssh_dir / "host_ed25519", ssh_dir / "client_ed25519"
    for key in (host_key, client_key):
        subprocess.run([KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "lineside-test", "-f", str(key)],
                       check=True, capture_output=True)
    authorized = ssh_dir / "authorized_keys"
    authorized.write_text(client_key.with_suffix(".pub").read_text())
    authorized.chmod(0o600)
    home = tmp_path / "lineside-home"
    home.mkdir()
    if toml:
        (home / "lineside.toml").write_text(f'database_url = "{db_url}"\n')
        setenv = f"LINESIDE_HOME={home}"
    else:
        setenv = f"LINESIDE_DATABASE_URL={db_url} LINESIDE_HOME={home} LINESIDE_LANG=en"
    port = _free_port()
    config = ssh_dir / "sshd_config"
    # The README's block, plus what a throwaway server in a tmp folder needs (its own key files, no PAM).
    config.write_text(f"""\
ListenAddress 127.0.0.1:{port}
HostKey {host_key}
PidFile none
AuthorizedKeysFile {authorized}
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AcceptEnv LANG LC_*
LogLevel VERBOSE
Match User {user}
    ForceCommand {CONSOLE} console
    PermitTTY yes
    AllowTcpForwarding no
    X11Forwarding no
    PermitTunnel no
    AllowAgentForwarding no
    PermitUserRC no
    SetEnv {setenv}
""")
    check = subprocess.run([SSHD, "-t", "-f", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, f"sshd refused the config: {check.stderr}"
    log = tmp_path / "sshd.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        _wait_listening(port, proc, log)
        yield port, client_key, home
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        _end_sessions(home)


def _ssh(port: int, key: Path, *extra: str) -> list[str]:
    return [SSH, *extra, "-F", "/dev/null", "-i", str(key), "-p", str(port), "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", f"{getpass.getuser()}@127.0.0.1"]


def _client_env(lang: str = "C.UTF-8") -> dict[str, str]:
    """The thin client's environment: nothing of Lineside's, so whatever the console gets came through sshd."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINESIDE_", "SSH_", "LC_"))}
    env.update(TERM="xterm-256color", LANG=lang)
    return env


@pytest.fixture
def floor(db):
    """A clerk and an item with stock on a bin."""
    small_site(db)
    put_stock(db, actor(db, "SYSTEM"), "IC-1", "L1", "A-01", 37, expiry="2030-01-01")
    make_operator(db, BADGE, ["clerk"], pin=PIN)


def test_a_thin_client_signs_in_and_looks_stock_up(sshd, floor, db):
    port, key, home = sshd
    term = Terminal(_ssh(port, key, "-tt"), _client_env())
    try:
        shown = term.wait_for("Scan your badge", timeout=60)
        term.type(BADGE)
        term.wait_for(f"PIN for badge {BADGE}")
        term.forget()
        term.type(PIN)
        term.wait_for("Stock lookup")
        term.forget()
        term.type("9")
        term.wait_for("Scan a location, an item or a lot")
        term.forget()
        term.type("IC-1")
        term.wait_for("2030-01-01")  # the lot's expiry: only the stock row shows it
        time.sleep(0.3)
        with term._lock:
            drawn = term._screen.decode(errors="replace")
        assert re.search(r"A-01 +IC-1 +L1 +available +37 +0 +2030-01-01", drawn), drawn[-800:]
        consoles = [pid for pid in _sessions_of(home) if b"console" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(consoles) == 1  # one console process per SSH session, started by sshd with SetEnv's LINESIDE_HOME
        # Figures for the report (`pytest -s`): from `ssh` started to the login drawn, and the console's RSS.
        print(f"\nssh: login drawn {shown:.2f} s after ssh started; console rss {rss_mb(consoles[0])} MB")
    finally:
        term.close()
    # The session's terminal id came from the SSH session: the client's address and the pty sshd allocated.
    signed_in = rows(db, "SELECT terminal FROM audit_log WHERE action = 'operator.login' AND badge = :b", b=BADGE)
    assert len(signed_in) == 1
    assert re.fullmatch(r"ssh:127\.0\.0\.1:pts/\d+", signed_in[0].terminal), signed_in[0].terminal


def test_a_command_asked_for_still_gets_the_console_not_a_shell(sshd, floor, tmp_path):
    port, key, _home = sshd
    marker = tmp_path / "shell-was-here"
    term = Terminal(_ssh(port, key, "-tt") + ["bash", "-c", f"'id; touch {marker}'"], _client_env())
    try:
        term.wait_for("Scan your badge", timeout=60)
        time.sleep(0.5)
        with term._lock:
            drawn = term._screen.decode(errors="replace")
    finally:
        term.close()
    assert "uid=" not in drawn
    assert not marker.exists()


def test_without_a_pty_the_console_refuses_in_one_line(sshd, floor, tmp_path):
    port, key, _home = sshd
    marker = tmp_path / "shell-was-here"
    done = subprocess.run(_ssh(port, key, "-T") + [f"touch {marker}; id"], env=_client_env(),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stderr.strip() == "The console needs a terminal"
    assert "uid=" not in done.stdout
    assert not marker.exists()


@pytest.mark.parametrize("sshd", [{"toml": True}], indirect=True)
def test_the_clients_locale_picks_the_language_and_lineside_toml_the_database(sshd, floor, db):
    port, key, _home = sshd
    term = Terminal(_ssh(port, key, "-tt", "-o", "SendEnv=LANG"), _client_env(lang="zh_CN.UTF-8"))
    try:
        term.wait_for("请扫描工牌", timeout=60)
        term.forget()
        term.type(BADGE)
        term.wait_for(f"请输入工牌 {BADGE} 的密码")
        term.forget()
        term.type(PIN)
        term.wait_for("库存查询")  # the home screen's menu, in Chinese: signed in on lineside.toml's database
    finally:
        term.close()
    assert rows(db, "SELECT 1 FROM audit_log WHERE action = 'operator.login' AND badge = :b", b=BADGE)
