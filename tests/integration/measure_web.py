"""Figures for `lineside serve web`, run by name (not collected with the suite):
`LINESIDE_TEST_DATABASE_URL=… python -m pytest -q -s -p no:randomly tests/integration/measure_web.py`.

Headless Chromium (the OS package): page opened -> login drawn; one scan typed -> the next prompt drawn (p50/p95
over 10 receipts of 3 scans each); RSS of the server and of each tab's console process; database connections
with 5 tabs open.
"""

import json
import time
from pathlib import Path

from tests import helpers
from tests.integration import test_serve_web as web
from tests.integration.test_serve_web import Tab, _sign_in

browser, inbound, labels_home, serve, server = web.browser, web.inbound, web.labels_home, web.serve, web.server


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _sessions(server_pid: int) -> list[int]:
    """The console processes under the server (textual-serve runs each through a shell)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"console.web_session" in cmd and cmd[0] != b"/bin/sh":
                found.append(int(proc.name))
    return found


def _pct(xs: list[float], p: float) -> float:
    return round(sorted(xs)[min(len(xs) - 1, int(len(xs) * p))] * 1000, 1)


def test_measure(db, server, browser):
    helpers.exec_sql(db, "UPDATE po_line SET qty = 100000")
    context = browser()
    t = time.perf_counter()
    tab = Tab(context, server.url)
    tab.wait_for("Scan your badge")
    login_drawn_s = time.perf_counter() - t
    _sign_in(tab)
    tab.scan("1", "Scan the PO number")
    tab.scan("PO-1", "Scan the item")
    scans = []
    for n in range(10):
        for value, then in (("RES-1", "Scan or type the lot number"), (f"M-{n}", "Type the quantity"),
                            ("1", "Received 1")):
            t = time.perf_counter()
            tab.scan(value, then)
            scans.append(time.perf_counter() - t)
    assert helpers.scalar(db, "SELECT count(*) FROM movement WHERE kind = 'receipt'") == 10
    tabs = [tab] + [Tab(context, server.url) for _ in range(4)]
    for other in tabs[1:]:
        other.wait_for("DB connected")
    time.sleep(1)
    consoles = _sessions(server.proc.pid)
    figures = {
        "login_drawn_s": round(login_drawn_s, 2),
        "scan_to_next_prompt_p50_ms": _pct(scans, 0.5),
        "scan_to_next_prompt_p95_ms": _pct(scans, 0.95),
        "server_rss_mb": round(_rss_mb(server.proc.pid), 1),
        "tabs": len(tabs),
        "console_processes": len(consoles),
        "console_rss_mb_each": sorted(round(_rss_mb(pid), 1) for pid in consoles),
        "db_connections": helpers.scalar(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                             " AND pid <> pg_backend_pid()"),
    }
    print(json.dumps(figures))
