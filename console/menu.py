"""The home menu: one line per flow. A later flow adds its line here and nothing else changes.

`scans` are the kinds of scan (core.scan) that, typed on the home screen, open this flow with the scan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen

from core.permissions import Actor


@dataclass(frozen=True)
class MenuEntry:
    """A home-menu choice: typed `key`, translated `label`, the permission it needs, the screen it opens."""

    key: str
    label: str  # English msgid, translated when shown
    permission: str
    screen: Callable[..., Screen]  # called with scan=ScanResult | None
    scans: frozenset[str] = frozenset()


def _stock_lookup(**kwargs) -> Screen:
    from console.screens.stock_lookup import StockLookupScreen

    return StockLookupScreen(**kwargs)


def _alerts(**kwargs) -> Screen:
    from console.screens.alerts import AlertsScreen

    return AlertsScreen(**kwargs)


def _kpi(**kwargs) -> Screen:
    from console.screens.kpi import KpiScreen

    return KpiScreen(**kwargs)


def _lazy(module: str, name: str, **kwargs) -> Screen:
    """Import a flow's screen only when it is opened."""
    from importlib import import_module

    return getattr(import_module(f"console.screens.{module}"), name)(**kwargs)


# The contract's keys: 1 Receiving … 9 Stock lookup, a k q w for supervisors and quality, o d r on the shop floor,
# n for quality and supervisors. Only built flows appear.
ENTRIES: list[MenuEntry] = [
    MenuEntry("1", "Receiving", "receiving.post", lambda **kw: _lazy("receiving", "ReceivingScreen", **kw),
              frozenset({"asn"})),
    MenuEntry("2", "Putaway", "putaway.post", lambda **kw: _lazy("putaway", "PutawayScreen", **kw),
              frozenset({"pallet"})),
    MenuEntry("3", "Picking", "picking.post", lambda **kw: _lazy("picking", "PickingScreen", **kw)),
    MenuEntry("4", "Issue to work order", "issue.post", lambda **kw: _lazy("issue", "IssueScreen", **kw),
              frozenset({"work_order"})),
    MenuEntry("5", "Production output", "production.output", lambda **kw: _lazy("output", "OutputScreen", **kw)),
    MenuEntry("6", "Shipping", "shipping.post", lambda **kw: _lazy("shipping", "ShippingScreen", **kw)),
    MenuEntry("7", "Cycle count", "count.post", lambda **kw: _lazy("counting", "CountingScreen", **kw)),
    MenuEntry("8", "Trace", "trace.view", lambda **kw: _lazy("trace", "TraceScreen", **kw), frozenset({"lot"})),
    MenuEntry("9", "Stock lookup", "stock.view", _stock_lookup, frozenset({"location", "item", "lot", "gs1"})),
    MenuEntry("a", "Alerts", "alerts.view", _alerts),
    MenuEntry("k", "KPIs", "kpi.view", _kpi),
    MenuEntry("q", "QC inspection", "qc.inspect", lambda **kw: _lazy("qc", "QcScreen", **kw)),
    MenuEntry("w", "Work orders & kitting", "workorder.manage",
              lambda **kw: _lazy("workorders", "WorkOrdersScreen", **kw)),
    MenuEntry("o", "Operations", "operations.run", lambda **kw: _lazy("operations", "OperationsScreen", **kw)),
    MenuEntry("d", "Downtime", "downtime.record", lambda **kw: _lazy("downtime", "DowntimeScreen", **kw)),
    MenuEntry("r", "Return to stock", "issue.post", lambda **kw: _lazy("returns", "ReturnScreen", **kw)),
    MenuEntry("n", "Nonconformance", "nc.dispose",
              lambda **kw: _lazy("nonconformance", "NonconformanceScreen", **kw)),
]


def rf_label(key: str) -> str:
    """An entry's label in the RF-gun layout: one word that fits a 10-cell column (20x16: two columns, 40x8:
    four), in the operator's language."""
    from core.i18n import pgettext

    labels = {
        "1": pgettext("rf menu", "Receive"), "2": pgettext("rf menu", "Putaway"), "3": pgettext("rf menu", "Pick"),
        "4": pgettext("rf menu", "Issue"), "5": pgettext("rf menu", "Output"), "6": pgettext("rf menu", "Ship"),
        "7": pgettext("rf menu", "Count"), "8": pgettext("rf menu", "Trace"), "9": pgettext("rf menu", "Stock"),
        "a": pgettext("rf menu", "Alerts"), "k": pgettext("rf menu", "KPIs"), "q": pgettext("rf menu", "QC"),
        "w": pgettext("rf menu", "Orders"), "o": pgettext("rf menu", "Ops"), "d": pgettext("rf menu", "Downtime"),
        "r": pgettext("rf menu", "Return"), "n": pgettext("rf menu", "NC"),
    }
    return labels[key]


def entries_for(actor: Actor | None) -> list[MenuEntry]:
    """The entries this operator may use, in key order."""
    if actor is None:
        return []
    return [e for e in ENTRIES if actor.may(e.permission)]


def entry_for_key(actor: Actor | None, key: str) -> MenuEntry | None:
    """The entry a typed key chooses, if the operator may use it."""
    key = key.strip().lower()
    return next((e for e in entries_for(actor) if e.key == key), None)


def entry_for_scan(actor: Actor | None, kind: str) -> MenuEntry | None:
    """The first flow the operator may use that takes a scan of this kind from the home screen."""
    return next((e for e in entries_for(actor) if kind in e.scans), None)
