"""The bottom line: the keys a screen offers, in the operator's language (Textual's Footer is not translated)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from core.i18n import _

# Keys whose label goes last when the line is too narrow: the way back and the way out.
ESSENTIAL = ("Esc", "F10")


def hints_line(hints: list[tuple[str, str]], width: int) -> Text:
    """The keys with their labels in `width` cells: labels are dropped (others' from the right first, Esc's and
    F10's last) until the line fits; a key itself is never dropped."""
    labelled = [True] * len(hints)
    order = [n for n in reversed(range(len(hints))) if hints[n][0] not in ESSENTIAL]
    order += [n for n in reversed(range(len(hints))) if hints[n][0] in ESSENTIAL]
    line = _line(hints, labelled)
    for n in order:
        if line.cell_len <= width:
            break
        labelled[n] = False
        line = _line(hints, labelled)
    return line


def _line(hints: list[tuple[str, str]], labelled: list[bool]) -> Text:
    line = Text(no_wrap=True, overflow="crop")
    for (key, label), with_label in zip(hints, labelled, strict=True):
        line.append(f" {key} ", style="bold reverse")
        line.append(f" {_(label)}  " if with_label else " ")
    return line


class KeyHints(Static):
    """Shows `(key, label msgid)` pairs in the width it has; relabels itself when the language changes."""

    DEFAULT_CSS = """
    KeyHints { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, hints: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(**kwargs)
        self.hints = hints

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._redraw)

    def on_resize(self) -> None:
        self._redraw()

    def set_hints(self, hints: list[tuple[str, str]]) -> None:
        """Replace the keys shown (a step may offer different keys)."""
        self.hints = hints
        self._redraw()

    def _redraw(self, *_args: object) -> None:
        width = self.content_size.width or (self.app.size.width - 2)
        self.update(hints_line(self.hints, max(width, 1)))
