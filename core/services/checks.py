"""`lineside check`: every invariant of the contract, each one set-based SQL, plus the audit chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.i18n import _
from core.permissions import Actor, require
from core.roles import violations
from core.services import anchors
from core.services.audit import verify_chain

LIMIT = 100  # violations listed per check; the count of a failing check is what matters first


@dataclass(frozen=True)
class Invariant:
    name: str
    sql: str  # one row per violation, columns naming what is wrong
    tables: tuple[str, ...] = ()  # while one is absent (an older schema) the check passes with nothing to see


# The genealogy's shape, in one place: genealogy(input_lot_id -> output_lot_id, work_order_id, qty); production
# links every lot issued to a work order to each output lot it reports afterwards (backflush: same transaction).
GENEALOGY_ISSUED = """
    SELECT DISTINCT w.wo_number AS work_order, il.lot_no AS issued_lot, ol.lot_no AS output_lot
    FROM wo_issue i
    JOIN lot ol ON ol.work_order_id = i.work_order_id
    JOIN work_order w ON w.id = i.work_order_id
    JOIN lot il ON il.id = i.lot_id
    WHERE i.created_at <= (SELECT min(m.created_at) FROM movement m  -- server clock on both sides
                           WHERE m.kind = 'output' AND m.item_id = ol.item_id AND m.lot_id = ol.id)
      AND NOT EXISTS (SELECT 1 FROM genealogy g WHERE g.input_lot_id = i.lot_id AND g.output_lot_id = ol.id
                      AND g.work_order_id = i.work_order_id)"""

# Ids only grow along a chain of links with input id < output id, so every cycle holds a link that goes
# backwards (input id > output id). Production makes its output lots after their inputs, so such links are rare:
# walk down from each (deduplicated, so a cycle ends the walk), keep the lots that come back to themselves, and
# name every lot of their cycles (reachable both ways).
GENEALOGY_ACYCLIC = """
    WITH RECURSIVE down(start, cur) AS (
      SELECT input_lot_id, output_lot_id FROM genealogy WHERE input_lot_id > output_lot_id
      UNION
      SELECT d.start, g.output_lot_id FROM down d JOIN genealogy g ON g.input_lot_id = d.cur
    ), closing AS (SELECT start FROM down WHERE cur = start),
    up(start, cur) AS (
      SELECT start, start FROM closing
      UNION
      SELECT u.start, g.input_lot_id FROM up u JOIN genealogy g ON g.output_lot_id = u.cur
    )
    SELECT DISTINCT l.lot_no AS lot, i.sku FROM down d JOIN up u USING (start, cur)
    JOIN lot l ON l.id = d.cur JOIN item i ON i.id = l.item_id"""

# A count adjustment names its line (`count line <id>`, counting.line_reference). What a line's movements post at
# its location must be what the line says it posted, and a posted or approved line has posted exactly its
# variance: counted less the book recorded at the moment of the count. A count movement naming no line (or
# another item or lot than its line's) is a hand-made adjustment.
COUNT_VARIANCE = """
    WITH m AS (
      SELECT id, item_id, lot_id, qty, from_location_id, to_location_id,
             CASE WHEN reference ~ '^count line [0-9]{1,18}$' THEN CAST(substr(reference, 12) AS bigint) END AS line_id
      FROM movement WHERE kind = 'count'
    ), posted AS (
      SELECT c.id, sum(CASE WHEN m.to_location_id = t.location_id THEN m.qty ELSE 0 END)
                 - sum(CASE WHEN m.from_location_id = t.location_id THEN m.qty ELSE 0 END) AS qty
      FROM count_line c JOIN count_task t ON t.id = c.task_id
      JOIN m ON m.line_id = c.id AND m.item_id = c.item_id AND m.lot_id IS NOT DISTINCT FROM c.lot_id
      GROUP BY c.id
    )
    SELECT l.code AS location, i.sku, lt.lot_no AS lot, c.id AS count_line, NULL AS movement_id, c.status,
           c.counted_qty AS counted, c.expected_qty AS book, coalesce(p.qty, 0) AS adjusted
    FROM count_line c JOIN count_task t ON t.id = c.task_id JOIN location l ON l.id = t.location_id
    JOIN item i ON i.id = c.item_id LEFT JOIN lot lt ON lt.id = c.lot_id LEFT JOIN posted p ON p.id = c.id
    WHERE coalesce(p.qty, 0) <> c.adjusted_qty
       OR (c.status IN ('posted', 'approved') AND c.adjusted_qty <> c.counted_qty - c.expected_qty)
    UNION ALL
    SELECT coalesce(tl.code, fl.code), i.sku, lt.lot_no, m.line_id, m.id, NULL, NULL, NULL, m.qty
    FROM m JOIN item i ON i.id = m.item_id LEFT JOIN lot lt ON lt.id = m.lot_id
    LEFT JOIN location tl ON tl.id = m.to_location_id LEFT JOIN location fl ON fl.id = m.from_location_id
    WHERE NOT EXISTS (SELECT 1 FROM count_line c WHERE c.id = m.line_id AND c.item_id = m.item_id
                      AND c.lot_id IS NOT DISTINCT FROM m.lot_id)"""

# Every movement's batch is covered by exactly one audit row holding the batch's digest (sealed into its hash,
# which the chain check recomputes): an edited, added or removed movement differs from what the chain holds.
# The digest is movement_digest()'s expression (core/sql/movement_digest.sql), here grouped for every batch.
MOVEMENTS_IN_CHAIN = """
    WITH mv AS (
      SELECT batch, count(*) AS movements, min(id) AS first_movement,
             encode(sha256(convert_to(string_agg(movement_line(m), E'\\n' ORDER BY m.id), 'UTF8')), 'hex') AS digest
      FROM movement m GROUP BY batch
    ), au AS (
      SELECT movement_batch AS batch, min(id) AS audit_id, count(*) AS claims, min(movements) AS digest
      FROM audit_log WHERE movement_batch IS NOT NULL GROUP BY movement_batch
    )
    SELECT coalesce(mv.batch, au.batch) AS batch, mv.first_movement AS movement_id, mv.movements, au.audit_id,
           CASE WHEN au.batch IS NULL THEN 'movements no audit row covers'
                WHEN mv.batch IS NULL THEN 'covered movements are gone'
                WHEN au.claims > 1 THEN 'a batch covered twice'
                ELSE 'movements differ from what the audit chain holds' END AS problem
    FROM mv FULL JOIN au ON au.batch = mv.batch
    WHERE au.batch IS NULL OR (mv.batch IS NULL AND au.digest IS NOT NULL) OR au.claims > 1
       OR au.digest IS DISTINCT FROM mv.digest"""

INVARIANTS: tuple[Invariant, ...] = (
    Invariant("ledger_matches_balances", """
        WITH ledger AS (
          SELECT to_location_id AS location_id, item_id, coalesce(lot_id, 0) AS lot, to_status AS status, qty
          FROM movement WHERE to_location_id IS NOT NULL
          UNION ALL
          SELECT from_location_id, item_id, coalesce(lot_id, 0), from_status, -qty
          FROM movement WHERE from_location_id IS NOT NULL
        ), l AS (SELECT location_id, item_id, lot, status, sum(qty) AS qty FROM ledger GROUP BY 1, 2, 3, 4),
        b AS (SELECT location_id, item_id, coalesce(lot_id, 0) AS lot, status, qty FROM stock_balance),
        d AS (SELECT location_id, item_id, lot, status, coalesce(l.qty, 0) AS ledger, coalesce(b.qty, 0) AS balance
              FROM l FULL JOIN b USING (location_id, item_id, lot, status)
              WHERE coalesce(l.qty, 0) <> coalesce(b.qty, 0))
        SELECT c.code AS location, i.sku, t.lot_no AS lot, d.status, d.ledger, d.balance
        FROM d JOIN location c ON c.id = d.location_id JOIN item i ON i.id = d.item_id
        LEFT JOIN lot t ON t.id = nullif(d.lot, 0)"""),
    Invariant("no_negative_on_hand", """
        SELECT c.code AS location, i.sku, t.lot_no AS lot, b.status, b.qty
        FROM stock_balance b JOIN location c ON c.id = b.location_id JOIN item i ON i.id = b.item_id
        LEFT JOIN lot t ON t.id = b.lot_id WHERE b.qty < 0"""),
    Invariant("reserved_within_on_hand", """
        SELECT c.code AS location, i.sku, t.lot_no AS lot, b.status, b.qty, b.reserved
        FROM stock_balance b JOIN location c ON c.id = b.location_id JOIN item i ON i.id = b.item_id
        LEFT JOIN lot t ON t.id = b.lot_id WHERE b.reserved < 0 OR b.reserved > b.qty"""),
    Invariant("reservations_match_balances", """
        WITH r AS (SELECT location_id, item_id, coalesce(lot_id, 0) AS lot, sum(qty) AS qty FROM reservation
                   GROUP BY 1, 2, 3),
        b AS (SELECT location_id, item_id, coalesce(lot_id, 0) AS lot, reserved FROM stock_balance
              WHERE status = 'available'),
        d AS (SELECT location_id, item_id, lot, coalesce(r.qty, 0) AS reservations, coalesce(b.reserved, 0) AS reserved
              FROM r FULL JOIN b USING (location_id, item_id, lot) WHERE coalesce(r.qty, 0) <> coalesce(b.reserved, 0))
        SELECT c.code AS location, i.sku, t.lot_no AS lot, d.reservations, d.reserved
        FROM d JOIN location c ON c.id = d.location_id JOIN item i ON i.id = d.item_id
        LEFT JOIN lot t ON t.id = nullif(d.lot, 0)""", ("reservation",)),
    Invariant("issued_lots_in_genealogy", GENEALOGY_ISSUED, ("genealogy", "wo_issue", "work_order")),
    Invariant("genealogy_acyclic", GENEALOGY_ACYCLIC, ("genealogy",)),
    Invariant("serial_unique", """
        SELECT t.lot_no AS serial, i.sku, count(*) AS places, sum(b.qty) AS qty,
               string_agg(c.code, ', ' ORDER BY c.code) AS locations
        FROM stock_balance b JOIN item i ON i.id = b.item_id AND i.tracking = 'serial'
        JOIN lot t ON t.id = b.lot_id JOIN location c ON c.id = b.location_id
        WHERE b.qty > 0 GROUP BY t.lot_no, i.sku HAVING count(*) > 1 OR sum(b.qty) > 1"""),
    Invariant("movements_have_operator_and_terminal", """
        SELECT id AS movement_id, kind, operator_id, terminal FROM movement
        WHERE operator_id IS NULL OR coalesce(btrim(terminal), '') = ''"""),
    Invariant("count_variance", COUNT_VARIANCE, ("count_line", "count_task")),
    Invariant("movements_in_audit_chain", MOVEMENTS_IN_CHAIN, ("movement_batch_seq",)),  # from 0017 on
)
AUDIT_CHAIN = "audit_chain_verifies"
RUNTIME_ROLE = "runtime_role_cannot_alter"  # the role connected now can change no schema and no history
AUDIT_ANCHORS = "audit_anchors"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    violations: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    checks: list[Check]


def run_checks(db: Database, actor: Actor | None = None, anchors_path: Path | None = None) -> CheckReport:
    """Run every check in one read-only snapshot (REPEATABLE READ), so they agree with each other.

    With an acting operator, `check.run` is required (tests and the soak harness check as the system itself).
    The chain is held to the anchors recorded in `anchors_path` (default LINESIDE_HOME/audit-anchors.jsonl)."""
    if actor is not None:
        require(actor, "check.run")
    results: list[Check] = []
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            conn.execute(text("SET TRANSACTION READ ONLY"))
            present = set(conn.execute(text(
                "SELECT t FROM unnest(CAST(:ts AS text[])) t WHERE to_regclass(t) IS NOT NULL"),
                {"ts": sorted({t for inv in INVARIANTS for t in inv.tables})}).scalars())
            for inv in INVARIANTS:
                if not set(inv.tables) <= present:
                    results.append(Check(inv.name, True, []))
                    continue
                rows = [dict(r._mapping) for r in conn.execute(text(f"{inv.sql}\nLIMIT {LIMIT}"))]
                results.append(Check(inv.name, not rows, rows))
            breaks, unheld = [], []
            if conn.execute(text("SELECT to_regclass('audit_head')")).scalar():  # a database at head
                with Session(bind=conn) as session:  # the same snapshot as the SQL checks
                    breaks = verify_chain(session)
                    unheld = anchors.hold(session, anchors_path or anchors.anchors_file())
            rights = violations(conn)
    results.append(Check(AUDIT_CHAIN, not breaks, [{"audit_id": b.id, "problem": b.problem}
                                                   for b in breaks[:LIMIT]]))
    results.append(Check(AUDIT_ANCHORS, not unheld, unheld[:LIMIT]))
    results.append(Check(RUNTIME_ROLE, not rights, [{"problem": p} for p in rights]))
    return CheckReport(all(c.ok for c in results), results)


def title(name: str) -> str:
    """What a check verifies, in the operator's language."""
    titles = {
        "ledger_matches_balances": _("On-hand equals the sum of its ledger"),
        "serial_unique": _("A serial is on hand in one place, qty 1"),
        "no_negative_on_hand": _("No negative on-hand"),
        "reserved_within_on_hand": _("Reserved between zero and on-hand"),
        "reservations_match_balances": _("Reservations add up to reserved stock"),
        "issued_lots_in_genealogy": _("Every issued lot is in its output's genealogy"),
        "genealogy_acyclic": _("The genealogy has no cycles"),
        "movements_have_operator_and_terminal": _("Every movement has an operator and terminal"),
        "count_variance": _("Every count adjustment is the counted less the book at the count"),
        "movements_in_audit_chain": _("Every movement is covered by the audit chain"),
        AUDIT_CHAIN: _("The audit chain verifies"),
        RUNTIME_ROLE: _("The runtime role cannot alter the schema, the ledger or the audit"),
        AUDIT_ANCHORS: _("The audit chain holds every anchor recorded"),
    }
    return titles.get(name, name)
