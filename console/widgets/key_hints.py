"""The bottom line: the keys a screen offers, in the operator's language (Textual's Footer is not translated)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from core.i18n import _


class KeyHints(Static):
    """Shows `(key, label msgid)` pairs; relabels itself when the language changes."""

    DEFAULT_CSS = """
    KeyHints { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, hints: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(**kwargs)
        self.hints = hints

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._redraw)

    def set_hints(self, hints: list[tuple[str, str]]) -> None:
        """Replace the keys shown (a step may offer different keys)."""
        self.hints = hints
        self._redraw()

    def _redraw(self, *_args: object) -> None:
        line = Text()
        for key, label in self.hints:
            line.append(f" {key} ", style="bold reverse")
            line.append(f" {_(label)}  ")
        self.update(line)
