"""The Lineside console: login mode and the signed-in floor mode, app-wide keys, idle lock, database ping."""

from __future__ import annotations

import logging
from time import monotonic

from textual import events, work
from textual._context import NoActiveAppError, active_app
from textual.app import App
from textual.binding import Binding
from textual.reactive import var
from textual.worker import NoActiveWorker, get_current_worker

from console import alert_feed
from console.messages import DatabaseState
from console.screens.home import HomeScreen
from console.screens.login import LoginScreen
from console.services import ConsoleServices, SignedIn
from core.config import settings
from core.i18n import LANGUAGES, _, set_language_resolver
from core.permissions import Actor
from core.services import picking

log = logging.getLogger(__name__)


class LinesideApp(App):
    """Operator console over injected services (tests pass services on a test database)."""

    CSS_PATH = "app.tcss"
    TITLE = "Lineside"
    MODES = {"login": LoginScreen}
    DEFAULT_MODE = "login"
    BINDINGS = [
        Binding("f9", "switch_language", "Language", priority=True),
        Binding("f10", "logout", "Log out", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
    ]

    lang: var[str] = var("en")
    actor: var[Actor | None] = var(None)
    warehouse: var[str | None] = var(None)
    db_state: var[str] = var("unknown")  # unknown | connected | reconnecting
    open_alerts: var[int | None] = var(None)  # open, unacknowledged alerts (None: not shown to this operator)
    alerts_serial: var[int] = var(0)  # bumped on every alert notification; the Alerts screen watches it

    def __init__(self, services: ConsoleServices, lang: str | None = None, terminal: str | None = None,
                 idle_minutes: float | None = None, ping_seconds: float = 2.0,
                 anchor_minutes: float | None = None) -> None:
        super().__init__()
        self.services = services
        self.terminal = terminal or services.terminal
        self.idle_seconds = 60 * (idle_minutes if idle_minutes is not None else settings().idle_minutes)
        self.ping_seconds = ping_seconds
        self.anchor_seconds = 60 * (anchor_minutes if anchor_minutes is not None else settings().anchor_minutes)
        self.last_key = monotonic()
        self._pinging = False
        self._anchoring = False
        self.set_reactive(LinesideApp.lang, lang if lang in LANGUAGES else settings().lang)

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.ping()
        self.set_interval(self.ping_seconds, self.ping)
        self.set_interval(min(1.0, max(0.05, self.idle_seconds / 4)), self._check_idle)
        if self.anchor_seconds > 0:
            self.set_interval(self.anchor_seconds, self._anchor)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.last_key = monotonic()
        await super().on_event(event)

    def action_switch_language(self) -> None:
        """F9: English <-> 中文 for this session only; every screen and the status bar redraw themselves."""
        self.lang = "en" if self.lang == "zh_CN" else "zh_CN"

    # Signing in and out -------------------------------------------------------------------------------------

    def sign_in(self, signed: SignedIn) -> None:
        """Open the floor mode (home menu) for the operator who just signed in."""
        self.actor, self.warehouse = signed.actor, signed.warehouse
        self.last_key = monotonic()
        self.add_mode("floor", HomeScreen)
        self.switch_mode("floor")
        alert_feed.start(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "logout":
            return self.actor is not None
        return True

    def action_logout(self, notice: str | None = None) -> None:
        """F10: back to login; the signed-in screens are dropped."""
        if self.actor is None:
            return
        alert_feed.stop(self)
        self._release_claims(self.actor)  # F10 and the idle lock alike: another clerk may pick them at once
        self.actor, self.warehouse = None, None
        self.switch_mode("login")
        self.remove_mode("floor")
        login = self.screen
        if isinstance(login, LoginScreen):
            login.reset(notice)

    @work(thread=True, exit_on_error=False, group="logout")
    def _release_claims(self, actor: Actor) -> None:
        """Give back the pick tasks the operator who signed out had claimed (a lost database: they expire)."""
        try:
            picking.release_claims(self.services.db, actor)
        except Exception:  # signing out never fails; the claims then lapse after picking.CLAIM_MINUTES
            log.warning("pick claims of %s not released at logout", actor.badge, exc_info=True)

    def _check_idle(self) -> None:
        if self.actor is not None and monotonic() - self.last_key >= self.idle_seconds:
            minutes = self.idle_seconds / 60
            self.action_logout(_("Signed out after {minutes} min without a key").format(minutes=f"{minutes:g}"))

    def on_alerts_changed(self, message: alert_feed.AlertsChanged) -> None:
        if self.actor is not None and self.actor.may("alerts.view"):
            self.open_alerts = message.count
            self.alerts_serial += 1

    # The audit chain's anchor outside the database -----------------------------------------------------------

    def _anchor(self) -> None:
        """Every anchor_minutes, whoever is signed in (or nobody); an anchor still being taken is not doubled."""
        if not self._anchoring:
            self._anchoring = True
            self._anchor_worker()

    @work(thread=True, exit_on_error=False, group="anchor")
    def _anchor_worker(self) -> None:
        try:
            self.services.anchor()
        except Exception:  # the database away or a broken chain: `lineside check` is where it is reported
            log.warning("audit chain not anchored", exc_info=True)
        finally:
            self._anchoring = False

    # Database state -----------------------------------------------------------------------------------------

    def ping(self) -> None:
        """Ask the database in a worker; a ping still waiting is not doubled up."""
        if not self._pinging:
            self._pinging = True
            self._ping_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="ping")
    def _ping_worker(self) -> None:
        self.post_message(DatabaseState(self.services.ping()))

    def on_database_state(self, message: DatabaseState) -> None:
        self._pinging = False
        self.db_state = "connected" if message.online else "reconnecting"

    def database_lost(self) -> None:
        """A service call found the database gone: say so now, the ping will notice its return."""
        self.db_state = "reconnecting"

    def database_answered(self) -> None:
        """A service call succeeded, so the database is there."""
        self.db_state = "connected"


def _session_language() -> str | None:
    """The language of the Lineside session this code runs for, so `_()` translates per app, not per process.

    On the event loop Textual sets `active_app` per app. A thread worker runs in an executor thread that
    does not inherit the loop's context, so there the app is found through the worker Textual sets for it.
    """
    try:
        app = active_app.get()
    except LookupError:
        try:
            app = get_current_worker().node.app
        except (NoActiveWorker, NoActiveAppError):
            return None
    return app.lang if isinstance(app, LinesideApp) else None


set_language_resolver(_session_language)
