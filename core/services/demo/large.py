"""Generated volume for `--scale large`: 5,000 items, 20,000 locations, 200,000 lots with opening stock.

Everything is INSERT … SELECT over generate_series in one transaction; "random" choices are hashes of
(seed, row number), so the same seed always gives the same plant. Opening stock goes through the ledger's
tables together (one movement per balance, kind `opening`), exactly as the ledger operation writes them.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from core.db import Database
from core.permissions import Actor
from core.services import audit

ITEMS, LOCATIONS, LOTS = 5_000, 20_000, 200_000


def _h(expr: str, mod: int | str) -> str:
    """A deterministic pseudo-random integer in [0, mod) from the seed and `expr` (mod may be a bind param)."""
    return f"(abs(hashtext(:seed || ':' || {expr})) % CAST({mod} AS integer))"


STEPS: list[tuple[str, str]] = [
    ("warehouse", "INSERT INTO warehouse (code, name) VALUES ('BIG', 'Generated warehouse')"),
    ("locations", """
        INSERT INTO location (warehouse_id, code, kind, zone, capacity_lots, pick_sequence)
        SELECT w.id, 'G-' || lpad(g::text, 5, '0'), 'storage', 'G' || (g % 40), 20, 100 + g
        FROM warehouse w, generate_series(1, :locations) g WHERE w.code = 'BIG'"""),
    ("dock", """
        INSERT INTO location (warehouse_id, code, kind, pick_sequence) SELECT id, 'G-DOCK', 'dock', 0
        FROM warehouse WHERE code = 'BIG'"""),
    ("items", f"""
        INSERT INTO item (sku, name, uom, tracking, shelf_life_days, safety_stock, reorder_qty, abc, unit_cost)
        SELECT 'GEN-' || lpad(g::text, 5, '0'), 'Generated item ' || g, 'EA', 'lot',
               CASE WHEN {_h("'life' || g", 3)} = 0 THEN 365 END, {_h("'ss' || g", 200)}, 500,
               (ARRAY['A', 'B', 'C'])[1 + {_h("'abc' || g", 3)}], round(({_h("'cost' || g", 10000)} / 100.0), 2)
        FROM generate_series(1, :items) g"""),
    ("lots", f"""
        INSERT INTO lot (item_id, lot_no, supplier_id, expiry, received_at)
        SELECT i.id, 'GL' || lpad(g::text, 7, '0'), (SELECT min(id) FROM supplier),
               CASE WHEN i.shelf_life_days IS NOT NULL THEN current_date + {_h("'exp' || g", 400)} - 30 END,
               now() - make_interval(days => {_h("'rcv' || g", 365)})
        FROM generate_series(1, :lots) g
        JOIN item i ON i.sku = 'GEN-' || lpad((1 + {_h("'item' || g", ":items")})::text, 5, '0')"""),
    ("opening balances", f"""
        WITH placed AS (
          SELECT lt.id AS lot_id, lt.item_id, l.id AS location_id, 1 + {_h("'qty' || lt.id", 500)} AS qty
          FROM lot lt
          JOIN location l ON l.code = 'G-' || lpad((1 + {_h("'loc' || lt.lot_no", ":locations")})::text, 5, '0')
          WHERE lt.lot_no LIKE 'GL%'
        ), mv AS (
          INSERT INTO movement (kind, item_id, lot_id, qty, to_location_id, to_status, operator_id, terminal, reason,
                                operation_key, batch)
          SELECT 'opening', item_id, lot_id, qty, location_id, 'available', :op, :terminal, 'demo large opening',
                 'demo:large', (SELECT movement_batch()) FROM placed
          RETURNING 1
        )
        INSERT INTO stock_balance (location_id, item_id, lot_id, status, qty)
        SELECT location_id, item_id, lot_id, 'available', qty FROM placed"""),
]


def load(db: Database, actor: Actor, *, seed: int = 1, progress: Callable[[str], None] | None = None,
         items: int = ITEMS, locations: int = LOCATIONS, lots: int = LOTS) -> None:
    """Generate the volume in one transaction (sizes are parameters so tests can use a small one)."""
    say = progress or (lambda _msg: None)
    params = {"seed": str(seed), "items": items, "locations": locations, "lots": lots, "op": actor.operator_id,
              "terminal": actor.terminal}
    with db.uow() as uow:
        for name, sql in STEPS:
            say(name)
            uow.execute(text(sql), params)
        # Last, so the audit chain covers the opening movements written set-based above (their batch).
        audit.record(uow.session, actor, "demo.large", "demo", f"seed {seed}", new={"items": items, "lots": lots})
        uow.commit()
    with db.uow() as uow:
        uow.execute(text("ANALYZE"))
        uow.commit()
