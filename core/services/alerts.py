"""Live alerts: set-based evaluation (full, or for the items a transaction touched), acknowledgement, listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.i18n import _, ngettext
from core.permissions import Actor, require
from core.services import audit
from core.services.alert_rules import RULES


def message(rule: str, params: dict) -> str:
    """The alert's one line in the operator's language."""
    texts = {
        "below_safety_stock": lambda: _("{sku}: {on_hand} on hand, below safety stock {safety}"),
        "expiring": lambda: _("Lot {lot} ({sku}) expires on {expiry}"),
        "expired": lambda: _("Lot {lot} ({sku}) expired on {expiry}"),
        "dead_stock": lambda: ngettext("{sku}: no movement for {days} day", "{sku}: no movement for {days} days",
                                       int(params.get("days") or 0)),
        "reserved_not_issued": lambda: _("{wo}: {sku} reserved but not issued for {hours} h"),
        "qc_hold_aging": lambda: _("Lot {lot} ({sku}) in QC hold for more than {hours} h"),
        "shortage": lambda: _("{wo} is short of {sku}: {short}"),
        "safety_stock_off": lambda: _("{sku}: safety stock {safety} is far from the plan's {planned}"),
    }
    try:
        return texts[rule]().format(**{k: _fmt(v) for k, v in params.items()})
    except (KeyError, IndexError):
        return rule


def _fmt(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _current(rules) -> tuple[str, dict]:
    """One SELECT of every enabled rule's current subjects (rule and severity as columns)."""
    parts, params = [], {}
    for n, r in enumerate(rules):
        body = RULES[r.rule].replace(":threshold", f":t{n}")
        parts.append(f"SELECT CAST(:r{n} AS text) AS rule, CAST(:s{n} AS text) AS severity, c.* FROM ({body})"
                     f" AS c(subject, item_id, lot_id, location_id, work_order_id, params)")
        params.update({f"r{n}": r.rule, f"s{n}": r.severity, f"t{n}": r.threshold})
    return " UNION ALL ".join(parts), params


def evaluate(session: Session, items: list[int] | None = None) -> int:
    """Raise new alerts, resolve cleared ones; `items` limits it to what a transaction touched. Returns changes.

    One statement whatever the number of rules, so a stock transaction can afford to run it.
    """
    rules = session.execute(text("SELECT rule, severity, threshold FROM alert_rule WHERE enabled ORDER BY rule")).all()
    if not rules:
        return 0
    cur, params = _current(rules)
    params["items"] = items
    params["rules"] = [r.rule for r in rules]
    # One statement, so the rules run once: raise what is new, resolve what cleared. The resolve side reads the
    # snapshot from before the insert, which is right: what was just raised is in `cur` and stays open.
    return session.execute(text(f"""
        WITH cur AS MATERIALIZED ({cur}), raised AS (
          INSERT INTO alert (rule, severity, subject, item_id, lot_id, location_id, work_order_id, params, raised_at)
          SELECT rule, severity, subject, item_id, lot_id, location_id, work_order_id, params, now() FROM cur
          ON CONFLICT (rule, subject) WHERE resolved_at IS NULL DO UPDATE SET params = excluded.params
            WHERE alert.params IS DISTINCT FROM excluded.params  -- an open alert's figures stay current
          RETURNING 1
        ), gone AS (
          -- EXCEPT hashes both sides: a NOT EXISTS here became a nested loop (rule x subject text compares for
          -- every open alert) whenever the alert table's statistics lagged, minutes on a large plant
          SELECT rule, subject FROM alert WHERE resolved_at IS NULL AND rule = ANY(:rules)
            AND (CAST(:items AS bigint[]) IS NULL OR item_id = ANY(CAST(:items AS bigint[])))
          EXCEPT SELECT rule, subject FROM cur
        ), resolved AS (
          UPDATE alert a SET resolved_at = now() FROM gone
          WHERE a.resolved_at IS NULL AND a.rule = gone.rule AND a.subject = gone.subject
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM raised) + (SELECT count(*) FROM resolved)"""), params).scalar()


def resolve_moved(session: Session, items: list[int]) -> None:
    """A plain move changes no total or status: the only rule it can affect is dead stock, which it clears."""
    session.execute(text("SELECT alert_resolve_moved(CAST(:items AS bigint[]))"), {"items": items})  # as ledger_post


def evaluate_all(db: Database, actor: Actor | None = None) -> int:
    """A full evaluation (the schedule, and `lineside alerts evaluate` as a signed-in operator)."""
    if actor is not None:
        require(actor, "alerts.evaluate")
    with db.uow() as uow:
        n = evaluate(uow.session)
        uow.commit()
        return n


@dataclass(frozen=True)
class AlertView:
    id: int
    rule: str
    severity: str
    sku: str | None
    lot: str | None
    location: str | None
    work_order: str | None
    message: str
    raised_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    resolved_at: datetime | None


def list_alerts(db: Database, actor: Actor, *, include_resolved: bool = False, limit: int = 1000) -> list[AlertView]:
    """Open alerts (or all), most severe and newest first."""
    require(actor, "alerts.view")
    with db.uow() as uow:
        rows = uow.execute(text("""
            SELECT a.id, a.rule, a.severity, i.sku, lt.lot_no AS lot, l.code AS location, w.wo_number AS work_order,
                   a.params, a.raised_at, o.badge AS acknowledged_by, a.acknowledged_at, a.resolved_at
            FROM alert a LEFT JOIN item i ON i.id = a.item_id LEFT JOIN lot lt ON lt.id = a.lot_id
            LEFT JOIN location l ON l.id = a.location_id LEFT JOIN work_order w ON w.id = a.work_order_id
            LEFT JOIN operator o ON o.id = a.acknowledged_by
            WHERE :all OR a.resolved_at IS NULL
            ORDER BY a.resolved_at IS NOT NULL, CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                     a.raised_at DESC LIMIT :n"""), {"all": include_resolved, "n": limit}).all()
    return [AlertView(r.id, r.rule, r.severity, r.sku, r.lot, r.location, r.work_order, message(r.rule, r.params),
                      r.raised_at, r.acknowledged_by, r.acknowledged_at, r.resolved_at) for r in rows]


def open_count(db: Database) -> int:
    """How many alerts are open and unacknowledged (the status bar's count)."""
    with db.uow() as uow:
        return uow.execute(text("SELECT count(*) FROM alert WHERE resolved_at IS NULL"
                                " AND acknowledged_at IS NULL")).scalar()


def acknowledge(db: Database, actor: Actor, alert_id: int, comment: str) -> None:
    """A supervisor acknowledges an alert with a comment (it stays until its condition clears)."""
    require(actor, "alerts.ack")
    if not (comment or "").strip():
        raise InvalidInput("Acknowledging an alert needs a comment")
    with db.uow() as uow:
        done = uow.execute(text("UPDATE alert SET acknowledged_by = :op, acknowledged_at = :at, ack_comment = :c"
                                " WHERE id = :id AND acknowledged_at IS NULL RETURNING rule"),
                           {"op": actor.operator_id, "at": datetime.now(UTC), "c": comment, "id": alert_id}).first()
        if done is None:
            raise NotFound(what=f"alert {alert_id}")
        audit.record(uow.session, actor, "alert.ack", "alert", str(alert_id), reason=comment)
        uow.commit()
