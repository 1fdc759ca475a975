"""KPIs (`k`): the contract's figures for the last 30 days, OEE per work centre with its three factors, and the
chosen line's trend day by day.

The trend comes from core.services.kpi.trend, which runs the very query of `lineside kpi --json` for the 30 days
ending each day: every point is the headline's quantity, and the last point is the headline. Each work centre's
OEE is a numbered line like a figure; charting it draws that centre's OEE alone (one line stays readable in the
~40 columns an 80x24 terminal leaves the chart, where one line per centre would not).
Type a line's number (or ↑↓) to chart it; Enter alone reads everything again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Region
from textual.widgets import Static
from textual_plotext import PlotextPlot

from console.compact import Lines, rows_of
from console.flow import BACK, LANGUAGE, LOG_OUT, FlowScreen, Step, handles
from core.errors import InvalidInput
from core.i18n import N_, _
from core.services import kpi
from core.services.kpi import Kpis

DAYS = 30
today = date.today  # the screen's clock; tests pin it



@dataclass(frozen=True)
class Figure:
    """One line the chart can show: a figure of the KPI document, or one work centre's OEE."""

    key: str  # the Kpis field
    label: str  # msgid
    form: str  # how the value is shown: "pct" or a format
    work_center: str | None = None  # an OEE line's work centre

    def title(self) -> str:
        """What the chart is of, in the current language."""
        if self.work_center is None:
            return _(self.label)
        return _("OEE {work_center}").format(work_center=self.work_center)

    def value(self, figures: Kpis):
        """This figure in one period's document (None: nothing to measure then)."""
        if self.work_center is None:
            return getattr(figures, self.key)
        return next((o.oee for o in figures.oee if o.work_center == self.work_center), None)


FIGURES = [
    Figure("inventory_turnover", N_("Inventory turnover"), "{:.2f}"),
    Figure("kitting_rate", N_("Kitting rate"), "pct"),
    Figure("on_time_delivery", N_("On-time delivery"), "pct"),
    Figure("inventory_accuracy", N_("Inventory accuracy"), "pct"),
    Figure("dock_to_stock_hours_p50", N_("Dock-to-stock p50 (h)"), "{:.1f}"),
    Figure("pick_lines_per_hour", N_("Pick lines per hour"), "{:.1f}"),
    Figure("stockout_stoppages", N_("Stockout stoppages"), "{:d}"),
    Figure("plan_attainment", N_("Plan attainment"), "pct"),
]
# The OEE table's factor columns: (Oee field, header msgid)
FACTORS = (("availability", N_("Avail")), ("performance", N_("Perf")), ("quality", N_("Qual")), ("oee", N_("OEE")))


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
    """Figures and OEE per work centre on the left, the chosen line's trend on the right (the chart takes the rest)."""

    TITLE_MSGID = N_("KPIs")
    CSS_PATH = "kpi.tcss"
    BINDINGS = [Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False)]
    STEPS = (Step("figure", N_("Type 1-{last} to chart a figure"), default=N_("Enter = refresh"),
                  keys=(("1-{last}", N_("Chart")),)),)  # Enter = refresh is in the prompt: room for "1-10"
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
            with VerticalScroll(id="figures-column", can_focus=False):  # the scan field keeps the focus
                yield Static(id="figures")
            yield PlotextPlot(id="chart")

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_figures()

    def refresh_figures(self) -> None:
        self.read(self.loaded, load, self.app.services.db, self.app.actor, self.since, self.until)

    def loaded(self, loaded: Loaded) -> None:
        self.figures, self.trend = loaded.figures, loaded.trend
        if self.selected >= len(self.entries()):  # a work centre charted before has no OEE now
            self.selected = 0
        self.show(self.step)

    def entries(self) -> list[Figure]:
        """The numbered lines: the document's figures, then each work centre's OEE."""
        oee = self.figures.oee if self.figures else ()
        return FIGURES + [Figure("oee", N_("OEE"), "pct", o.work_center) for o in oee]

    def prompt_values(self) -> dict[str, object]:
        return {"last": len(self.entries())}

    def keys_for(self, step: Step) -> list:
        values = self.prompt_values()
        return [(key.format(**values), label) for key, label in super().keys_for(step)]

    @handles("figure")
    def figure_typed(self, value: str) -> None:
        """A line's number charts it; Enter alone reads everything again."""
        if not value:
            self.refresh_figures()
        elif value.isdigit() and 1 <= int(value) <= len(self.entries()):
            self.selected = int(value) - 1
            self.show(self.step)
        else:
            raise InvalidInput(N_("No figure {key}"), key=value)

    def action_move(self, delta: int) -> None:
        self.selected = (self.selected + delta) % len(self.entries())
        self.show(self.step)

    def draw(self, step: Step) -> None:
        """Period, figures, the OEE table and the chart, in the current language."""
        self.query_one("#period", Static).update(
            _("Last {days} days: {since} – {until}").format(days=DAYS, since=self.since, until=self.until))
        self.query_one("#figures", Static).update(Group(self.figures_table(), Text(), *self.oee_table()))
        # an OEE line sits below the figures, a blank line, the table's title and its header
        row = self.selected if self.selected < len(FIGURES) else self.selected + 3
        self.call_after_refresh(self.query_one("#figures-column").scroll_to_region, Region(0, row, 1, 1),
                                animate=False)
        self.draw_chart()

    def compact_lines(self, step: Step) -> Lines:
        """RF gun, no chart: the period, then the numbered lines around the chosen one, each a row with its value at
        the right edge (the label shortened with an ellipsis, never the value); the chosen one's label whole (its
        value on the next row when it does not fit). ↑↓ or a number choose another line."""
        lines = Lines()
        entries = self.entries()
        width, rows = self.app.size.width, self.compact_rows()
        if rows >= 6:
            lines.text(f"{self.since:%m-%d} – {self.until:%m-%d}", style="dim")
            rows -= 1
        shown: dict[int, Text] = {self.selected: self.entry_line(self.selected, width)}
        rows -= rows_of(shown[self.selected], width)
        before, after = self.selected - 1, self.selected + 1
        if before >= 0 and rows >= 3:  # the line above, when there is room for one below too
            shown[before], before, rows = self.entry_line(before, width), before - 1, rows - 1
        while rows > 0 and after < len(entries):  # then the lines below, then more above
            shown[after], after, rows = self.entry_line(after, width), after + 1, rows - 1
        while rows > 0 and before >= 0:
            shown[before], before, rows = self.entry_line(before, width), before - 1, rows - 1
        for n in sorted(shown):
            lines.text(shown[n])
        return lines

    def entry_line(self, n: int, width: int) -> Text:
        """One numbered line for the RF gun: `n label … value`, the value at the right edge."""
        figure = self.entries()[n]
        value = value_text(figure.value(self.figures), figure.form) if self.figures else "…"
        room = width - 4 - len(value)  # the number (2), two spaces, the value
        label = Text(figure.title(), style="bold" if n == self.selected else "")
        line = self.number(n).append(" ")
        if n == self.selected and label.cell_len > room:  # the chosen label whole, on two rows; the value last
            words, first = label.plain.split(" "), ""
            while len(words) > 1 and cell_len(f"{first} {words[0]}".strip()) <= width - 3:
                first = f"{first} {words.pop(0)}".strip()
            rest = " ".join(words)
            if first and cell_len(rest) <= room:
                line.append(first, style="bold").append("\n   ")
                line.append(rest + " " * (room - cell_len(rest)), style="bold")
                return line.append(" ").append(value, style="bold cyan")
            return line.append_text(label).append("\n" + value.rjust(width), style="bold cyan")
        label.truncate(room, overflow="ellipsis", pad=True)
        return line.append_text(label).append(" ").append(value, style="bold cyan")

    def number(self, n: int) -> Text:
        return Text(f"{n + 1:>2}", style="bold reverse" if n == self.selected else "bold")

    def figures_table(self) -> Table:
        """One line a figure: number, label, value (right-aligned, so the column reads at a glance)."""
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(width=2, justify="right")
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(justify="right", no_wrap=True)
        for n, figure in enumerate(FIGURES):
            value = value_text(figure.value(self.figures), figure.form) if self.figures else "…"
            table.add_row(self.number(n), Text(_(figure.label), style="bold" if n == self.selected else ""),
                          Text(value, style="bold cyan"))
        return table

    def oee_table(self) -> list:
        """OEE per work centre with its three factors, each line numbered like a figure (it charts too)."""
        title = Text(_("OEE by work centre"), style="bold")
        if self.figures is None:
            return [title]
        if not self.figures.oee:
            return [title, Text(_("No operations in this period"), style="dim")]
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(width=2, justify="right")
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        for _field, _header in FACTORS:
            table.add_column(width=5, justify="right", no_wrap=True)
        table.add_row("", "", *(Text(_(header), style="dim") for _field, header in FACTORS))
        for n, row in enumerate(self.figures.oee, start=len(FIGURES)):
            table.add_row(self.number(n), Text(row.work_center, style="bold" if n == self.selected else ""),
                          *(Text(value_text(getattr(row, field), "pct"), style="bold cyan" if field == "oee" else "")
                            for field, _header in FACTORS))
        return [title, table]

    def draw_chart(self) -> None:
        figure = self.entries()[self.selected]
        chart = self.query_one("#chart", PlotextPlot)
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(_("{figure}, rolling {days} days").format(figure=figure.title(), days=DAYS))
        pct = figure.form == "pct"
        points = [(n, float(v) * (100 if pct else 1)) for n, d in enumerate(self.trend)
                  if (v := figure.value(d)) is not None]
        if points:
            xs, ys = zip(*points, strict=True)
            plt.plot(xs, ys, marker="braille")
            plt.scatter(xs, ys, marker="dot")
        ticks = [t for t in range(0, DAYS - 3, 7)] + [DAYS - 1]  # weekly, and the last day
        plt.xticks(ticks, [(self.since + timedelta(days=t)).strftime("%m-%d") for t in ticks])
        plt.xlim(0, DAYS - 1)
        if points and min(ys) >= 0:  # rates and counts start at zero; a flat line must not float mid-chart
            plt.ylim(0, 105 if pct else max(ys) * 1.15 or 1)
        if not points:
            plt.ylim(0, 1)
            plt.text(_("No data in this period"), x=DAYS // 3, y=0.5)
        chart.refresh()
