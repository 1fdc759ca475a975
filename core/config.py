"""Settings from the environment, or the same keys in LINESIDE_HOME/lineside.toml.

A plain dataclass read by hand: every console session imports this, and pydantic-settings cost it about 70 modules,
0.1 s and several MB for a dozen scalar keys. Each field's type says how its text is read (str, int, float, bool,
Path, optional); a value that does not read so is a one-line error naming the key.
"""

from __future__ import annotations

import locale
import os
import socket
import tomllib
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import platformdirs


def _default_home() -> Path:
    return Path(platformdirs.user_data_dir("lineside", appauthor=False))


def _default_lang() -> str:
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(key, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh_CN" if loc.lower().startswith("zh") else "en"


_TERMINAL_MAX = 56  # the narrowest terminal column holds 64 (shopfloor events): room for a "cli:"/"relay:" prefix


def _default_terminal() -> str:
    """`host:tty` of a local terminal; `ssh:<client address>:<tty>` inside an OpenSSH session with a pty.

    OpenSSH sets SSH_CONNECTION ("client port server port") or, older, SSH_CLIENT ("client port port"), and SSH_TTY
    (the session's pty, e.g. /dev/pts/3) when it allocated one: a thin client is then named by where it connects
    from and the pty it holds, not by the application host every SSH session shares. LINESIDE_TERMINAL still wins.
    """
    ssh = (os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT") or "").split()
    ssh_tty = os.environ.get("SSH_TTY", "")
    if ssh and ssh_tty:
        return f"ssh:{ssh[0]}:{ssh_tty.removeprefix('/dev/')}"[:_TERMINAL_MAX]
    host = socket.gethostname() or "host"
    try:
        tty = os.ttyname(0).removeprefix("/dev/")
    except OSError:
        tty = "notty"
    return f"{host}:{tty}"[:_TERMINAL_MAX]


class SettingsError(ValueError):
    """A configured value that cannot be read as its key's type."""


@dataclass
class Settings:
    """Every knob Lineside reads; env vars win over lineside.toml."""

    database_url: str | None = None  # the runtime role's: console, CLI, relay
    owner_database_url: str | None = None  # the schema owner's: `db upgrade|downgrade` only (default: database_url)
    read_database_url: str | None = None  # a streaming replica for trace, recall listings, KPIs, kitting, stock
    read_max_lag_seconds: float = 5.0  # a replica further behind than this is not read from (the primary is)
    pgbouncer: bool = False  # database_url goes through PgBouncer in transaction pooling: no server-side prepares
    listen_database_url: str | None = None  # LISTEN needs a session: straight to PostgreSQL (default: database_url)
    home: Path = field(default_factory=lambda: _default_home())
    lang: str = ""
    terminal: str = ""
    amqp_url: str | None = None
    idle_minutes: float = 5.0
    printer: str | None = None
    over_output_pct: float = 0.0  # good + scrap beyond a work order's quantity by more needs a supervisor
    scrap_nc_pct: float = 10.0  # an operation's finish scrapping more than this % of good + scrap raises an NC
    pin_min_length: int = 4  # clerks and inspectors
    pin_min_length_privileged: int = 6  # supervisors and admins: their PIN approves and manages
    login_failures_per_terminal: int = 10  # wrong sign-ins (any badges) from one terminal within the window ...
    login_window_minutes: float = 15.0
    login_delay_seconds: float = 2.0  # ... then each further failure makes the terminal wait, doubling
    login_delay_max_seconds: float = 300.0
    default_rate_per_hour: float = 60.0  # the schedule's units an hour for an item without a routing
    gs1_company_prefix: str | None = None  # the GS1 company prefix the SSCCs of pallets built here carry
    anchor_minutes: float = 5.0  # a console or relay anchors the audit chain outside the database this often

    def __post_init__(self) -> None:
        if not self.lang:
            self.lang = _default_lang()
        if self.lang not in ("en", "zh_CN"):
            self.lang = "zh_CN" if self.lang.lower().startswith("zh") else "en"
        if not self.terminal:
            self.terminal = _default_terminal()


def _toml_values(home: Path) -> dict:
    path = home / "lineside.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    # Accept both LINESIDE_DATABASE_URL and database_url spellings.
    return {k.lower().removeprefix("lineside_"): v for k, v in data.items()}


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _read(name: str, kind: str, value: object) -> object:
    """`value` (text from the environment, or a TOML value) as the field's annotated type `kind`."""
    optional = kind.endswith("| None")
    base = kind.removesuffix("| None").strip()
    if optional and (value is None or value == ""):
        return None
    try:
        if base == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text not in _TRUE | _FALSE:
                raise ValueError(value)
            return text in _TRUE
        if base == "int":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            return int(value)
        if base == "float":
            if isinstance(value, bool):
                raise ValueError(value)
            return float(value)
        if base == "Path":
            return Path(str(value))
        return str(value)
    except (TypeError, ValueError):
        raise SettingsError(f"LINESIDE_{name.upper()}: {value!r} is not a valid {base}") from None


def load_settings() -> Settings:
    """Read settings fresh: env first, then lineside.toml in LINESIDE_HOME for keys not set; unknown keys are
    ignored (a newer version's lineside.toml works with an older one)."""
    env_home = os.environ.get("LINESIDE_HOME")
    home = Path(env_home) if env_home else _default_home()
    values: dict[str, object] = dict(_toml_values(home))
    for f in fields(Settings):
        env = os.environ.get(f"LINESIDE_{f.name.upper()}")
        if env is not None:
            values[f.name] = env
    kinds = {f.name: str(f.type) for f in fields(Settings)}
    return Settings(**{k: _read(k, kinds[k], v) for k, v in values.items() if k in kinds})


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process-wide settings (read once)."""
    return load_settings()
