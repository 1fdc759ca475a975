"""Login: scan the badge, Enter; type the PIN (masked), Enter -> home."""

from __future__ import annotations

from textual.widgets import Static

from console.screens.base import BACK, LANGUAGE, FlowScreen
from console.widgets import KeyHints
from core.errors import AuthFailed, BadgeLocked, LinesideError
from core.i18n import _


class LoginScreen(FlowScreen):
    """Two steps: badge, then PIN. A wrong PIN stays on the PIN step; a locked badge goes back to the badge."""

    TITLE_MSGID = "Sign in"
    HINTS = [LANGUAGE]

    def __init__(self) -> None:
        super().__init__()
        self.step = "badge"
        self.badge = ""

    def compose_body(self):
        yield Static(id="welcome")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_step("badge")

    def translate(self) -> None:
        self.query_one("#welcome", Static).update(_("Lineside — warehouse and shop floor"))
        self.show_step(self.step)

    def show_step(self, step: str) -> None:
        """Switch to the badge or the PIN step."""
        self.step = step
        self.scan_field.password = step == "pin"
        self.query_one(KeyHints).set_hints([BACK, LANGUAGE] if step == "pin" else [LANGUAGE])
        if step == "badge":
            self.set_prompt("Scan your badge")
        else:
            self.query_one("#prompt", Static).update(_("PIN for badge {badge}").format(badge=self.badge))

    def reset(self, notice: str | None = None) -> None:
        """Back to an empty badge step (after logout or the idle lock)."""
        self.badge = ""
        self.scan_field.value = ""
        self.show_step("badge")
        if notice:
            self.message.info(notice)
        else:
            self.message.clear()

    def scanned(self, value: str) -> None:
        value = value.strip()
        if not value:
            return
        if self.step == "badge":
            self.badge = value
            self.show_step("pin")
            return
        self.call_service("login", self.app.services.login, self.badge, value)

    def service_done(self, tag: str, value: object) -> None:
        self.app.sign_in(value)

    def service_refused(self, tag: str, error: LinesideError) -> None:
        super().service_refused(tag, error)
        if isinstance(error, BadgeLocked):
            self.badge = ""
            self.show_step("badge")
        elif isinstance(error, AuthFailed):
            self.show_step("pin")

    def action_back(self) -> None:
        """Esc on the PIN step returns to the badge; on the badge step it does nothing."""
        self.message.clear()
        if self.step == "pin":
            self.badge = ""
            self.show_step("badge")
