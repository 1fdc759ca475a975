"""Settings from the environment, or the same keys in LINESIDE_HOME/lineside.toml."""

from __future__ import annotations

import locale
import os
import socket
import tomllib
from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic_settings import BaseSettings, SettingsConfigDict


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


def _default_terminal() -> str:
    host = socket.gethostname() or "host"
    try:
        tty = os.ttyname(0).removeprefix("/dev/")
    except OSError:
        tty = "notty"
    return f"{host}:{tty}"


class Settings(BaseSettings):
    """Every knob Lineside reads; env vars win over lineside.toml."""

    model_config = SettingsConfigDict(env_prefix="LINESIDE_", extra="ignore")

    database_url: str | None = None  # the runtime role's: console, CLI, relay
    owner_database_url: str | None = None  # the schema owner's: `db upgrade|downgrade` only (default: database_url)
    home: Path = _default_home()
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
    gs1_company_prefix: str | None = None  # the GS1 company prefix the SSCCs of pallets built here carry
    anchor_minutes: float = 5.0  # a console or relay anchors the audit chain outside the database this often

    def model_post_init(self, _ctx: object) -> None:
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


def load_settings() -> Settings:
    """Read settings fresh: env first, then lineside.toml in LINESIDE_HOME for keys not set."""
    env_home = os.environ.get("LINESIDE_HOME")
    home = Path(env_home) if env_home else _default_home()
    values = {k: v for k, v in _toml_values(home).items() if f"LINESIDE_{k.upper()}" not in os.environ}
    return Settings(**values)


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process-wide settings (read once)."""
    return load_settings()
