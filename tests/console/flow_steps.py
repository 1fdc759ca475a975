"""Pilot helpers for the shipping, trace and counting tests."""

from __future__ import annotations


def busy(pilot) -> bool:
    """True while a screen's service call is still running (the app's own ping and alert feed do not count)."""
    return any(w.group in ("service", "read", "post") and w.is_running for w in pilot.app.workers)
