"""KPIs (`k`): the contract's figures for the last 30 days, and the chosen figure's trend day by day.

The trend comes from core.services.kpi.trend, which runs the very query of `lineside kpi --json` for the 30 days
ending each day: every point is the headline's quantity, and the last point is the headline.
Type 1-7 (or ↑↓) to chart another figure; Enter alone reads everything again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static
from textual_plotext import PlotextPlot

from console.flow import BACK, LANGUAGE, LOG_OUT, FlowScreen, Step, handles
from core.errors import InvalidInput
from core.i18n import N_, _
from core.services import kpi
from core.services.kpi import Kpis

DAYS = 30
today = date.today  # the screen's clock; tests pin it

# (contract key, label msgid, how the value is shown)
FIGURES = [
    ("inventory_turnover", N_("Inventory turnover"), "{:.2f}"),
    ("kitting_rate", N_("Kitting rate"), "pct"),
    ("on_time_delivery", N_("On-time delivery"), "pct"),
    ("inventory_accuracy", N_("Inventory accuracy"), "pct"),
    ("dock_to_stock_hours_p50", N_("Dock-to-stock p50 (h)"), "{:.1f}"),
    ("pick_lines_per_hour", N_("Pick lines per hour"), "{:.1f}"),
    ("stockout_stoppages", N_("Stockout stoppages"), "{:d}"),
]


def value_text(value, form: str) -> str:
    """A figure as the operator reads it: 85%, 2.40, 12.5; a dash when the period has nothing to measure."""
    if value is None:
        return "–"
    if form == "pct":
        return f"{float(value) * 100:.0f}%"
    return form.format(int(value) if form == "{:d}" else float(value))


@dataclass(frozen=True)
class Loaded:
    """The period's figures and the same figures day by day."""

    figures: Kpis
    trend: list[Kpis]


def load(db, actor, since: date, until: date) -> Loaded:
    """The period's figures and the per-day trend (one worker call, both from core.services.kpi)."""
    return Loaded(kpi.kpis(db, actor, since, until), kpi.trend(db, actor, since, until))


class KpiScreen(FlowScreen):
    """Figures on the left, the chosen figure's trend on the right; the chart takes whatever room there is."""

    TITLE_MSGID = N_("KPIs")
    CSS_PATH = "kpi.tcss"
    BINDINGS = [Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False)]
    STEPS = (Step("figure", N_("Type 1-7 to chart a figure"), default=N_("Enter = refresh"),
                  keys=(("1-7", N_("Chart")), ("Enter", N_("Refresh")))),)
    HINTS = [BACK, LOG_OUT, LANGUAGE]

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.until = today()
        self.since = self.until - timedelta(days=DAYS - 1)
        self.figures: Kpis | None = None
        self.trend: list[Kpis] = []
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
        self.read(self.loaded, load, self.app.services.db, self.app.actor, self.since, self.until)

    def loaded(self, loaded: Loaded) -> None:
        self.figures, self.trend = loaded.figures, loaded.trend
        self.show(self.step)

    @handles("figure")
    def figure_typed(self, value: str) -> None:
        """A figure's number charts it; Enter alone reads everything again."""
        if not value:
            self.refresh_figures()
        elif value.isdigit() and 1 <= int(value) <= len(FIGURES):
            self.selected = int(value) - 1
            self.show(self.step)
        else:
            raise InvalidInput(N_("No figure {key}"), key=value)

    def action_move(self, delta: int) -> None:
        self.selected = (self.selected + delta) % len(FIGURES)
        self.show(self.step)

    def draw(self, step: Step) -> None:
        """Period, figures list and chart, in the current language."""
        self.query_one("#period", Static).update(
            _("Last {days} days: {since} – {until}").format(days=DAYS, since=self.since, until=self.until))
        lines = Text()
        for n, (key, label, form) in enumerate(FIGURES):
            chosen = n == self.selected
            lines.append(f" {n + 1} ", style="bold reverse" if chosen else "bold")
            lines.append(f" {_(label)}\n", style="bold" if chosen else "")
            value = getattr(self.figures, key) if self.figures else None
            lines.append(f"     {value_text(value, form) if self.figures else '…'}\n", style="bold cyan")
        self.query_one("#figures", Static).update(lines)
        self.draw_chart()

    def draw_chart(self) -> None:
        key, label, form = FIGURES[self.selected]
        chart = self.query_one("#chart", PlotextPlot)
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(_("{figure}, rolling {days} days").format(figure=_(label), days=DAYS))
        points = [(n, float(getattr(d, key)) * (100 if form == "pct" else 1)) for n, d in enumerate(self.trend)
                  if getattr(d, key) is not None]
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
