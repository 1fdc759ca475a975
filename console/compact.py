"""The RF-gun layout's lines (20x16, 40x8): what a step needs, one short line each, in the operator's language.

A flow's `compact_lines(step)` returns a `Lines`, built with: `add("Lot", "L1")` is a dim label and its value, `text()`
a line of its own, and empty values are left out, so a screen says everything it might know and shows only what
it does. Lines never carry markup: whatever was scanned is shown literally.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from core.i18n import _


class Lines:
    """Short lines for #compact; `build()` is the Text the widget shows (it wraps at the terminal's width)."""

    def __init__(self) -> None:
        self._lines: list[Text] = []

    def add(self, msgid: str, value: object, style: str = "bold") -> Lines:
        """`Label value` on a line of its own, or nothing when the value is empty."""
        if value not in (None, ""):
            self._lines.append(Text(f"{_(msgid)} ", style="dim").append(str(value), style=style))
        return self

    def pair(self, first: object, second: object = "", style: str = "bold") -> Lines:
        """Two values on one line (`IC-1 L1`), either may be empty."""
        shown = " ".join(str(v) for v in (first, second) if v not in (None, ""))
        if shown:
            self._lines.append(Text(shown, style=style))
        return self

    def text(self, value: str | Text | None, style: str = "") -> Lines:
        """A line as it is (a Text keeps its styles), or nothing when empty."""
        if isinstance(value, Text):
            if value.plain:
                self._lines.append(value)
        elif value:
            self._lines.append(Text(value, style=style))
        return self

    def extend(self, other: Lines) -> Lines:
        """Another Lines' lines after these."""
        self._lines.extend(other._lines)
        return self

    def build(self, width: int | None = None, height: int | None = None) -> Text:
        """The lines for a panel `width` cells wide and `height` rows high: one a row while they fit, else short
        ones share a row (two spaces apart), so 40x8 shows in three rows what 20x16 shows in eight; a line is never
        broken where it could stay whole. What still does not fit is left out from the end (a flow puts what
        matters most first), and the last row shown ends in "…" to say so."""
        if not width or height is None or sum(rows_of(ln, width) for ln in self._lines) <= height:
            return Text("\n").join(self._lines)
        packed = pack(self._lines, width)
        shown, used = [], 0
        for row in packed:
            if used + rows_of(row, width) > height:
                break
            shown.append(row)
            used += rows_of(row, width)
        if len(shown) < len(packed):
            if not shown:
                return Text("…", style="dim")
            last = shown[-1]
            if "\n" not in last.plain and rows_of(last, width) == 1:
                last.truncate(max(1, width - 2))
            last.append(" …", style="dim")
        return Text("\n").join(shown)


def pack(lines: list[Text], width: int) -> list[Text]:
    """Short lines two spaces apart, as many a row as fit in `width`; a line of several rows stays on its own."""
    rows: list[Text] = []
    for line in lines:
        if rows and "\n" not in line.plain and rows[-1].cell_len + 2 + line.cell_len <= width:
            rows[-1].append("  ").append_text(line)
        else:
            rows.append(line.copy())
    return rows


def rows_of(line: Text, width: int) -> int:
    """The rows a line takes wrapped at `width` (each of its own lines at least one)."""
    return sum(max(1, -(-cell_len(part) // width)) for part in line.plain.split("\n"))
