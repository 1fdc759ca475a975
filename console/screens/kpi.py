"""KPIs (`k`): the contract's figures for the last 30 days, and the chosen figure's trend day by day.

The trend comes from core.services.kpi.daily, which runs the very query of `lineside kpi --json` once per day.
Type 1-7 (or ↑↓) to chart another figure; Enter alone reads everything again.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static
from textual_plotext import PlotextPlot

from console.screens.base import BACK, LANGUAGE, LOG_OUT, FlowScreen
from core.i18n import _
from core.services import kpi

DAYS = 30
today = date.today  # the screen's clock; tests pin it

# (contract key, label msgid, how the value is shown)
FIGURES = [
    ("inventory_turnover", "Inventory turnover", "{:.2f}"),
    ("kitting_rate", "Kitting rate", "pct"),
    ("on_time_delivery", "On-time delivery", "pct"),
    ("inventory_accuracy", "Inventory accuracy", "pct"),
    ("dock_to_stock_hours_p50", "Dock-to-stock p50 (h)", "{:.1f}"),
    ("pick_lines_per_hour", "Pick lines per hour", "{:.1f}"),
    ("stockout_stoppages", "Stockout stoppages", "{:d}"),
]


def value_text(value, form: str) -> str:
    """A figure as the operator reads it: 85%, 2.40, 12.5; a dash when the period has nothing to measure."""
    if value is None:
        return "–"
    if form == "pct":
        return f"{float(value) * 100:.0f}%"
    return form.format(int(value) if form == "{:d}" else float(value))


def load(db, actor, since: date, until: date) -> tuple[dict, list[dict]]:
    """The period's figures and the per-day trend (one worker call, both from core.services.kpi)."""
    return kpi.kpis(db, actor, since, until), kpi.daily(db, actor, since, until)


class KpiScreen(FlowScreen):
    """Figures on the left, the chosen figure's trend on the right; the chart takes whatever room there is."""

    TITLE_MSGID = "KPIs"
    CSS_PATH = "kpi.tcss"
    HINTS = [("1-7", "Chart"), ("Enter", "Refresh"), BACK, LOG_OUT, LANGUAGE]
    BINDINGS = [Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False)]

    def __init__(self, scan=None) -> None:
        super().__init__()
        self.until = today()
        self.since = self.until - timedelta(days=DAYS - 1)
        self.figures: dict | None = None
        self.trend: list[dict] = []
        self.selected = 0

    def compose_body(self):
        yield Static(id="period")
        with Horizontal(id="kpi-body"):
            yield Static(id="figures")
            yield PlotextPlot(id="chart")

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_figures()

    def refresh_figures(self) -> None:
        self.call_service("kpi", load, self.app.services.db, self.app.actor, self.since, self.until)

    def translate(self) -> None:
        self.set_prompt("Type 1-7 to chart a figure; Enter alone refreshes")
        self.query_one("#period", Static).update(
            _("Last {days} days: {since} – {until}").format(days=DAYS, since=self.since, until=self.until))
        self.draw()

    def service_done(self, tag: str, value: object) -> None:
        self.figures, self.trend = value
        self.draw()

    def scanned(self, value: str) -> None:
        value = value.strip()
        if not value:
            self.refresh_figures()
        elif value.isdigit() and 1 <= int(value) <= len(FIGURES):
            self.selected = int(value) - 1
            self.draw()
        else:
            self.message.error(_("No figure {key}").format(key=value))

    def action_move(self, delta: int) -> None:
        self.selected = (self.selected + delta) % len(FIGURES)
        self.draw()

    def draw(self) -> None:
        """Figures list and chart, in the current language."""
        lines = Text()
        for n, (key, label, form) in enumerate(FIGURES):
            chosen = n == self.selected
            lines.append(f" {n + 1} ", style="bold reverse" if chosen else "bold")
            lines.append(f" {_(label)}\n", style="bold" if chosen else "")
            value = self.figures.get(key) if self.figures else None
            lines.append(f"     {value_text(value, form) if self.figures else '…'}\n", style="bold cyan")
        self.query_one("#figures", Static).update(lines)
        self.draw_chart()

    def draw_chart(self) -> None:
        key, label, form = FIGURES[self.selected]
        chart = self.query_one("#chart", PlotextPlot)
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(_(label))
        points = [(n, float(d[key]) * (100 if form == "pct" else 1)) for n, d in enumerate(self.trend)
                  if d.get(key) is not None]
        if points:
            xs, ys = zip(*points, strict=True)
            plt.plot(xs, ys, marker="braille")
            plt.scatter(xs, ys, marker="dot")
        ticks = [t for t in range(0, DAYS - 3, 7)] + [DAYS - 1]  # weekly, and the last day
        plt.xticks(ticks, [(self.since + timedelta(days=t)).strftime("%m-%d") for t in ticks])
        plt.xlim(0, DAYS - 1)
        if points and min(ys) >= 0:  # rates and counts start at zero; a flat line must not float mid-chart
            plt.ylim(0, 105 if form == "pct" else max(ys) * 1.15 or 1)
        if not points:
            plt.ylim(0, 1)
            plt.text(_("No data in this period"), x=DAYS // 3, y=0.5)
        chart.refresh()
