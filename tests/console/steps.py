"""Pilot steps shared by the console tests: wait for workers, type scans, read what the screen shows."""

from __future__ import annotations


async def wait_until(pilot, predicate, timeout: float = 5.0) -> None:
    """Let workers answer and handlers run until `predicate()` holds (fails the test after `timeout`)."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {getattr(predicate, '__name__', predicate)}")
        await pilot.pause(0.02)
    await pilot.pause()


async def scan(pilot, value: str) -> None:
    """Type a whole scan and Enter, as a keyboard-wedge scanner does: its keys arrive in one burst, in order, and
    the app takes them from its queue as it would a scanner's. (Pilot's `press` waits for the app to go idle after
    every key, 40 ms at the least and up to a second while workers run: a 40-character GS1 label took seconds.)
    One wait for the app to settle follows, so the scan has been handled when this returns."""
    from textual import events
    from textual.keys import _character_to_key

    app = pilot.app
    for char in value:
        event = events.Key(_character_to_key(char) if not char.isalnum() else char, char)
        event.set_sender(app)
        app._driver.send_message(event)
    enter = events.Key("enter", "\r")
    enter.set_sender(app)
    app._driver.send_message(enter)
    await pilot.pause()


async def sign_in(pilot, badge: str = "C001", pin: str = "1234") -> None:
    """Badge, Enter, PIN, Enter; returns once the home menu shows."""
    from console.screens.home import HomeScreen

    await wait_until(pilot, lambda: pilot.app.db_state == "connected")
    await scan(pilot, badge)
    await scan(pilot, pin)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))


def text_of(app, selector: str) -> str:
    """The plain text a Static-like widget shows."""
    widget = app.screen.query_one(selector)
    return str(widget.render())


def table_rows(app) -> list[list[str]]:
    """The stock table's cells as plain strings."""
    from textual.widgets import DataTable

    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def screen_lines(app) -> list[str]:
    """What the terminal shows now, one plain string per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def cut_columns(app) -> list[str]:
    """The labels of the table's columns narrower than their header or one of their cells (none: all fit)."""
    from rich.text import Text
    from textual.widgets import DataTable

    table = app.screen.query_one(DataTable)
    cut = []
    for n, column in enumerate(table.ordered_columns):
        cells = [table.get_row_at(i)[n] for i in range(table.row_count)]
        widest = max([column.label.cell_len, *(Text.from_markup(c).cell_len if isinstance(c, str)
                                               else c.cell_len for c in cells)])
        if column.get_render_width(table) - 2 * table.cell_padding < widest:
            cut.append(str(column.label))
    return cut


def hints_fit(app) -> bool:
    """The key line fits the terminal and offers Esc and F10."""
    from rich.cells import cell_len

    from console.widgets import KeyHints

    hints = app.screen.query_one(KeyHints)
    shown = str(hints.render())
    return cell_len(shown.rstrip()) <= hints.content_size.width and " Esc " in shown and " F10 " in shown
