"""Login: scan the badge, Enter; type the PIN (masked), Enter -> home."""

from __future__ import annotations

from textual.widgets import Static

from console.compact import Lines
from console.flow import BACK, LANGUAGE, FlowScreen, Step, handles
from core.errors import LinesideError
from core.i18n import N_, _


class LoginScreen(FlowScreen):
    """Two steps: badge, then PIN. A wrong PIN stays on the PIN step; a locked badge goes back to the badge."""

    TITLE_MSGID = N_("Sign in")
    HINTS = [LANGUAGE]
    STEPS = (
        Step("badge", N_("Scan your badge")),
        Step("pin", N_("PIN for badge {badge}"), back="badge", keys=(BACK,), password=True),
    )

    def __init__(self) -> None:
        super().__init__()
        self.badge = ""

    def compose_body(self):
        yield Static(id="welcome")

    def translate(self) -> None:
        self.query_one("#welcome", Static).update(_("Lineside — warehouse and shop floor"))
        super().translate()

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the product's name and, at the PIN step, the badge being signed in."""
        return Lines().text("Lineside", style="bold").add("Badge", self.badge if step.name == "pin" else "")

    def prompt_values(self) -> dict[str, object]:
        return {"badge": self.badge}

    def reset(self, notice: str | None = None) -> None:
        """Back to an empty badge step (after logout or the idle lock); `notice` says why, if anything."""
        self.badge = ""
        self.scan_field.value = ""
        self.go("badge")
        if notice:
            self.message.info(notice)
        else:
            self.message.clear()

    @handles("badge")
    def badge_scanned(self, value: str) -> None:
        self.badge = value
        self.go("pin")

    @handles("pin")
    def pin_typed(self, value: str) -> None:
        self.read(self.app.sign_in, self.app.services.login, self.badge, value, refused=self.login_refused)

    def login_refused(self, error: LinesideError) -> None:
        """A refused sign-in stays on the PIN step (the red line says so), a locked badge too: the screen never
        tells a locked badge from a wrong PIN."""
        self.refuse(error)

    def forget(self, step: str) -> None:
        if step == "pin":
            self.badge = ""

    def leave(self) -> None:
        """Esc on the badge step: there is nothing before it."""
