"""One line under the scan field: a refusal in red (with the terminal bell) or a neutral notice."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static


class MessageLine(Static):
    """Shows one line; `error()` also rings the bell. The flow stays on the same step."""

    DEFAULT_CSS = """
    MessageLine { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    MessageLine.-error { color: white; background: $error; text-style: bold; }
    MessageLine.-info { color: $text-accent; }
    MessageLine.-warning { color: black; background: $warning; text-style: bold; }
    """

    _again: tuple[str, Callable[[], str]] | None = None  # a notice given as a function, to say again on F9

    def error(self, text: str | Callable[[], str], *, bell: bool = True) -> None:
        """A refused scan or action: red line and bell (not when the same refusal is said again in another
        language). A typed refusal is said again by its flow; one given as a function is said again here."""
        self._again = ("error", text) if callable(text) else None
        self.set_classes("-error")
        text = text() if callable(text) else text
        # What was scanned is never markup; a line too long for the terminal ends in "…" rather than wrapping
        # out of sight (the value a refusal names comes early in its message). The CSS says how it wraps: not at
        # all at 80x24 or 40x8, onto a second line at 20x16.
        self.update(Text(text.splitlines()[0] if text else "", overflow="ellipsis"))
        if bell:
            self.app.bell()

    def info(self, text: str | Callable[[], str]) -> None:
        """A notice that needs no attention. Given as a function (`lambda: _("…").format(…)`), it is said again in
        the other language on F9 (`say_again`)."""
        self._again = ("info", text) if callable(text) else None
        self.set_classes("-info")
        self.update(Text(text() if callable(text) else text, overflow="ellipsis"))

    def warning(self, text: str | Callable[[], str], *, bell: bool = True) -> None:
        """Posted, but with news that needs attention (stock put on hold): yellow, and the bell."""
        self._again = ("warning", text) if callable(text) else None
        self.set_classes("-warning")
        self.update(Text(text() if callable(text) else text, overflow="ellipsis"))
        if bell:
            self.app.bell()

    def say_again(self) -> None:
        """The notice on the line in the current language, when it was given as a function (no bell)."""
        if self._again is None:
            return
        kind, say = self._again
        if kind == "info":
            self.info(say)
        elif kind == "error":
            self.error(say, bell=False)
        else:
            self.warning(say, bell=False)

    def clear(self) -> None:
        """Empty the line."""
        self._again = None
        self.set_classes("")
        self.update("")

    @property
    def text(self) -> str:
        """What the line shows now."""
        return str(self.content.plain if isinstance(self.content, Text) else self.content)

    @property
    def is_error(self) -> bool:
        """True while a refusal is shown."""
        return self.has_class("-error")
