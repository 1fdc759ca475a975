"""A PgBouncer of our own (the OS package) in transaction pooling, for the terminals bench and the tests.

It runs in the foreground as a child process on a free loopback port, its ini, user list, log and pid file in a
temporary folder, and is stopped (SIGTERM, then SIGKILL) when the context ends. Every database of the server
behind it is reachable under its own name (`* = host=… port=…`); users are trusted (auth_type=trust: PgBouncer
still wants them listed in its auth_file, so the roles to let through are named). Run as root, PgBouncer refuses
to start unless told which user to become: `-u nobody` (or, for a server on a unix socket, the owner of its
folder, which may be open to it alone), and its folder is made readable for that user.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

CANDIDATES = ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer")


def binary() -> str | None:
    """The pgbouncer executable, or None when it is not installed."""
    for path in CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("pgbouncer")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _owner(folder: str) -> str | None:
    """The user owning `folder` (a server's unix socket folder, which may be open to it alone)."""
    import pwd

    try:
        return pwd.getpwuid(os.stat(folder).st_uid).pw_name
    except (OSError, KeyError):
        return None


def version() -> str:
    """`PgBouncer 1.18.0` (first line of --version)."""
    exe = binary()
    if exe is None:
        raise FileNotFoundError("pgbouncer is not installed")
    return subprocess.run([exe, "--version"], capture_output=True, text=True, check=True).stdout.splitlines()[0]


INI = """\
[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/userlist.txt
pool_mode = transaction
default_pool_size = {pool}
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = {max_clients}
max_db_connections = {pool}
ignore_startup_parameters = extra_float_digits
server_reset_query =
logfile = {folder}/pgbouncer.log
pidfile = {folder}/pgbouncer.pid
log_connections = 0
log_disconnections = 0
stats_period = 3600
admin_users = {admin}
"""


class Bouncer:
    """A running PgBouncer: `url(direct_url)` is the same database through it."""

    def __init__(self, port: int, folder: Path, process: subprocess.Popen) -> None:
        self.port, self.folder, self.process = port, folder, process

    def url(self, direct_url: str) -> str:
        """`direct_url` (user, password, database kept) pointed at this PgBouncer."""
        u = make_url(direct_url)
        query = {k: v for k, v in u.query.items() if k != "host"}
        return u.set(host="127.0.0.1", port=self.port, query=query).render_as_string(hide_password=False)

    def pools(self, user: str) -> list[dict]:
        """`SHOW POOLS` of its admin console (simple query protocol: the console knows no other)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=user, dbname="pgbouncer",
                             autocommit=True) as conn:
            res = conn.pgconn.exec_(b"SHOW POOLS")
            names = [res.fname(i).decode() for i in range(res.nfields)]
            return [{n: (res.get_value(r, i) or b"").decode() for i, n in enumerate(names)}
                    for r in range(res.ntuples)]

    def log(self) -> str:
        path = self.folder / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _wait_listening(port: int, process: subprocess.Popen, folder: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "pgbouncer.log")
            raise RuntimeError(f"pgbouncer exited ({process.returncode}): "
                               f"{log.read_text(errors='replace') if log.exists() else ''}"
                               f"{process.stderr.read() if process.stderr else ''}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("pgbouncer did not listen in time")


@contextmanager
def running(server_url: str, users: list[str], *, pool_size: int = 20, max_clients: int = 1000) -> Iterator[Bouncer]:
    """Start PgBouncer in front of the server of `server_url` (host and port), trusting `users`; stop it after.

    `pool_size` server connections per database and user at most (`default_pool_size`, `max_db_connections`);
    up to `max_clients` clients wait for them in its queue rather than being refused.
    """
    exe = binary()
    if exe is None:
        raise FileNotFoundError("pgbouncer is not installed (the OS package: apt-get install pgbouncer)")
    u = make_url(server_url)
    host = u.host or u.query.get("host") or "127.0.0.1"
    folder = Path(tempfile.mkdtemp(prefix="lineside-pgbouncer-"))
    try:
        listen = free_port()
        (folder / "userlist.txt").write_text("".join(f'"{name}" ""\n' for name in users))
        (folder / "pgbouncer.ini").write_text(INI.format(host=host, port=u.port or 5432, listen=listen,
                                                         folder=folder, pool=pool_size, max_clients=max_clients,
                                                         admin=",".join(users)))
        args = [exe, "-q"]
        if os.geteuid() == 0:  # PgBouncer will not run as root: as the owner of a socket folder, else nobody
            owner = _owner(str(host)) if str(host).startswith("/") else None
            args += ["-u", owner or "nobody"]
            for path in (folder, *folder.iterdir()):
                os.chmod(path, 0o777 if path.is_dir() else 0o666)
        process = subprocess.Popen([*args, str(folder / "pgbouncer.ini")], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            _wait_listening(listen, process, folder)
            yield Bouncer(listen, folder, process)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # immediate shutdown
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if process.stderr:
                process.stderr.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
