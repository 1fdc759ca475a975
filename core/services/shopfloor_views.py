"""What the shop floor reports: a work order's operations and the nonconformances (CLI `operations`, `nc`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import text

from core.db import Database
from core.errors import NotFound
from core.permissions import Actor, require
from core.results import Result


@dataclass(frozen=True)
class OperationRow(Result):
    """One operation of a work order (contract: `lineside operations --json`)."""

    wo_number: str
    op_no: int
    work_center: str
    status: str
    started_at: datetime | None
    finished_at: datetime | None
    good: Decimal
    scrap: Decimal
    operators: tuple[str, ...]


@dataclass(frozen=True)
class NonconformanceRow(Result):
    """One nonconformance (contract: `lineside nc --json`); `signed_by` is the signer's badge."""

    id: int
    wo_number: str | None
    op_no: int | None
    lot: str | None
    characteristic: str | None
    value: Decimal | None
    reason: str | None
    qty: Decimal | None
    disposition: str | None
    signed_by: str | None
    signed_at: datetime | None


@dataclass(frozen=True)
class WorkCenterView(Result):
    """A work centre as a scan finds it: code, name, line."""

    code: str
    name: str
    line: str | None


def work_center(db: Database, actor: Actor, code: str) -> WorkCenterView:
    """The work centre a scan names (its exact code), or NotFound."""
    require(actor, "stock.view")
    with db.uow() as uow:
        row = uow.execute(text("SELECT code, name, line FROM work_center WHERE code = :c"),
                          {"c": (code or "").strip()}).first()
    if row is None:
        raise NotFound(what=code)
    return WorkCenterView(row.code, row.name, row.line)


# Who worked each operation: every badge that started or finished it, in the order they came.
OPERATORS = ("ARRAY(SELECT p.badge FROM operation_event e JOIN operator p ON p.id = e.operator_id"
             " WHERE e.wo_operation_id = o.id GROUP BY p.badge ORDER BY min(e.at), p.badge)")


def operation_rows(db: Database, actor: Actor, wo_number: str | None = None) -> list[OperationRow]:
    """Operations of one work order, or of every open one (work order, then op_no)."""
    require(actor, "stock.view")
    with db.uow() as uow:
        return [OperationRow(**r._mapping) for r in uow.execute(text(
            f"SELECT wo.wo_number, o.op_no, w.code AS work_center, o.status, o.started_at, o.finished_at, o.good,"
            f" o.scrap, {OPERATORS} AS operators FROM wo_operation o JOIN work_order wo ON wo.id = o.work_order_id"
            " JOIN work_center w ON w.id = o.work_center_id"
            " WHERE (CAST(:wo AS text) IS NULL AND wo.status IN ('released', 'in_progress'))"
            " OR wo.wo_number = :wo ORDER BY wo.wo_number, o.op_no"), {"wo": wo_number})]


def nonconformance_rows(db: Database, actor: Actor, *, include_closed: bool = False) -> list[NonconformanceRow]:
    """Open nonconformances (with `include_closed`, all), oldest first."""
    require(actor, "stock.view")
    with db.uow() as uow:
        return [NonconformanceRow(**r._mapping) for r in uow.execute(text(
            "SELECT n.id, wo.wo_number, o.op_no, l.lot_no AS lot, n.characteristic, n.value, n.reason, n.qty,"
            " n.disposition, s.badge AS signed_by, n.signed_at FROM nonconformance n"
            " LEFT JOIN work_order wo ON wo.id = n.work_order_id LEFT JOIN wo_operation o ON o.id = n.wo_operation_id"
            " LEFT JOIN lot l ON l.id = n.lot_id LEFT JOIN operator s ON s.id = n.signed_by"
            " WHERE :all OR n.status = 'open' ORDER BY n.id"), {"all": include_closed})]
