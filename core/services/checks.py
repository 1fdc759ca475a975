"""`lineside check`: every invariant of the contract, each one set-based SQL, plus the audit chain."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from core.db import Database
from core.services.audit import verify_chain

LIMIT = 100  # violations listed per check; the count of a failing check is what matters first

# name -> SQL returning one row per violation (as a mapping)
CHECKS: dict[str, str] = {
    "ledger_matches_balances": """
        WITH ledger AS (
          SELECT to_location_id AS location_id, item_id, coalesce(lot_id, 0) AS lot, to_status AS status, qty
          FROM movement WHERE to_location_id IS NOT NULL
          UNION ALL
          SELECT from_location_id, item_id, coalesce(lot_id, 0), from_status, -qty
          FROM movement WHERE from_location_id IS NOT NULL
        ), l AS (SELECT location_id, item_id, lot, status, sum(qty) AS qty FROM ledger GROUP BY 1, 2, 3, 4),
        b AS (SELECT location_id, item_id, coalesce(lot_id, 0) AS lot, status, qty FROM stock_balance)
        SELECT location_id, item_id, nullif(lot, 0) AS lot_id, status, coalesce(l.qty, 0) AS ledger,
               coalesce(b.qty, 0) AS balance
        FROM l FULL JOIN b USING (location_id, item_id, lot, status)
        WHERE coalesce(l.qty, 0) <> coalesce(b.qty, 0)""",
    "no_negative_on_hand": """
        SELECT id AS balance_id, qty FROM stock_balance WHERE qty < 0""",
    "reserved_within_on_hand": """
        SELECT id AS balance_id, qty, reserved FROM stock_balance WHERE reserved < 0 OR reserved > qty""",
    "reservations_match_balances": """
        WITH r AS (SELECT location_id, item_id, coalesce(lot_id, 0) AS lot, sum(qty) AS qty FROM reservation
                   GROUP BY 1, 2, 3),
        b AS (SELECT location_id, item_id, coalesce(lot_id, 0) AS lot, reserved FROM stock_balance
              WHERE status = 'available')
        SELECT location_id, item_id, nullif(lot, 0) AS lot_id, coalesce(r.qty, 0) AS reservations,
               coalesce(b.reserved, 0) AS reserved
        FROM r FULL JOIN b USING (location_id, item_id, lot) WHERE coalesce(r.qty, 0) <> coalesce(b.reserved, 0)""",
    "issued_lots_in_genealogy": """
        SELECT DISTINCT i.work_order_id, i.lot_id FROM wo_issue i
        WHERE i.lot_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM lot o WHERE o.work_order_id = i.work_order_id)
          AND NOT EXISTS (SELECT 1 FROM genealogy g WHERE g.input_lot_id = i.lot_id
                          AND g.work_order_id = i.work_order_id)""",
    "genealogy_acyclic": """
        WITH RECURSIVE walk(start, cur, path, cycle) AS (
          SELECT g.input_lot_id, g.output_lot_id, ARRAY[g.input_lot_id, g.output_lot_id],
                 g.input_lot_id = g.output_lot_id FROM genealogy g
          UNION ALL
          SELECT w.start, g.output_lot_id, w.path || g.output_lot_id, g.output_lot_id = ANY(w.path)
          FROM genealogy g JOIN walk w ON g.input_lot_id = w.cur WHERE NOT w.cycle AND cardinality(w.path) < 64
        )
        SELECT DISTINCT start AS lot_id FROM walk WHERE cycle""",
    "movements_have_operator_and_terminal": """
        SELECT id AS movement_id FROM movement WHERE operator_id IS NULL OR coalesce(terminal, '') = ''""",
}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    violations: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    checks: list[Check]


def run_checks(db: Database) -> CheckReport:
    """Run every check in one read-only snapshot (REPEATABLE READ), so they agree with each other."""
    results: list[Check] = []
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            conn.execute(text("SET TRANSACTION READ ONLY"))
            for name, sql in CHECKS.items():
                rows = [dict(r._mapping) for r in conn.execute(text(f"{sql} LIMIT {LIMIT}"))]
                results.append(Check(name, not rows, rows))
    with db.uow() as uow:
        breaks = verify_chain(uow.session)
    results.append(Check("audit_chain_verifies", not breaks, [{"audit_id": b.id, "problem": b.problem}
                                                                for b in breaks[:LIMIT]]))
    return CheckReport(all(c.ok for c in results), results)
