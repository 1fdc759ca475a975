"""The one permission table: which roles may perform each operation. Services check it themselves."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import PermissionDenied

CLERK, INSPECTOR, SUPERVISOR, ADMIN = "clerk", "inspector", "supervisor", "admin"
EVERYONE = frozenset({CLERK, INSPECTOR, SUPERVISOR, ADMIN})
FLOOR = frozenset({CLERK, SUPERVISOR})

PERMISSIONS: dict[str, frozenset[str]] = {
    "stock.view": EVERYONE,
    "trace.view": EVERYONE,
    "stock.move": FLOOR,
    "receiving.post": FLOOR,
    "putaway.post": FLOOR,
    "picking.post": FLOOR,
    "issue.post": FLOOR,
    "production.output": FLOOR,
    "shipping.post": FLOOR,
    "count.post": FLOOR,
    "count.approve": frozenset({SUPERVISOR}),
    "qc.inspect": frozenset({INSPECTOR}),
    "alerts.view": frozenset({SUPERVISOR, INSPECTOR, ADMIN}),
    "alerts.ack": frozenset({SUPERVISOR}),
    "alerts.evaluate": frozenset({SUPERVISOR, ADMIN}),
    "kpi.view": frozenset({SUPERVISOR, INSPECTOR, ADMIN}),
    "workorder.manage": frozenset({SUPERVISOR}),
    "override.approve": frozenset({SUPERVISOR}),
    "recall.raise": frozenset({SUPERVISOR}),
    "stock.adjust": frozenset({SUPERVISOR, ADMIN}),
    "import.run": frozenset({ADMIN}),
    "database.backup": frozenset({ADMIN}),
    "database.restore": frozenset({ADMIN}),
    "operator.manage": frozenset({ADMIN}),
    "label.print": EVERYONE,
    "check.run": frozenset({ADMIN, SUPERVISOR}),
    "operations.run": FLOOR,
    "downtime.record": FLOOR,
    "nc.raise": frozenset({INSPECTOR, SUPERVISOR}),
    "nc.dispose": frozenset({INSPECTOR, SUPERVISOR}),
}

SYSTEM_BADGE = "SYSTEM"


@dataclass(frozen=True)
class Actor:
    """Who is acting, from which terminal: passed to every service call."""

    operator_id: int
    badge: str
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    terminal: str = "unknown"

    def may(self, operation: str) -> bool:
        """True when one of the actor's roles is allowed `operation`."""
        return bool(self.roles & PERMISSIONS[operation])


def require(actor: Actor, operation: str) -> None:
    """Raise PermissionDenied unless the actor may perform `operation`."""
    if operation not in PERMISSIONS:
        raise KeyError(f"unknown operation {operation!r}")
    if not actor.may(operation):
        raise PermissionDenied(operation=operation)
