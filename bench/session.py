"""`lineside bench session`: what one floor session costs its application host.

A real `lineside console` is started in a pseudo-terminal (80x24) on a scratch database of the configured server
(the embedded one when nothing is configured), as a thin client's SSH session or a browser tab would start it. The
benchmark waits for the login to be drawn, signs a clerk in by typing as a wedge scanner does, and looks a SKU up
(`9`, then the scan). Then it reads, from the OS and the server, what the session holds:

- `rss_mb`: the console process's resident set (VmRSS);
- `import_s`: importing what `lineside console` imports (the entry point, the console command, the app) in a
  fresh interpreter (median of three);
- `login_shown_s`: from the process start to the login prompt on the terminal;
- `connections`: the session's backends in `pg_stat_activity`.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from core.services.auth import hash_pin

BADGE, PIN, SKU = "BSESS1", "2468", "B-SESS-IC"
_CSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>]|\x1b\][^\x07]*\x07")
_IMPORT = ("import time; t = time.perf_counter(); import cli.main, cli.cmd_console, console.app;"
           " print(time.perf_counter() - t)")


def seed(url: str) -> None:
    """A warehouse, a location, an item and a clerk: enough to sign in and look something up."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for sql in (
                "INSERT INTO warehouse (code, name) VALUES ('BS', 'Bench')",
                "INSERT INTO location (warehouse_id, code, kind, pick_sequence) SELECT id, 'BS-01', 'storage', 1"
                " FROM warehouse WHERE code = 'BS'",
                "INSERT INTO item (sku, name, uom, tracking) VALUES (:sku, 'Bench IC', 'EA', 'lot')",
                "INSERT INTO operator (badge, name, roles, pin_hash) VALUES (:b, 'Bench clerk', ARRAY['clerk'], :h)",
            ):
                conn.execute(text(sql), {"sku": SKU, "b": BADGE, "h": hash_pin(PIN)})
    finally:
        engine.dispose()


class Terminal:
    """A child process on a pseudo-terminal of `cols` x `rows`; what it draws is read, escape codes removed."""

    def __init__(self, argv: list[str], env: dict[str, str], cols: int = 80, rows: int = 24) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                                     start_new_session=True)
        os.close(slave)
        self._screen = bytearray()
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._screen += _CSI.sub(b"", chunk)

    def wait_for(self, needle: str, timeout: float = 30.0) -> float:
        """Seconds since the start when `needle` was first drawn (TimeoutError with the tail of the screen)."""
        want = needle.encode()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if want in self._screen:
                    return time.perf_counter() - self.started
            if self.proc.poll() is not None:
                break
            time.sleep(0.005)
        with self._lock:
            tail = self._screen[-400:].decode(errors="replace")
        raise TimeoutError(f"{needle!r} not shown by the console; it drew: {tail!r}")

    def forget(self) -> None:
        """Drop what was drawn so far: the next wait_for sees only what comes after."""
        with self._lock:
            self._screen.clear()

    def type(self, value: str, settle: float = 0.25) -> None:
        """Characters then Enter, as a wedge scanner sends them; `settle` first, so the screen whose prompt was just
        drawn has focused its scan field (a prompt can be on the screen a moment before its field takes keys)."""
        time.sleep(settle)
        os.write(self.master, value.encode() + b"\r")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.close(self.master)


def rss_mb(pid: int) -> float:
    """The resident set of process `pid` in MB, as the kernel counts it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for process {pid}")


def connections(url: str) -> int:
    """Backends on this scratch database other than the one asking."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'")).scalar()
    finally:
        engine.dispose()


def import_seconds(runs: int = 3) -> float:
    """Importing the CLI and the console in a fresh interpreter, median of `runs` (the page cache warm)."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _IMPORT], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip()))
    return round(statistics.median(times), 3)


def _console_argv() -> list[str]:
    script = Path(sys.executable).with_name("lineside")
    if script.exists():
        return [str(script), "console"]
    found = shutil.which("lineside")
    if found is None:
        raise RuntimeError("the lineside console script is not installed next to this Python")
    return [found, "console"]


def _settle(url: str, want: int, timeout: float = 5.0) -> int:
    """The session's connections once they stop changing (a pool may open one more a moment after a screen)."""
    deadline, seen = time.monotonic() + timeout, connections(url)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = connections(url)
        if now == seen and now <= want:
            break
        seen = now
    return seen


def run(url: str) -> dict:
    """Start, sign in, look up; then measure. `url`: a scratch database migrated to head."""
    seed(url)
    import_s = import_seconds()
    with tempfile.TemporaryDirectory(prefix="lineside-bench-session-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LINESIDE_")}
        env.update(LINESIDE_DATABASE_URL=url, LINESIDE_HOME=home, LINESIDE_LANG="en",
                   LINESIDE_TERMINAL="BENCH-SESSION", TERM="xterm-256color", COLUMNS="80", LINES="24")
        term = Terminal(_console_argv(), env)
        try:
            login_shown_s = term.wait_for("Scan your badge")
            term.type(BADGE)
            term.wait_for(f"PIN for badge {BADGE}")
            term.forget()
            term.type(PIN)
            term.wait_for("Stock lookup")
            term.forget()
            term.type("9")
            term.wait_for("Scan")
            term.forget()
            term.type(SKU)
            term.wait_for(SKU)
            time.sleep(0.5)  # the lookup's redraw and any connection the session opens after it
            held = _settle(url, want=1)
            rss = rss_mb(term.proc.pid)
        finally:
            term.close()
    return {"rss_mb": rss, "import_s": import_s, "login_shown_s": round(login_shown_s, 3), "connections": held}
