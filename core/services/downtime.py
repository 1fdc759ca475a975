"""Downtime: a work centre stands still for a reason (planned: breaks, changeovers; unplanned: breakdown, no
material, no operator); the same work centre again ends it. Events downtime.started and downtime.ended.

The reason whose code is `NO_MATERIAL` (any case, `-` or `_`) is what the KPI `stockout_stoppages` counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.permissions import Actor, require
from core.results import Result
from core.services import outbox
from core.services.ledger import run_operation

NO_MATERIAL = "NO_MATERIAL"
NO_MATERIAL_SQL = "upper(replace({code}, '-', '_')) = 'NO_MATERIAL'"  # the reason codes stockouts count


@dataclass(frozen=True)
class DowntimeReasonView(Result):
    """One entry of the numbered reason list the console shows."""

    code: str
    name: str
    planned: bool


@dataclass(frozen=True)
class Stoppage(Result):
    """A downtime of a work centre: open while `ended_at` is None."""

    work_center: str
    reason: str
    name: str
    planned: bool
    started_at: datetime
    ended_at: datetime | None = None
    minutes: Decimal | None = None


def reasons(db: Database, actor: Actor) -> list[DowntimeReasonView]:
    """The downtime reasons, in the order the console numbers them (planned first, then by code)."""
    require(actor, "downtime.record")
    with db.uow() as uow:
        return [DowntimeReasonView(r.code, r.name, r.planned) for r in uow.execute(text(
            "SELECT code, name, planned FROM downtime_reason ORDER BY planned DESC, code"))]


_OPEN = ("SELECT d.id, w.code AS work_center, w.line, r.code AS reason, r.name, r.planned, d.started_at"
         " FROM downtime d JOIN work_center w ON w.id = d.work_center_id JOIN downtime_reason r ON r.id = d.reason_id"
         " WHERE w.code = :wc AND d.ended_at IS NULL")


def open_at(db: Database, actor: Actor, work_center: str) -> Stoppage | None:
    """The work centre's open downtime, if it stands still (the console then ends it)."""
    require(actor, "downtime.record")
    with db.uow() as uow:
        _center(uow.session, work_center)
        row = uow.execute(text(_OPEN), {"wc": work_center.strip()}).first()
        return Stoppage(row.work_center, row.reason, row.name, row.planned, row.started_at) if row else None


def _center(session: Session, work_center: str):
    wc = session.execute(text("SELECT id, code, line FROM work_center WHERE code = :c"),
                         {"c": (work_center or "").strip()}).first()
    if wc is None:
        raise NotFound(what=work_center)
    return wc


def start(db: Database, actor: Actor, *, key: str, work_center: str, reason: str) -> Stoppage:
    """The work centre stops now, for `reason` (a downtime reason code)."""

    def body(session: Session) -> dict:
        now = datetime.now(UTC)
        wc = _center(session, work_center)
        why = session.execute(text("SELECT id, code, name, planned FROM downtime_reason WHERE code = :c"),
                              {"c": (reason or "").strip()}).first()
        if why is None:
            raise InvalidInput(N_("Choose a downtime reason"))
        started = session.execute(text(
            "INSERT INTO downtime (work_center_id, reason_id, started_at, operator_id, terminal)"
            " VALUES (:wc, :r, :at, :by, :t) ON CONFLICT (work_center_id) WHERE ended_at IS NULL DO NOTHING"
            " RETURNING id"),
            {"wc": wc.id, "r": why.id, "at": now, "by": actor.operator_id, "t": actor.terminal}).scalar()
        if started is None:
            raise InvalidInput(N_("{work_center} is already stopped: scan it again to end the downtime"),
                               work_center=wc.code)
        data = {"work_center": wc.code, "reason": why.code, "name": why.name, "planned": why.planned,
                "started_at": now}
        outbox.emit(session, "downtime.started", f"workcenter:{wc.code}", {**data, "line": wc.line})
        return data

    return Stoppage.of(run_operation(db, actor, key=key, kind="downtime.start", permission="downtime.record",
                                     payload={"work_center": work_center, "reason": reason}, body=body,
                                     audit_entity="work_center", audit_key=work_center, reason=reason).data)


def end(db: Database, actor: Actor, *, key: str, work_center: str) -> Stoppage:
    """The work centre runs again: its open downtime ends now."""

    def body(session: Session) -> dict:
        now = datetime.now(UTC)
        wc = _center(session, work_center)
        row = session.execute(text(
            "UPDATE downtime d SET ended_at = greatest(:at, d.started_at), ended_by = :by FROM downtime_reason r"
            " WHERE d.work_center_id = :wc AND d.ended_at IS NULL AND r.id = d.reason_id"
            " RETURNING r.code, r.name, r.planned, d.started_at, d.ended_at"),
            {"at": now, "by": actor.operator_id, "wc": wc.id}).first()
        if row is None:
            raise InvalidInput(N_("{work_center} is not stopped"), work_center=wc.code)
        minutes = round(Decimal((row.ended_at - row.started_at).total_seconds()) / 60, 2)
        data = {"work_center": wc.code, "reason": row.code, "name": row.name, "planned": row.planned,
                "started_at": row.started_at, "ended_at": row.ended_at, "minutes": minutes}
        outbox.emit(session, "downtime.ended", f"workcenter:{wc.code}", {**data, "line": wc.line})
        return data

    return Stoppage.of(run_operation(db, actor, key=key, kind="downtime.end", permission="downtime.record",
                                     payload={"work_center": work_center}, body=body,
                                     audit_entity="work_center", audit_key=work_center).data)
