"""The soak's factory: one warehouse, a BOM, a customer order big enough to ship into for the whole run."""

from __future__ import annotations

from sqlalchemy import text

from core.db import Database

TERMINAL_ROLES = ["clerk", "supervisor"]


def seed(db: Database, terminals: int) -> None:
    """Master data and operators T0..Tn (set-based, idempotent)."""
    with db.uow() as uow:
        s = uow.session
        s.execute(text("INSERT INTO warehouse (code, name) VALUES ('W', 'Soak') ON CONFLICT DO NOTHING"))
        s.execute(text("""
            INSERT INTO location (warehouse_id, code, kind, pick_sequence, line)
            SELECT w.id, v.code, v.kind, v.seq, v.line FROM warehouse w, (VALUES
              ('DOCK', 'dock', 0, NULL), ('QA', 'quarantine', 1, NULL), ('LS-1', 'line_side', 90, 'L1'),
              ('SHIP', 'shipping', 99, NULL)) AS v(code, kind, seq, line)
            WHERE w.code = 'W' ON CONFLICT DO NOTHING"""))
        s.execute(text("""
            INSERT INTO location (warehouse_id, code, kind, pick_sequence)
            SELECT w.id, 'S-' || lpad(g::text, 2, '0'), 'storage', 10 + g FROM warehouse w, generate_series(1, 30) g
            WHERE w.code = 'W' ON CONFLICT DO NOTHING"""))
        s.execute(text("""
            INSERT INTO item (sku, name, uom, tracking, abc) VALUES ('RAW-1', 'Raw lot-tracked', 'EA', 'lot', 'A'),
              ('RAW-2', 'Raw untracked', 'EA', 'none', 'C'), ('FG-1', 'Finished good', 'EA', 'lot', 'B')
            ON CONFLICT DO NOTHING"""))
        s.execute(text("""
            INSERT INTO bom_line (parent_item_id, component_item_id, qty_per)
            SELECT p.id, c.id, v.q FROM (VALUES ('RAW-1', 1), ('RAW-2', 2)) v(sku, q)
            JOIN item c ON c.sku = v.sku JOIN item p ON p.sku = 'FG-1' ON CONFLICT DO NOTHING"""))
        s.execute(text("INSERT INTO supplier (code, name) VALUES ('SUP', 'Supplier') ON CONFLICT DO NOTHING"))
        s.execute(text("INSERT INTO customer (code, name) VALUES ('CUS', 'Customer') ON CONFLICT DO NOTHING"))
        s.execute(text("""
            INSERT INTO so_line (so_number, line_no, customer_id, item_id, qty)
            SELECT 'SO-SOAK', 1, c.id, i.id, 100000000 FROM customer c, item i WHERE c.code = 'CUS' AND i.sku = 'FG-1'
            ON CONFLICT DO NOTHING"""))
        s.execute(text("""
            INSERT INTO operator (badge, name, roles) SELECT 'T' || g, 'Terminal ' || g, CAST(:roles AS varchar[])
            FROM generate_series(0, :n - 1) g ON CONFLICT DO NOTHING"""), {"n": terminals, "roles": TERMINAL_ROLES})
        uow.commit()
