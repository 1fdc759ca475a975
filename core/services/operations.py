"""Operations at work centres: start (several operators may work one), finish with good, scrap and measurements.

An operation cannot finish more units (good + scrap) than the previous one passed (the first: the order's
quantity), beyond the output flow's tolerance (`over_output_pct`) without a supervisor's approval. A measured
value outside its limits puts the order's output lots on qc_hold and raises a nonconformance per characteristic;
so does a finish whose scrap is above `scrap_nc_pct` % of good + scrap (one nonconformance, its qty the scrap).
The output flow (production.report_output) stays the one way to post output; for an order with operations it
posts no more good than the last operation finished (see production.routing_cap).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.config import settings
from core.db import Database
from core.errors import InvalidInput, NotFound, OperationOverrun, PermissionDenied
from core.i18n import N_
from core.permissions import Actor
from core.reasons import OverOutputReason, ScrapReason
from core.results import Result
from core.services import nonconformance, outbox
from core.services.ledger import run_operation
from core.units import require_whole

# An order's operations can be worked once it is released, and a rework step after it completed too.
WORKABLE = ("released", "in_progress", "completed")


@dataclass(frozen=True)
class Characteristic(Result):
    """One check of an operation's QC plan: what to measure, in which unit, within which limits."""

    characteristic: str
    unit: str
    min: Decimal | None = None
    max: Decimal | None = None


@dataclass(frozen=True)
class OperationDone(Result):
    """An operation after a start or a finish (`failed`: characteristics out of limits, `nonconformances`: raised)."""

    wo_number: str
    op_no: int
    work_center: str
    status: str
    good: Decimal = Decimal(0)
    scrap: Decimal = Decimal(0)
    operators: tuple[str, ...] = ()
    characteristics: tuple[Characteristic, ...] = ()
    failed: tuple[str, ...] = ()
    nonconformances: tuple[int, ...] = ()
    approved_by: str | None = None
    rework: bool = False


_OP = text("""
    SELECT o.id, o.op_no, o.status, o.good, o.scrap, o.qc_plan, o.rework_of, o.started_at, w.code AS work_center,
           wo.id AS wo_id, wo.wo_number, wo.qty, wo.status AS wo_status, wo.item_id, i.sku, i.uom
    FROM wo_operation o JOIN work_center w ON w.id = o.work_center_id JOIN work_order wo ON wo.id = o.work_order_id
    JOIN item i ON i.id = wo.item_id
    WHERE wo.wo_number = :wo AND w.code = :wc AND o.status <> 'done'
    ORDER BY o.op_no LIMIT 1 FOR UPDATE OF o
""")


def _operation(session: Session, work_center: str, wo_number: str):
    """The order's first unfinished operation at this work centre (locked), or a clear refusal."""
    wc, wo = (work_center or "").strip(), (wo_number or "").strip()
    if session.execute(text("SELECT 1 FROM work_center WHERE code = :c"), {"c": wc}).first() is None:
        raise NotFound(what=wc)
    order = session.execute(text("SELECT status FROM work_order WHERE wo_number = :w"), {"w": wo}).first()
    if order is None:
        raise NotFound(what=wo)
    op = session.execute(_OP, {"wo": wo, "wc": wc}).first()
    if op is None:
        raise InvalidInput(N_("{wo} has no open operation at {work_center}"), wo=wo, work_center=wc)
    if op.wo_status not in WORKABLE or (op.wo_status == "completed" and op.rework_of is None):
        raise InvalidInput("Work order {wo} is {status}, not released", wo=wo, status=op.wo_status)
    return op


def _characteristics(session: Session, plan: str | None) -> list:
    if not plan:
        return []
    return session.execute(text("SELECT characteristic, unit, min_value AS min, max_value AS max"
                                " FROM qc_characteristic WHERE plan = :p ORDER BY id"), {"p": plan}).all()


def _operators(session: Session, op_id: int) -> list[str]:
    return list(session.execute(text(
        "SELECT o.badge FROM operation_event e JOIN operator o ON o.id = e.operator_id WHERE e.wo_operation_id = :op"
        " GROUP BY o.badge ORDER BY min(e.at), o.badge"), {"op": op_id}).scalars())


def _event(session: Session, actor: Actor, op_id: int, kind: str, now: datetime) -> None:
    session.execute(text("INSERT INTO operation_event (wo_operation_id, operator_id, terminal, at, kind)"
                         " VALUES (:op, :by, :t, :at, :k)"),
                    {"op": op_id, "by": actor.operator_id, "t": actor.terminal, "at": now, "k": kind})


def characteristics(db: Database, actor: Actor, *, work_center: str, wo_number: str) -> OperationDone:
    """The operation a finish at this work centre would close, with the checks it will ask for (read only)."""
    with db.uow() as uow:
        op = _operation(uow.session, work_center, wo_number)
        chars = _characteristics(uow.session, op.qc_plan)
        return OperationDone(op.wo_number, op.op_no, op.work_center, op.status, op.good, op.scrap,
                             tuple(_operators(uow.session, op.id)),
                             tuple(Characteristic(c.characteristic, c.unit, c.min, c.max) for c in chars),
                             rework=op.rework_of is not None)


def start(db: Database, actor: Actor, *, key: str, work_center: str, wo_number: str) -> OperationDone:
    """An operator starts (or joins) the order's operation at this work centre."""

    def body(session: Session) -> dict:
        now = datetime.now(UTC)
        op = _operation(session, work_center, wo_number)
        if session.execute(text("SELECT 1 FROM operation_event WHERE wo_operation_id = :op AND operator_id = :by"
                                " AND kind = 'start'"), {"op": op.id, "by": actor.operator_id}).first():
            raise InvalidInput(N_("{badge} already works on op {op_no} of {wo}"), badge=actor.badge,
                               op_no=op.op_no, wo=op.wo_number)
        session.execute(text("UPDATE wo_operation SET status = 'running', started_at = coalesce(started_at, :at)"
                             " WHERE id = :op"), {"at": now, "op": op.id})
        session.execute(text("UPDATE work_order SET status = 'in_progress' WHERE id = :w AND status = 'released'"),
                        {"w": op.wo_id})
        _event(session, actor, op.id, "start", now)
        return {"wo_number": op.wo_number, "op_no": op.op_no, "work_center": op.work_center, "status": "running",
                "operators": _operators(session, op.id), "rework": op.rework_of is not None}

    return OperationDone.of(run_operation(db, actor, key=key, kind="operation.start", permission="operations.run",
                                          payload={"work_center": work_center, "wo_number": wo_number}, body=body,
                                          audit_entity="work_order", audit_key=wo_number).data)


def _passed_before(session: Session, op) -> Decimal:
    """What reached this operation: the previous (non-rework) operation's good, or the order's quantity."""
    prev = session.execute(text("SELECT good FROM wo_operation WHERE work_order_id = :w AND op_no < :n"
                                " AND rework_of IS NULL ORDER BY op_no DESC LIMIT 1"),
                           {"w": op.wo_id, "n": op.op_no}).scalar()
    return Decimal(op.qty if prev is None else prev)


def _scrap_beyond_threshold(good: Decimal, scrap: Decimal) -> bool:
    """This finish scrapped more than `scrap_nc_pct` % of what it made (good + scrap)."""
    return scrap > 0 and scrap * 100 > Decimal(str(settings().scrap_nc_pct)) * (good + scrap)


def _check_overrun(actor: Actor, op, passed: Decimal, units: Decimal, approver: Actor | None,
                   reason: str | None) -> bool:
    """True when this finish goes beyond what passed before (+ tolerance), which a supervisor approved."""
    pct = Decimal(str(settings().over_output_pct))
    if op.rework_of is not None or op.good + op.scrap + units <= passed * (1 + pct / 100):
        return False
    if approver is None or not reason:
        raise OperationOverrun(op_no=op.op_no, total=_fmt(op.good + op.scrap + units), passed=_fmt(passed),
                               tolerance=_fmt(pct))
    OverOutputReason.require(reason, N_("Choose a reason for the over-output"))
    if approver.operator_id == actor.operator_id:
        raise PermissionDenied("An approval needs a second person, not {badge}", badge=actor.badge)
    if not approver.may("override.approve"):
        raise PermissionDenied(operation="override.approve")
    return True


def _fmt(qty: Decimal) -> str:
    return format(Decimal(qty).normalize(), "f")


def _measured(chars: list, measurements: Mapping[str, object]) -> list[tuple[str, Decimal, bool]]:
    """Each characteristic of the plan with its value and whether it is within limits; all must be measured."""
    given = {str(k).strip(): v for k, v in (measurements or {}).items()}
    known = {c.characteristic for c in chars}
    for name in given:
        if name not in known:
            raise InvalidInput(N_("{characteristic} is not a check of this operation"), characteristic=name)
    out = []
    for c in chars:
        if given.get(c.characteristic) in (None, ""):
            raise InvalidInput(N_("Measure {characteristic}"), characteristic=c.characteristic)
        try:
            value = Decimal(str(given[c.characteristic]).strip())
        except InvalidOperation:
            raise InvalidInput(N_("Not a number: {value}"), value=str(given[c.characteristic])[:40]) from None
        if not value.is_finite():
            raise InvalidInput(N_("Not a number: {value}"), value=str(value))
        ok = (c.min is None or value >= c.min) and (c.max is None or value <= c.max)
        out.append((c.characteristic, value, ok))
    return out


def finish(db: Database, actor: Actor, *, key: str, work_center: str, wo_number: str, good: Decimal,
           scrap: Decimal = Decimal(0), scrap_reason: str | None = None,
           measurements: Mapping[str, object] | None = None, approver: Actor | None = None,
           reason: str | None = None) -> OperationDone:
    """Finish the order's running operation here: good, scrap (with a reason), each check of its QC plan."""
    good, scrap = Decimal(good or 0), Decimal(scrap or 0)
    if good < 0 or scrap < 0 or good + scrap <= 0:
        raise InvalidInput("Quantity must be greater than zero")
    why = N_("Choose a reason for the scrap")
    scrap_reason = str(ScrapReason.require(scrap_reason, why)) if scrap > 0 else None

    def body(session: Session) -> dict:
        now = datetime.now(UTC)
        op = _operation(session, work_center, wo_number)
        if op.status != "running":
            raise InvalidInput(N_("Op {op_no} of {wo} was not started"), op_no=op.op_no, wo=op.wo_number)
        require_whole(good, op.uom, op.sku)
        require_whole(scrap, op.uom, op.sku)
        over = _check_overrun(actor, op, _passed_before(session, op), good + scrap, approver, reason)
        values = _measured(_characteristics(session, op.qc_plan), measurements or {})
        session.execute(text("UPDATE wo_operation SET good = good + :g, scrap = scrap + :s, scrap_reason = :r,"
                             " status = 'done', finished_at = :at WHERE id = :op"),
                        {"g": good, "s": scrap, "r": scrap_reason, "at": now, "op": op.id})
        _event(session, actor, op.id, "finish", now)
        if values:  # every check of the plan in one statement
            session.execute(text("INSERT INTO measurement (wo_operation_id, characteristic, value, ok, operator_id,"
                                 " at) VALUES (:op, :c, :v, :ok, :by, :at)"),
                            [{"op": op.id, "c": name, "v": value, "ok": ok, "by": actor.operator_id, "at": now}
                             for name, value, ok in values])
        wo = session.execute(text("SELECT id, wo_number FROM work_order WHERE id = :w"), {"w": op.wo_id}).first()
        failed = [(name, value) for name, value, ok in values if not ok]
        ncs = [nonconformance.raise_for_order(
            session, actor, key=key, wo=wo, op_id=op.id, op_no=op.op_no, characteristic=name, value=value,
            reason=N_("Out of limits"), qty=good) for name, value in failed]
        if _scrap_beyond_threshold(good, scrap):
            ncs.append(nonconformance.raise_for_order(
                session, actor, key=key, wo=wo, op_id=op.id, op_no=op.op_no, characteristic=None, value=None,
                reason=N_("Scrap above threshold"), qty=scrap, record_held=False))
        if op.rework_of is not None:  # its nonconformance closes; failed again, the new one holds the stock
            nonconformance.close_rework(session, actor, op.rework_of, key=key)
        operators = _operators(session, op.id)
        data = {"wo_number": op.wo_number, "op_no": op.op_no, "work_center": op.work_center, "status": "done",
                "good": op.good + good, "scrap": op.scrap + scrap, "operators": operators,
                "failed": [n for n, _ in failed], "nonconformances": ncs, "rework": op.rework_of is not None,
                **({"approved_by": approver.badge} if over else {})}
        outbox.emit(session, "operation.completed", f"workorder:{op.wo_number}",
                    {k: data[k] for k in ("wo_number", "op_no", "work_center", "good", "scrap", "operators")}
                    | {"scrap_reason": scrap_reason, "finished_at": now})
        return data

    return OperationDone.of(run_operation(db, actor, key=key, kind="operation.finish", permission="operations.run",
                                          payload={"work_center": work_center, "wo_number": wo_number, "good": good,
                                                   "scrap": scrap, "scrap_reason": scrap_reason,
                                                   "measurements": {str(k): str(v) for k, v in
                                                                    (measurements or {}).items()},
                                                   "approver": approver.badge if approver else None,
                                                   "reason": reason},
                                          body=body, audit_entity="work_order", audit_key=wo_number,
                                          reason=reason).data)
