"""The RF-gun layout's tests: a flow is walked by scans at 20x16, and each main state is photographed at 20x16 and
40x8 in both languages within the same run (F9 switches the language, the terminal is resized), so four
snapshots cost one walk.

`shots(pilot, snapshot, "qty")` stores `<test>[qty-20x16-en].svg`, `…-20x16-zh_CN`, `…-40x8-zh_CN` and
`…-40x8-en` with pytest-textual-snapshot's SVG extension (`--snapshot-update` writes them), checks at each size
that nothing a clerk needs is cut off (the prompt, the key line with Esc and F10), and leaves the terminal at 20x16
in the language it found.
"""

from __future__ import annotations

import os

from pytest_textual_snapshot import SVGImageExtension

from tests.console.flow_steps import busy
from tests.console.steps import screen_lines, wait_until

RF = (20, 16)
RF_SIZES = {"20x16": (20, 16), "40x8": (40, 8)}


async def _settled(pilot) -> None:
    await wait_until(pilot, lambda: not busy(pilot))
    await pilot.pause()


def fits(app) -> list[str]:
    """What the RF layout must show, and does not: the compact panel is on, the tables are off, the key line has
    Esc or F10 (at sign-in, F9), the prompt, the compact lines and the title are not cut at the bottom, nothing is
    wider than the terminal."""
    from rich.cells import cell_len

    from console.widgets import KeyHints

    screen, problems = app.screen, []
    if not screen.query_one("#compact").display or screen.query_one("#body").display:
        problems.append("not in the compact layout")
    hints = str(screen.query_one(KeyHints).render())
    if " Esc " not in hints and " F10 " not in hints and " F9 " not in hints:
        problems.append(f"no way back or out in {hints!r}")
    for selector in ("#prompt", "#compact", "#title"):  # what runs off the bottom (or the end of a one-row title)
        widget = screen.query_one(selector)
        if not widget.display:
            continue
        needed = widget.get_content_height(widget.size, app.size, widget.content_size.width)
        if needed > widget.content_size.height:
            problems.append(f"{selector} needs {needed} rows, has {widget.content_size.height}: "
                            f"{' / '.join(s.text for s in widget.render_lines(widget.region.reset_offset))!r}")
    width = app.size.width
    for strip in screen._compositor.render_strips():
        if cell_len(strip.text.rstrip()) > width:
            problems.append(f"wider than {width}: {strip.text!r}")
    return problems


async def shots(pilot, snapshot, name: str) -> None:
    """Four snapshots of the state on screen (20x16 and 40x8, its language and the other one)."""
    app = pilot.app
    lang = app.lang
    other = "zh_CN" if lang == "en" else "en"
    svg = snapshot.use_extension(SVGImageExtension)
    for size, language, switch in (("20x16", lang, False), ("20x16", other, True), ("40x8", other, False),
                                   ("40x8", lang, True)):
        if switch:
            await pilot.press("f9")
        await pilot.resize_terminal(*RF_SIZES[size])
        await _settled(pilot)
        assert app.lang == language
        problems = fits(app)
        assert not problems, f"{name} at {size} in {language}: {problems}"
        if os.environ.get("LINESIDE_SHOW_SCREENS"):  # a look at the screen as a clerk sees it, for the author
            print(f"--- {name} {size} {language}", *screen_lines(app), sep="\n")
        assert svg(name=f"{name}-{size}-{language}") == app.export_screenshot(title="Lineside")
    await pilot.resize_terminal(*RF)
    await _settled(pilot)
