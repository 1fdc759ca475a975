"""The one input of every step: a keyboard-wedge scanner types a whole string, then Enter."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input


class ScanField(Input):
    """An Input that keeps the focus on its screen and posts `Scanned` with the whole string on Enter."""

    DEFAULT_CSS = """
    ScanField { width: 1fr; margin: 0 1; }
    """

    class Scanned(Message):
        """Enter was pressed; `value` is everything typed since the last Enter."""

        def __init__(self, field: ScanField, value: str) -> None:
            super().__init__()
            self.field = field
            self.value = value

    def on_mount(self) -> None:
        # A headless run (tests, snapshots) must not catch the cursor half-way through a blink.
        self.cursor_blink = not self.app.is_headless

    async def action_submit(self) -> None:
        """Hand the whole scan to the screen and clear for the next one."""
        value, self.value = self.value, ""
        self.post_message(self.Scanned(self, value))

    def on_blur(self) -> None:
        # No mouse is needed anywhere, so the scan field takes the focus back whenever its screen is showing.
        if self.screen.is_active:
            self.call_after_refresh(self._refocus)

    def _refocus(self) -> None:
        if self.screen.is_active and self.is_attached and not self.disabled:
            self.focus()
