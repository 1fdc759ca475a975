"""The small plant: the sample files in core/demo_data, loaded set-based; opening stock through the ledger."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.permissions import Actor
from core.services.auth import hash_pin
from core.services.ledger import Leg, apply_legs

DATA = Path(__file__).resolve().parents[2] / "demo_data"


def rows(name: str) -> list[dict]:
    with (DATA / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v.strip() or None) for k, v in r.items()} for r in csv.DictReader(fh)]


def _master(s: Session) -> None:
    s.execute(text("INSERT INTO warehouse (code, name) VALUES (:code, :name)"), rows("warehouses"))
    s.execute(text("INSERT INTO location (warehouse_id, code, kind, zone, capacity_lots, pick_sequence, line)"
                   " SELECT w.id, :code, :kind, :zone, CAST(:capacity_lots AS integer),"
                   " coalesce(CAST(:pick_sequence AS integer), 0), :line FROM warehouse w WHERE w.code = :warehouse"),
              rows("locations"))
    for table in ("suppliers", "customers"):
        s.execute(text(f"INSERT INTO {table[:-1]} (code, name) VALUES (:code, :name)"), rows(table))
    s.execute(text(
        "INSERT INTO item (sku, name, uom, tracking, shelf_life_days, gtin, safety_stock, reorder_qty, abc, unit_cost,"
        " qc_required, home_location_id) VALUES (:sku, :name, :uom, coalesce(:tracking, 'lot'),"
        " CAST(:shelf_life_days AS integer), :gtin, coalesce(CAST(:safety_stock AS numeric), 0),"
        " coalesce(CAST(:reorder_qty AS numeric), 0), :abc, coalesce(CAST(:unit_cost AS numeric), 0),"
        " coalesce(CAST(:qc_required AS boolean), false),"
        " (SELECT id FROM location WHERE code = :home_location ORDER BY id LIMIT 1))"), rows("items"))
    s.execute(text("INSERT INTO operator (badge, name, roles, pin_hash) VALUES (:badge, :name, :roles, :pin_hash)"),
              [{**r, "roles": r["roles"].split("|"), "pin_hash": hash_pin(r["pin"])} for r in rows("operators")])
    s.execute(text("INSERT INTO bom_line (parent_item_id, component_item_id, qty_per, scrap_pct)"
                   " SELECT p.id, c.id, CAST(:qty_per AS numeric), coalesce(CAST(:scrap_pct AS numeric), 0)"
                   " FROM item p, item c WHERE p.sku = :parent_sku AND c.sku = :component_sku"), rows("boms"))
    s.execute(text("UPDATE bom_line SET backflush = true WHERE component_item_id = (SELECT id FROM item"
                   " WHERE sku = 'GLUE-01')"))  # conformal coating is consumed by the kilo, backflushed at output


def _orders(s: Session) -> None:
    s.execute(text("INSERT INTO po_line (po_number, line_no, supplier_id, item_id, qty, due_date)"
                   " SELECT :po_number, CAST(:line_no AS integer), sp.id, i.id, CAST(:qty AS numeric),"
                   " CAST(:due_date AS date) FROM supplier sp, item i WHERE sp.code = :supplier AND i.sku = :sku"),
              rows("purchase-orders"))
    s.execute(text("INSERT INTO work_order (wo_number, item_id, qty, due_date, line, priority)"
                   " SELECT :wo_number, i.id, CAST(:qty AS numeric), CAST(:due_date AS date), :line,"
                   " coalesce(CAST(:priority AS integer), 0) FROM item i WHERE i.sku = :sku"), rows("work-orders"))
    s.execute(text("INSERT INTO so_line (so_number, line_no, customer_id, item_id, qty, due_date)"
                   " SELECT :so_number, CAST(:line_no AS integer), c.id, i.id, CAST(:qty AS numeric),"
                   " CAST(:due_date AS date) FROM customer c, item i WHERE c.code = :customer AND i.sku = :sku"),
              rows("sales-orders"))


def _stock(s: Session, actor: Actor) -> None:
    """Opening balances through the ledger (kind `opening`), lots created with supplier, expiry, receipt time."""
    legs = []
    for r in rows("stock"):
        ids = s.execute(text("SELECT i.id AS item, l.id AS loc, sp.id AS sup FROM item i, location l"
                             " JOIN warehouse w ON w.id = l.warehouse_id LEFT JOIN supplier sp ON sp.code = :supplier"
                             " WHERE i.sku = :sku AND l.code = :location AND w.code = :warehouse"), r).first()
        lot_id = None
        if r["lot"]:
            lot_id = s.execute(text("INSERT INTO lot (item_id, lot_no, supplier_id, expiry, received_at) VALUES"
                                    " (:i, :n, :s, CAST(:e AS date), CAST(:at AS timestamptz)) RETURNING id"),
                               {"i": ids.item, "n": r["lot"], "s": ids.sup, "e": r["expiry"],
                                "at": r["received_at"]}).scalar()
        legs.append(Leg(ids.item, lot_id, Decimal(r["qty"]), to_location_id=ids.loc,
                        to_status=r["status"] or "available"))
    apply_legs(s, actor, "opening", legs, key="demo:opening", reason="demo opening balances")


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


def load(db: Database, actor: Actor) -> None:
    """The whole small plant in one transaction."""
    with db.uow() as uow:
        _master(uow.session)
        _orders(uow.session)
        _stock(uow.session, actor)
        _a_lot_waiting_for_qc(uow.session, actor)
        uow.commit()
