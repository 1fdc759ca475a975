"""The top line: operator, terminal, warehouse, database state and language, kept in step with the app."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from core.i18n import _

LANGUAGE_NAMES = {"en": "English", "zh_CN": "中文"}


class StatusBar(Static):
    """Watches the app's `actor`, `warehouse`, `db_state` and `lang` and redraws itself."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def on_mount(self) -> None:
        for name in ("actor", "warehouse", "db_state", "lang", "open_alerts"):
            self.watch(self.app, name, self._redraw, init=False)
        self._redraw()

    def _redraw(self, *_args: object) -> None:
        app = self.app
        sep = Text(" │ ", style="dim")
        line = Text()
        actor = getattr(app, "actor", None)
        if actor is not None:
            line.append(f"{actor.badge} {actor.name}", style="bold")
        else:
            line.append(_("Not signed in"), style="dim")
        line.append_text(sep)
        line.append(f"{_('Terminal')} {getattr(app, 'terminal', '')}")
        warehouse = getattr(app, "warehouse", None)
        if warehouse:
            line.append_text(sep)
            line.append(f"{_('Warehouse')} {warehouse}")
        line.append_text(sep)
        state = getattr(app, "db_state", "unknown")
        if state == "connected":
            line.append("● " + _("DB connected"), style="green")
        elif state == "reconnecting":
            line.append("● " + _("DB reconnecting…"), style="bold red")
        else:
            line.append("○ " + _("DB connecting…"), style="yellow")
        alerts = getattr(app, "open_alerts", None)
        if alerts is not None:  # only for those who may see alerts (the app's live feed sets it)
            line.append_text(sep)
            line.append(f"▲ {alerts}", style="bold yellow" if alerts else "dim")  # short: 80 columns are tight
        line.append_text(sep)
        line.append(LANGUAGE_NAMES.get(getattr(app, "lang", "en"), "English"))
        self.update(line)
