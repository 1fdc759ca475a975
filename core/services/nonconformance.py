"""Nonconformances: raised by a failed in-process check, by scrap beyond `scrap_nc_pct` at an operation's finish,
or by quality on a lot; disposed with a signature.

While one is open, the stock it concerns (its lot, or every output lot of its work order) is on `qc_hold`, and so
is later output of that order. A disposition is `scrap` (the held quantity scrapped through the ledger), `rework`
(a rework operation at the chosen work centre; the stock stays held until that operation passes its checks) or
`use_as_is` (released, with a reason from `UseAsIsReason`). Quality (inspector) or a supervisor disposes,
signing with their PIN.
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
from core.reasons import Disposition, UseAsIsReason
from core.results import Result
from core.services import outbox, signatures
from core.services.ledger import apply_selected, run_operation
from core.services.lots import find_lot
from core.services.workorders import unreserve_lots

MEANINGS = {Disposition.SCRAP: signatures.Meaning.SCRAPPED, Disposition.REWORK: signatures.Meaning.REWORK,
            Disposition.USE_AS_IS: signatures.Meaning.USE_AS_IS}

# The lots a nonconformance concerns: its own lot, else every output lot of its work order.
_LOTS = ("SELECT l.id FROM lot l WHERE (CAST(:lot AS bigint) IS NOT NULL AND l.id = :lot)"
         " OR (CAST(:lot AS bigint) IS NULL AND l.work_order_id = :wo)")

_STATUS_LEGS = """
    SELECT b.item_id, b.lot_id, b.qty, b.location_id AS from_location_id, b.status AS from_status,
           b.location_id AS to_location_id, CAST(:to AS text) AS to_status
    FROM stock_balance b JOIN lot l ON l.id = b.lot_id
    WHERE b.lot_id = ANY(CAST(:lots AS bigint[])) AND b.status = :from AND b.qty > 0 {extra}
    ORDER BY b.location_id, b.item_id, b.lot_id, b.status FOR UPDATE OF b
"""

# Released only when no other open nonconformance holds the lot, and never past an incoming inspection.
_RELEASABLE = (" AND l.qc_status <> 'pending' AND NOT EXISTS (SELECT 1 FROM nonconformance n WHERE n.status = 'open'"
               " AND n.id <> :nc AND (n.lot_id = l.id OR (n.lot_id IS NULL AND n.work_order_id = l.work_order_id)))")


def _lot_ids(session: Session, lot_id: int | None, wo_id: int | None) -> list[int]:
    return list(session.execute(text(_LOTS), {"lot": lot_id, "wo": wo_id}).scalars())


def hold(session: Session, actor: Actor, lot_ids: list[int], *, key: str, reference: str) -> Decimal:
    """Put the available stock of these lots on qc_hold where it is (their reservations given back first);
    returns the quantity held now."""
    if not lot_ids:
        return Decimal(0)
    unreserve_lots(session, lot_ids)
    done = apply_selected(session, actor, "status", _STATUS_LEGS.format(extra=""),
                          {"lots": lot_ids, "from": "available", "to": "qc_hold"}, key=key,
                          reason="nonconformance", reference=reference)
    return done.qty


def release(session: Session, actor: Actor, nc_id: int, lot_ids: list[int], *, key: str, reference: str,
            reason: str | None) -> Decimal:
    """Put what this nonconformance held back to available, unless another open one still holds it."""
    if not lot_ids:
        return Decimal(0)
    done = apply_selected(session, actor, "status", _STATUS_LEGS.format(extra=_RELEASABLE),
                          {"lots": lot_ids, "from": "qc_hold", "to": "available", "nc": nc_id}, key=key,
                          reason=reason, reference=reference)
    return done.qty


def raise_for_order(session: Session, actor: Actor, *, key: str, wo, op_id: int | None, op_no: int | None,
                    characteristic: str | None, value: Decimal | None, reason: str, qty: Decimal | None,
                    record_held: bool = True) -> int:
    """A nonconformance on a work order (a failed check, scrap beyond the threshold): its output lots go on hold;
    event nc.raised. Its qty is what went on hold (else `qty`), or with record_held=False `qty` itself."""
    held = hold(session, actor, _lot_ids(session, None, wo.id), key=key, reference=f"NC {wo.wo_number}")
    if not record_held:
        held = None
    nc_id = session.execute(text(
        "INSERT INTO nonconformance (wo_operation_id, work_order_id, characteristic, value, reason, qty, raised_by)"
        " VALUES (:op, :wo, :c, :v, :r, :q, :by) RETURNING id"),
        {"op": op_id, "wo": wo.id, "c": characteristic, "v": value, "r": reason, "q": held or qty,
         "by": actor.operator_id}).scalar()
    outbox.emit(session, "nc.raised", f"workorder:{wo.wo_number}",
                {"id": nc_id, "wo_number": wo.wo_number, "op_no": op_no, "lot": None,
                 "characteristic": characteristic, "value": value, "reason": reason, "qty": held or qty})
    return nc_id


@dataclass(frozen=True)
class Raised(Result):
    """A nonconformance raised on a lot: the quantity put on hold."""

    id: int
    lot: str
    sku: str
    qty: Decimal
    reason: str


def raise_on_lot(db: Database, actor: Actor, *, key: str, lot: str, reason: str, sku: str | None = None) -> Raised:
    """Quality raises a nonconformance on a lot: what of it is available goes on hold; event nc.raised."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(N_("Say why the lot does not conform"))

    def body(session: Session) -> dict:
        found = find_lot(session, lot, sku)
        wo = session.execute(text("SELECT w.id, w.wo_number FROM lot l JOIN work_order w ON w.id = l.work_order_id"
                                  " WHERE l.id = :l"), {"l": found.id}).first()
        hold(session, actor, [found.id], key=key, reference=f"NC {found.lot_no}")
        qty = session.execute(text("SELECT coalesce(sum(qty), 0) FROM stock_balance WHERE lot_id = :l"
                                   " AND status = 'qc_hold'"), {"l": found.id}).scalar()
        nc_id = session.execute(text(
            "INSERT INTO nonconformance (work_order_id, lot_id, reason, qty, raised_by)"
            " VALUES (:wo, :l, :r, :q, :by) RETURNING id"),
            {"wo": wo.id if wo else None, "l": found.id, "r": reason, "q": qty, "by": actor.operator_id}).scalar()
        outbox.emit(session, "nc.raised", f"lot:{found.lot_no}",
                    {"id": nc_id, "wo_number": wo.wo_number if wo else None, "op_no": None, "lot": found.lot_no,
                     "characteristic": None, "value": None, "reason": reason, "qty": qty})
        return {"id": nc_id, "lot": found.lot_no, "sku": found.sku, "qty": qty, "reason": reason}

    return Raised.of(run_operation(db, actor, key=key, kind="nc.raise", permission="nc.raise",
                                   payload={"lot": lot, "sku": sku, "reason": reason}, body=body,
                                   audit_entity="lot", audit_key=lot, reason=reason).data)


@dataclass(frozen=True)
class Disposed(Result):
    """A disposition: what became of the held stock, and the signature it carries."""

    id: int
    disposition: str
    status: str
    qty: Decimal
    work_center: str | None
    op_no: int | None
    signed_by: str
    badge: str
    signed_at: datetime
    meaning: str


def _rework(session: Session, nc, work_center: str | None) -> tuple[str, int]:
    if not work_center:
        raise InvalidInput(N_("Rework needs a work centre"))
    if nc.work_order_id is None:
        raise InvalidInput(N_("The lot was not made here: no work order to rework it on"))
    wc = session.execute(text("SELECT id, code FROM work_center WHERE code = :c"),
                         {"c": work_center.strip()}).first()
    if wc is None:
        raise NotFound(what=work_center)
    op_no = session.execute(text(
        "INSERT INTO wo_operation (work_order_id, op_no, work_center_id, minutes_per_unit, qc_plan, rework_of)"
        " SELECT :wo, coalesce((SELECT max(op_no) FROM wo_operation WHERE work_order_id = :wo), 0) + 1, :wc,"
        " coalesce(o.minutes_per_unit, 1), o.qc_plan, :nc FROM (SELECT 1) one"
        " LEFT JOIN wo_operation o ON o.id = :origin RETURNING op_no"),
        {"wo": nc.work_order_id, "wc": wc.id, "nc": nc.id, "origin": nc.wo_operation_id}).scalar()
    return wc.code, op_no


def dispose(db: Database, actor: Actor, *, key: str, nc_id: int, disposition: str, reason: str | None = None,
            work_center: str | None = None, pin: str | None = None) -> Disposed:
    """Decide an open nonconformance, signed by the acting inspector or supervisor re-entering their PIN."""
    require(actor, "nc.dispose")
    disposition = Disposition.require(disposition, N_("Choose a disposition"))
    reason = (reason or "").strip() or None
    if disposition == Disposition.USE_AS_IS:  # a code from the list, whoever calls (console, CLI, ERP)
        reason = str(UseAsIsReason.require(reason, N_("Say why it may be used as is")))
    signature = signatures.verify(db, actor, pin, MEANINGS[disposition])

    def body(session: Session) -> dict:
        nc = session.execute(text("SELECT id, wo_operation_id, work_order_id, lot_id, status, disposition"
                                  " FROM nonconformance WHERE id = :n FOR UPDATE"), {"n": nc_id}).first()
        if nc is None:
            raise NotFound(what=f"NC {nc_id}")
        if nc.status != "open" or nc.disposition is not None:
            raise InvalidInput(N_("Nonconformance {id} was already disposed"), id=nc_id)
        lots = _lot_ids(session, nc.lot_id, nc.work_order_id)
        ref, wc, op_no, qty = f"NC {nc_id}", None, None, Decimal(0)
        if disposition == Disposition.SCRAP:
            unreserve_lots(session, lots)
            qty = apply_selected(session, actor, "scrap", _STATUS_LEGS.format(extra="").replace(
                "b.location_id AS to_location_id", "CAST(NULL AS bigint) AS to_location_id").replace(
                "CAST(:to AS text) AS to_status", "CAST(NULL AS text) AS to_status"),
                {"lots": lots, "from": "qc_hold"}, key=key, reason=reason or "nonconformance", reference=ref).qty
        elif disposition == Disposition.REWORK:
            wc, op_no = _rework(session, nc, work_center)
        else:
            qty = release(session, actor, nc_id, lots, key=key, reference=ref, reason=reason)
        closed = disposition != Disposition.REWORK  # a rework closes when its operation passes
        session.execute(text(
            "UPDATE nonconformance SET disposition = :d, disposition_reason = :r, signed_by = :by, signed_at = :at,"
            " meaning = :m, status = CASE WHEN :closed THEN 'closed' ELSE 'open' END,"
            " closed_at = CASE WHEN :closed THEN :at END WHERE id = :n"),
            {"d": str(disposition), "r": reason, "by": signature.operator_id, "at": signature.signed_at,
             "m": signature.meaning, "closed": closed, "n": nc_id})
        return {"id": nc_id, "disposition": str(disposition), "status": "closed" if closed else "open", "qty": qty,
                "work_center": wc, "op_no": op_no, **signature.as_record()}

    return Disposed.of(run_operation(db, actor, key=key, kind="nc.dispose", permission="nc.dispose",
                                     payload={"nc": nc_id, "disposition": str(disposition), "reason": reason,
                                              "work_center": work_center}, body=body,
                                     audit_entity="nonconformance", audit_key=str(nc_id), reason=reason).data)


def close_rework(session: Session, actor: Actor, nc_id: int, *, key: str) -> None:
    """The rework operation of `nc_id` finished: the nonconformance closes and its stock is released, unless
    another open one (raised by this rework's own failed check) still holds it."""
    nc = session.execute(text("UPDATE nonconformance SET status = 'closed', closed_at = :at WHERE id = :n"
                              " AND status = 'open' RETURNING id, lot_id, work_order_id"),
                         {"n": nc_id, "at": datetime.now(UTC)}).first()
    if nc is not None:
        release(session, actor, nc_id, _lot_ids(session, nc.lot_id, nc.work_order_id), key=key,
                reference=f"NC {nc_id}", reason="rework passed")
