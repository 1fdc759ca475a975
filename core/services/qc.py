"""QC inspection: a held lot passes (available where it is) or fails (rejected, into quarantine)."""

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
from core.reasons import Meaning, QcFailReason
from core.results import Result
from core.services.ledger import Leg, apply_legs, run_operation
from core.services.lots import find_lot
from core.services.signatures import signed, verify


@dataclass(frozen=True)
class Inspected(Result):
    """A recorded inspection: the lot's held quantity passed (available) or failed (rejected, in quarantine)."""

    lot: str
    sku: str
    result: str  # "pass" or "fail"
    reason: str | None = None  # a QcFailReason code
    qty: Decimal = Decimal(0)
    status: str = "available"

    @property
    def passed(self) -> bool:
        return self.result == "pass"


@dataclass(frozen=True)
class Waiting(Result):
    """Stock of a lot waiting for inspection at one location, and when the lot was received."""

    lot: str
    sku: str
    qty: Decimal
    location: str
    received_at: datetime | None


def waiting(db: Database, actor: Actor, limit: int = 50) -> list[Waiting]:
    """The inspectors' queue: what is in QC hold, oldest receipt first."""
    require(actor, "qc.inspect")
    with db.uow() as uow:
        return [Waiting(**r._mapping) for r in uow.execute(text(
            "SELECT t.lot_no AS lot, i.sku, sum(b.qty) AS qty, l.code AS location, t.received_at"
            " FROM stock_balance b JOIN lot t ON t.id = b.lot_id JOIN item i ON i.id = b.item_id"
            " JOIN location l ON l.id = b.location_id WHERE b.status = 'qc_hold' AND b.qty > 0"
            " GROUP BY t.id, t.lot_no, i.sku, l.code, t.received_at"
            " ORDER BY t.received_at NULLS LAST, t.lot_no, l.code LIMIT :n"), {"n": limit})]


def _quarantine(session: Session, location_id: int) -> int:
    qid = session.execute(
        text("SELECT q.id FROM location l JOIN location q ON q.warehouse_id = l.warehouse_id"
             " WHERE l.id = :l AND q.kind = 'quarantine' ORDER BY q.pick_sequence, q.code LIMIT 1"),
        {"l": location_id},
    ).scalar()
    if qid is None:
        where = session.execute(text("SELECT w.code FROM location l JOIN warehouse w ON w.id = l.warehouse_id"
                                     " WHERE l.id = :l"), {"l": location_id}).scalar()
        raise NotFound(N_("No quarantine location in warehouse {what}"), what=where or "-")
    return qid


def inspect(db: Database, actor: Actor, *, key: str, lot: str, passed: bool, pin: str, reason: str | None = None,
            sku: str | None = None) -> Inspected:
    """Record the inspection of a lot in qc_hold, signed by the inspector's PIN (Released / Rejected)."""
    if not passed:
        reason = str(QcFailReason.require(reason, N_("Choose a reason for the failed inspection")))
    require(actor, "qc.inspect")
    signature = verify(db, actor, pin, Meaning.RELEASED if passed else Meaning.REJECTED)

    def body(session: Session) -> dict:
        found = find_lot(session, lot, sku)
        held = session.execute(
            text("SELECT location_id, qty FROM stock_balance WHERE lot_id = :l AND status = 'qc_hold' AND qty > 0"
                 " ORDER BY location_id"),
            {"l": found.id},
        ).all()
        if not held:
            raise InvalidInput("Lot {lot} is not in QC hold", lot=lot)
        legs = []
        for b in held:
            target = b.location_id if passed else _quarantine(session, b.location_id)
            legs.append(Leg(found.item_id, found.id, b.qty, from_location_id=b.location_id, from_status="qc_hold",
                            to_location_id=target, to_status="available" if passed else "rejected"))
        apply_legs(session, actor, "status", legs, key=key, reason=reason, reference=f"QC {lot}")
        session.execute(
            text("UPDATE lot SET qc_status = :s, inspected_by = :op, inspected_at = :at WHERE id = :l"),
            {"s": "passed" if passed else "failed", "op": actor.operator_id, "at": datetime.now(UTC),
             "l": found.id},
        )
        return signed({"lot": found.lot_no, "sku": found.sku, "result": "pass" if passed else "fail",
                       "reason": reason, "qty": sum(b.qty for b in held),
                       "status": "available" if passed else "rejected"}, signature)

    return Inspected.of(run_operation(db, actor, key=key, kind="qc.inspect", permission="qc.inspect",
                                      payload={"lot": lot, "sku": sku, "passed": passed, "reason": reason}, body=body,
                                      audit_entity="lot", audit_key=lot, reason=reason).data)
