"""Downtime (`d`, the shop floor): work centre -> reason number -> started; the same work centre again -> ended.

A running work centre shows the numbered reasons (planned first, each said planned or unplanned); a stopped one
shows since when and why, and Enter ends the downtime. After either, the next work centre.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from console.compact import Lines
from console.flow import FlowScreen, Step, handles
from console.screens import shopfloor_panels as panels
from core.errors import InvalidInput
from core.i18n import N_, _
from core.services import downtime, shopfloor_views
from core.services.downtime import DowntimeReasonView, Stoppage
from core.services.shopfloor_views import WorkCenterView

KIND = {True: N_("planned stop"), False: N_("unplanned stop")}


@dataclass(frozen=True)
class CenterState:
    """A scanned work centre: whether it stands still now, and the reasons it could stop for."""

    center: WorkCenterView
    stopped: Stoppage | None
    reasons: tuple[DowntimeReasonView, ...]


def center_state(db, actor, code: str) -> CenterState:
    """A work-centre scan -> the centre, its open downtime, the reason list (one worker, three reads)."""
    center = shopfloor_views.work_center(db, actor, code)
    return CenterState(center, downtime.open_at(db, actor, center.code), tuple(downtime.reasons(db, actor)))


class DowntimeScreen(FlowScreen):
    """Steps `wc` -> `reason` (running) or `end` (stopped)."""

    TITLE_MSGID = N_("Downtime")
    CSS_PATH = "shopfloor.tcss"
    STEPS = (
        Step("wc", N_("Scan the work centre")),
        Step("reason", N_("Why does {work_center} stop: type the reason number, then Enter"), back="wc"),
        Step("end", N_("{work_center} is stopped: Enter ends the downtime"), back="wc", blank=True),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.state: CenterState | None = None

    def compose_body(self):
        yield Static(id="detail")

    def prompt_values(self) -> dict[str, object]:
        return {**super().prompt_values(), "work_center": self.state.center.code if self.state else ""}

    def draw(self, step: Step) -> None:
        text = Text()
        if self.state is not None:
            text = panels.center_line(self.state.center).append("\n\n")
            if step.name == "reason":
                for n, r in enumerate(self.state.reasons, 1):
                    text.append(f"  {n} ", style="bold reverse").append(f"  {r.name:<24}")
                    text.append(_(KIND[r.planned]), style="dim" if r.planned else "")
                    text.append("\n")
            elif self.state.stopped is not None:
                s = self.state.stopped
                label = _(KIND[s.planned])
                panels.label(text, N_("Stopped since"), f"{s.started_at.astimezone():%Y-%m-%d %H:%M}", "yellow")
                panels.label(text.append("\n"), N_("Reason"), f"{s.name} ({label})")
        self.query_one("#detail", Static).update(text)

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the numbered reasons under a planned / unplanned heading (the prompt names the centre), or
        since when and why the centre stands still."""
        lines = Lines()
        state = self.state
        if state is None:
            return lines
        if step.name == "reason":
            kind = None
            for n, r in enumerate(state.reasons, 1):
                if r.planned != kind:
                    kind = r.planned
                    lines.text(_(KIND[kind]), style="dim")
                lines.text(Text(f"{n}", style="bold reverse").append(f" {r.name}", style=""))
            return lines
        lines.add("Work centre", state.center.code)
        if state.stopped is not None:
            s = state.stopped
            lines.add("Stopped since", f"{s.started_at.astimezone():%m-%d %H:%M}", style="bold yellow")
            lines.add("Reason", s.name)
            lines.text(_(KIND[s.planned]), style="dim")
        return lines

    @handles("wc")
    def wc_scanned(self, value: str) -> None:
        self.read(self.center_found, center_state, self.app.services.db, self.app.actor, value)

    def center_found(self, state: CenterState) -> None:
        self.state = state
        self.go("reason" if state.stopped is None else "end")

    @handles("reason")
    def reason_typed(self, value: str) -> None:
        reasons = self.state.reasons
        if not value.isdigit() or not 1 <= int(value) <= len(reasons):
            raise InvalidInput(N_("No choice {key}"), key=value)
        wc, reason = self.state.center.code, reasons[int(value) - 1].code
        key = self.key.for_payload(("start", wc, reason))
        self.post(self.started, downtime.start, self.app.services.db, self.app.actor, key=key, work_center=wc,
                  reason=reason)

    def started(self, done: Stoppage) -> None:
        self.key.spent()
        self.state = None
        self.go("wc")
        self.message.info(lambda: _("{work_center} stopped: {reason}").format(work_center=done.work_center,
                                                                     reason=done.name))

    @handles("end")
    def end_confirmed(self, value: str) -> None:
        """Enter alone, or the same work centre scanned again, ends the downtime."""
        wc = self.state.center.code
        if value not in ("", wc):
            raise InvalidInput(N_("{scan} is not {work_center}: Enter ends its downtime"), scan=value[:40],
                               work_center=wc)
        key = self.key.for_payload(("end", wc, self.state.stopped.started_at))
        self.post(self.ended, downtime.end, self.app.services.db, self.app.actor, key=key, work_center=wc)

    def ended(self, done: Stoppage) -> None:
        self.key.spent()
        self.state = None
        self.go("wc")
        self.message.info(lambda: _("{work_center} runs again after {minutes} min ({reason})").format(
            work_center=done.work_center, minutes=f"{done.minutes:.0f}", reason=done.name))

    def forget(self, step: str) -> None:
        if step in ("reason", "end"):
            self.state = None
