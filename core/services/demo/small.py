"""The small plant: the files in core/demo_data, loaded through the import service like a customer's own files.

Each kind is one `run_import` (its own transaction, in dependency order); opening stock therefore goes through the
ledger as kind `opening`. The files are the contract's samples, so what they leave out comes last: GLUE-01 is
backflushed, the finished good (CTRL-100) is stocked in FG and everything else in RM (purchase orders receive in
RM, sales orders ship from FG), and a lot already waits for QC on the dock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InvalidInput
from core.permissions import Actor
from core.services import audit
from core.services.imports import KINDS, run_import
from core.services.ledger import Leg, apply_legs

DATA = Path(__file__).resolve().parents[2] / "demo_data"


def files() -> list[tuple[str, Path]]:
    """(kind, file) for every import kind the demo ships, in the import service's dependency order."""
    return [(kind, DATA / f"{kind}.csv") for kind in KINDS if (DATA / f"{kind}.csv").exists()]


def _import_all(db: Database, actor: Actor, say) -> dict[str, int]:
    rows = {}
    for kind, path in files():
        say(kind)
        summary = run_import(db, actor, kind, path)
        if summary.errors:  # the shipped files are tested; this guards a hand-edited installation
            e = summary.errors[0]
            raise InvalidInput("Demo file {file}, row {row}, {column}: {message}", file=path.name, row=e.row,
                               column=e.column, message=e.message)
        rows[kind] = summary.rows
    return rows


def _backflush(s: Session) -> None:
    s.execute(text("UPDATE bom_line SET backflush = true WHERE component_item_id = (SELECT id FROM item"
                   " WHERE sku = 'GLUE-01')"))  # conformal coating is consumed by the kilo, backflushed at output


def _warehouses(s: Session) -> None:
    """Finished goods live in FG (putaway takes them there from the line), the rest in RM."""
    s.execute(text("UPDATE item SET warehouse_id = (SELECT id FROM warehouse WHERE code ="
                   " CASE WHEN sku = 'CTRL-100' THEN 'FG' ELSE 'RM' END)"))
    s.execute(text("UPDATE po_line SET warehouse_id = (SELECT id FROM warehouse WHERE code = 'RM')"))
    s.execute(text("UPDATE so_line SET warehouse_id = (SELECT id FROM warehouse WHERE code = 'FG')"))


def _a_lot_waiting_for_qc(s: Session, actor: Actor) -> None:
    """Part of PO-24001 already arrived: PCB lot on the dock in QC hold (for the QC and putaway screens)."""
    now = datetime.now(UTC) - timedelta(hours=3)
    item, dock, sup = s.execute(text(
        "SELECT (SELECT id FROM item WHERE sku = 'PCB-100'), (SELECT id FROM location WHERE code = 'DOCK-RM'),"
        " (SELECT id FROM supplier WHERE code = 'SUP-PCB')")).one()
    lot = s.execute(text("INSERT INTO lot (item_id, lot_no, supplier_id, received_at, qc_status) VALUES"
                         " (:i, 'P2611-07', :s, :at, 'pending') RETURNING id"),
                    {"i": item, "s": sup, "at": now}).scalar()
    apply_legs(s, actor, "receipt", [Leg(item, lot, Decimal(120), to_location_id=dock, to_status="qc_hold")],
               key="demo:receipt", reference="PO-24001")
    line = s.execute(text("UPDATE po_line SET received_qty = 120, status = 'partly_received' WHERE po_number ="
                          " 'PO-24001' AND line_no = 1 RETURNING id")).scalar()
    s.execute(text("INSERT INTO receipt (operation_key, po_line_id, supplier_id, item_id, lot_id, qty, location_id,"
                   " status, operator_id, terminal, received_at) VALUES ('demo:receipt', :pl, :s, :i, :l, 120, :d,"
                   " 'qc_hold', :op, :t, :at)"),
              {"pl": line, "s": sup, "i": item, "l": lot, "d": dock, "op": actor.operator_id, "t": actor.terminal,
               "at": now})


def load(db: Database, actor: Actor, progress=None) -> dict[str, int]:
    """Import every demo file, then the finishing touches in one transaction; returns data rows per kind."""
    rows = _import_all(db, actor, progress or (lambda _msg: None))
    with db.uow() as uow:
        _backflush(uow.session)
        _warehouses(uow.session)
        _a_lot_waiting_for_qc(uow.session, actor)
        # Last: the audit chain covers the receipt just posted (every movement is in the chain, `check`)
        audit.record(uow.session, actor, "demo.small", "demo", "small", new=rows)
        uow.commit()
    return rows
