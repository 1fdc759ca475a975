"""What every console screen shares: status bar, title, prompt, one scan field, message line, key hints.

Service calls run in a thread worker; the outcome comes back as a ServiceDone / ServiceRefused message,
and only the handlers touch widgets, so the event loop never waits on the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from console.messages import ServiceDone, ServiceRefused
from console.widgets import KeyHints, MessageLine, ScanField, StatusBar
from core.errors import DatabaseUnavailable, LinesideError
from core.i18n import _

log = logging.getLogger(__name__)

BACK = ("Esc", "Back")
LOG_OUT = ("F10", "Log out")
LANGUAGE = ("F9", "Switch to 中文")


class FlowScreen(Screen):
    """A screen whose one input is the scan field; subclasses fill the body and handle scans and results."""

    AUTO_FOCUS = "ScanField"
    BINDINGS = [Binding("escape", "back", "Back", show=False)]
    TITLE_MSGID = ""
    HINTS: list[tuple[str, str]] = [BACK, LOG_OUT, LANGUAGE]

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static(id="title")
        yield from self.compose_body()
        yield Static(id="prompt")
        yield ScanField(id="scan")
        yield MessageLine()
        yield KeyHints(self.HINTS)

    def compose_body(self) -> Iterable[Widget]:
        """The screen's own widgets between the title and the prompt."""
        return ()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._language_changed)

    def _language_changed(self, *_args: object) -> None:
        self.query_one("#title", Static).update(_(self.TITLE_MSGID))
        self.translate()

    def translate(self) -> None:
        """Redraw every text of the screen in the current language."""

    def set_prompt(self, msgid: str) -> None:
        """What to scan next, in the operator's language."""
        self.query_one("#prompt", Static).update(_(msgid))

    @property
    def scan_field(self) -> ScanField:
        return self.query_one(ScanField)

    @property
    def message(self) -> MessageLine:
        return self.query_one(MessageLine)

    @on(ScanField.Scanned)
    def _scanned(self, event: ScanField.Scanned) -> None:
        event.stop()
        self.message.clear()
        self.scanned(event.value)

    def scanned(self, value: str) -> None:
        """A whole scan (or typed value) was entered."""

    def call_service(self, tag: str, fn: Callable[..., object], *args: object) -> None:
        """Run a blocking service call in a thread; the answer arrives as ServiceDone / ServiceRefused."""
        self._service_worker(tag, fn, args)

    @work(thread=True, exclusive=True, exit_on_error=False, group="service")
    def _service_worker(self, tag: str, fn: Callable[..., object], args: tuple) -> None:
        try:
            outcome: ServiceDone | ServiceRefused = ServiceDone(tag, fn(*args))
        except LinesideError as exc:
            outcome = ServiceRefused(tag, exc)
        except Exception as exc:  # a bug must not kill the terminal: show it on the message line, log it
            log.exception("service call %s failed", tag)
            outcome = ServiceRefused(tag, LinesideError("Unexpected error: {error}", error=type(exc).__name__))
        # A newer call on this screen replaced this one: its answer would be stale.
        if not get_current_worker().is_cancelled:
            self.post_message(outcome)

    def on_service_done(self, message: ServiceDone) -> None:
        self.app.database_answered()
        self.service_done(message.tag, message.value)

    def on_service_refused(self, message: ServiceRefused) -> None:
        if isinstance(message.error, DatabaseUnavailable):
            self.app.database_lost()
        self.service_refused(message.tag, message.error)

    def service_done(self, tag: str, value: object) -> None:
        """A service call of this screen returned."""

    def service_refused(self, tag: str, error: LinesideError) -> None:
        """A service call was refused: one red line and the bell; the screen stays on the same step."""
        self.message.error(str(error))

    def action_back(self) -> None:
        """Esc: one step back; from the first step, leave the screen."""
        self.app.pop_screen()
