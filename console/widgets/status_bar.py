"""The top line: operator, terminal, warehouse, database state and language, kept in step with the app."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from core.i18n import _

LANGUAGE_NAMES = {"en": "English", "zh_CN": "中文"}
SHORT_LANGUAGE = {"en": "EN", "zh_CN": "中"}


class StatusBar(Static):
    """Watches the app's `actor`, `warehouse`, `db_state` and `lang` and redraws itself."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def on_mount(self) -> None:
        for name in ("actor", "warehouse", "db_state", "lang", "open_alerts"):
            self.watch(self.app, name, self._redraw, init=False)
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self, *_args: object) -> None:
        """The longest form that fits: labels go first, then the database and language words (80 columns)."""
        width = self.content_size.width or 78
        for level in range(4):
            line = self._line(level)
            if line.cell_len <= width:
                break
        self.update(line)

    def _line(self, level: int) -> Text:
        if level == 3:
            return self._rf_line()
        app = self.app
        sep = Text(" │ ", style="dim")
        line = Text()
        actor = getattr(app, "actor", None)
        if actor is not None:
            line.append(f"{actor.badge} {actor.name}", style="bold")
        else:
            line.append(_("Not signed in"), style="dim")
        line.append_text(sep)
        terminal = getattr(app, "terminal", "")
        line.append(f"{_('Terminal')} {terminal}" if level == 0 else terminal)
        warehouse = getattr(app, "warehouse", None)
        if warehouse:
            line.append_text(sep)
            line.append(f"{_('Warehouse')} {warehouse}" if level == 0 else warehouse)
        line.append_text(sep)
        state = getattr(app, "db_state", "unknown")
        if state == "connected":
            line.append("● " + (_("DB connected") if level < 2 else "DB"), style="green")
        elif state == "reconnecting":
            line.append("● " + _("DB reconnecting…"), style="bold red")  # never shortened: it is the news
        else:
            line.append("○ " + (_("DB connecting…") if level < 2 else "DB"), style="yellow")
        alerts = getattr(app, "open_alerts", None)
        if alerts is not None:  # only for those who may see alerts (the app's live feed sets it)
            line.append_text(sep)
            line.append(f"▲ {alerts}", style="bold yellow" if alerts else "dim")
        line.append_text(sep)
        lang = getattr(app, "lang", "en")
        line.append(LANGUAGE_NAMES.get(lang, "English") if level < 2 else SHORT_LANGUAGE.get(lang, "EN"))
        return line

    def _rf_line(self) -> Text:
        """An RF gun's 20 columns: the badge, the database dot, open alerts and the language, nothing else."""
        app = self.app
        actor = getattr(app, "actor", None)
        line = Text(actor.badge if actor is not None else "-", style="bold")
        state = getattr(app, "db_state", "unknown")
        dot = {"connected": ("●", "green"), "reconnecting": ("● " + _("DB reconnecting…"), "bold red")}
        mark, style = dot.get(state, ("○", "yellow"))
        line.append(" ").append(mark, style=style)
        alerts = getattr(app, "open_alerts", None)
        if alerts is not None:
            line.append(f" ▲{alerts}", style="bold yellow" if alerts else "dim")
        line.append(" " + SHORT_LANGUAGE.get(getattr(app, "lang", "en"), "EN"))
        return line
