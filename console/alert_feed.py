"""The supervisor's live alert feed: a thread that LISTENs on lineside_alerts, and the 5-minute full evaluation.

Started when someone who may see alerts signs in, stopped on logout. Each notification becomes an
`AlertsChanged` message carrying the fresh open count, so the status bar and the Alerts screen redraw
within a moment of the commit, and nothing polls the alert table.
"""

from __future__ import annotations

import logging
import time

from textual.app import App
from textual.message import Message
from textual.worker import get_current_worker

from core.services import alerts
from core.services.live import ALERTS, Listener

log = logging.getLogger(__name__)
EVALUATE_EVERY_S = 300.0


class AlertsChanged(Message):
    """An alert was raised, acknowledged or resolved somewhere; `count` is the open, unacknowledged count."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


def start(app: App) -> None:
    """Listen for alert changes (alerts.view) and evaluate every rule on a schedule (supervisors)."""
    stop(app)
    actor = app.actor
    if actor is None or not actor.may("alerts.view"):
        return
    app.run_worker(lambda: _listen(app), thread=True, group="alert-feed", exclusive=True, exit_on_error=False)
    if actor.may("alerts.ack"):
        every = getattr(app, "alert_evaluate_seconds", EVALUATE_EVERY_S)
        app._alert_timer = app.set_interval(every, lambda: _evaluate_soon(app))


def stop(app: App) -> None:
    """Logout: the listening thread ends (within a quarter second) and the schedule stops."""
    app.workers.cancel_group(app, "alert-feed")
    timer = getattr(app, "_alert_timer", None)
    if timer is not None:
        timer.stop()
        app._alert_timer = None
    app.open_alerts = None


def _evaluate_soon(app: App) -> None:
    app.run_worker(lambda: alerts.evaluate_all(app.services.db), thread=True, group="alert-evaluate",
                   exclusive=True, exit_on_error=False)


def _listen(app: App) -> None:
    worker = get_current_worker()
    db = app.services.db
    while not worker.is_cancelled:
        try:
            with Listener(db, ALERTS) as listener:
                # Count only after LISTEN is in place: a commit in between is then either counted or notified.
                app.post_message(AlertsChanged(alerts.open_count(db)))
                while not worker.is_cancelled:
                    if listener.wait(0.25) and not worker.is_cancelled:
                        app.post_message(AlertsChanged(alerts.open_count(db)))
        except Exception as exc:  # the database went away: the ping shows it; listen again once it is back
            log.warning("alert feed interrupted: %s", exc)
            for _ in range(8):
                if worker.is_cancelled:
                    return
                time.sleep(0.25)
