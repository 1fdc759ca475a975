"""`lineside bench floor moves|import`: the least any implementation of a move or an opening-stock import must
cost on this server, next to the figure its benchmark is held to. It says whether a target is within reach of a
leaner Lineside, or beyond the machine whatever the code.

- **moves**: the rows a ledger move writes, as one plain prepared statement from raw psycopg clients (one
  process each, as `bench moves`): the idempotency key, both balance rows (guarded, locked in key order by one
  UPDATE), the movement, an audit row, and for the chained figure the chain head's row, updated by every move as
  the seal updates `audit_head`. The tables have the product's indexes and foreign keys, but no PL/pgSQL, no
  trigger, no digest of the movements and no SQLAlchemy: every real move costs more. pgbench runs next, with the
  same number of clients, on the same database, as in `bench moves`.
- **import**: the lot, movement and balance rows of the `bench import` file (150,000 lots, 200,000 movements,
  200,000 balances), generated in the server by three INSERT..SELECTs into tables with the product's indexes
  only: no file to parse, no cleaning, no joins, no foreign key, no trigger. Timed against the same raw COPY of
  the same file as `bench import`, so the ratio is the best any import of that file can reach.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import tempfile
import time
from pathlib import Path

import psycopg

from bench.scratch import scratch_database, scratch_url

_MOVE_TABLES = """
CREATE TABLE f_item (id bigint PRIMARY KEY);
CREATE TABLE f_location (id bigint PRIMARY KEY);
CREATE TABLE f_operator (id bigint PRIMARY KEY);
INSERT INTO f_item VALUES (1);
INSERT INTO f_location SELECT generate_series(1, 40);
INSERT INTO f_operator VALUES (1);
CREATE TABLE f_balance (id bigserial PRIMARY KEY, location_id bigint NOT NULL REFERENCES f_location,
  item_id bigint NOT NULL REFERENCES f_item, lot_id bigint, status text NOT NULL, qty numeric NOT NULL,
  reserved numeric NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX ON f_balance (item_id, status);
CREATE INDEX ON f_balance (lot_id);
CREATE UNIQUE INDEX ON f_balance (location_id, item_id, coalesce(lot_id, 0), status);
CREATE TABLE f_operation (key text PRIMARY KEY, kind text NOT NULL, operator_id bigint REFERENCES f_operator,
  terminal text, payload_digest text, result jsonb, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE f_movement (id bigserial PRIMARY KEY, kind text NOT NULL, item_id bigint NOT NULL REFERENCES f_item,
  lot_id bigint, qty numeric NOT NULL, from_location_id bigint REFERENCES f_location, from_status text,
  to_location_id bigint REFERENCES f_location, to_status text, operator_id bigint REFERENCES f_operator,
  terminal text, operation_key text REFERENCES f_operation, batch bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX ON f_movement (created_at);
CREATE INDEX ON f_movement (item_id, lot_id);
CREATE INDEX ON f_movement (operation_key);
CREATE INDEX ON f_movement (batch);
CREATE TABLE f_audit (id bigint PRIMARY KEY, at timestamptz NOT NULL, operator_id bigint REFERENCES f_operator,
  action text NOT NULL, entity_key text, new jsonb, prev_hash text, hash text NOT NULL);
CREATE TABLE f_head (id integer PRIMARY KEY, last_id bigint NOT NULL, hash text NOT NULL);
INSERT INTO f_head VALUES (1, 0, '');
CREATE SEQUENCE f_batch;
CREATE SEQUENCE f_audit_id START 1000000000;  -- past the chained run's ids
INSERT INTO f_balance (location_id, item_id, status, qty) SELECT id, 1, 'available', 1000000 FROM f_location;
"""
# One move: key, both balances (locked in key order, then one UPDATE), the movement, then the audit row, chained
# to the head (which every move updates) or not.
_MOVE = """
WITH k AS (
  INSERT INTO f_operation (key, kind, operator_id, terminal, payload_digest, result)
  VALUES (%(key)s, 'move', 1, 'T', md5(%(key)s), '{"kind": "move", "legs": 1, "qty": "1"}') RETURNING key
), l AS (  -- both rows locked in key order, as the ledger locks them: two terminals never deadlock
  SELECT id FROM f_balance WHERE location_id IN (%(a)s, %(b)s) AND item_id = 1 AND coalesce(lot_id, 0) = 0
    AND status = 'available' ORDER BY location_id FOR UPDATE
), b AS (
  UPDATE f_balance SET qty = qty + CASE WHEN location_id = %(a)s THEN -1 ELSE 1 END, updated_at = now()
  WHERE id IN (SELECT id FROM l) AND (location_id <> %(a)s OR qty >= 1) RETURNING id
), m AS (
  INSERT INTO f_movement (kind, item_id, qty, from_location_id, from_status, to_location_id, to_status,
                          operator_id, terminal, operation_key, batch)
  SELECT 'move', 1, 1, %(a)s, 'available', %(b)s, 'available', 1, 'T', key, nextval('f_batch') FROM k
  WHERE (SELECT count(*) FROM b) = 2 RETURNING id
)"""
_CHAINED = _MOVE + """, h AS (
  UPDATE f_head SET last_id = last_id + 1, hash = encode(sha256(convert_to(hash || %(key)s, 'UTF8')), 'hex')
  WHERE id = 1 AND EXISTS (SELECT 1 FROM m) RETURNING last_id, hash
)
INSERT INTO f_audit (id, at, operator_id, action, entity_key, new, prev_hash, hash)
SELECT last_id, clock_timestamp(), 1, 'move', %(key)s, '{}', '', hash FROM h
"""
_UNCHAINED = _MOVE + """
INSERT INTO f_audit (id, at, operator_id, action, entity_key, new, prev_hash, hash)
SELECT nextval('f_audit_id'), clock_timestamp(), 1, 'move', %(key)s, '{}', '',
       encode(sha256(convert_to(%(key)s, 'UTF8')), 'hex') FROM m
"""


def _terminal(url: str, n: int, sql: str, tag: str, seconds: float, out) -> None:
    """One client process: moves for `seconds`, at least one; sends back (moves, busy seconds) or the error."""
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            rng, done = random.Random(n), 0
            start = time.perf_counter()
            stop_at = time.time() + seconds
            while done == 0 or time.time() < stop_at:
                a, b = rng.sample(range(1, 41), 2)
                conn.execute(sql, {"key": f"{tag}-{n}-{done}", "a": a, "b": b}, prepare=True)
                done += 1
            out.put((done, time.perf_counter() - start))
    except psycopg.Error as exc:
        out.put(f"terminal {n}: {exc}")


def _moves_per_s(url: str, terminals: int, sql: str, tag: str, seconds: float) -> float:
    spawn = mp.get_context("spawn")
    out = spawn.Queue()
    procs = [spawn.Process(target=_terminal, args=(url, n, sql, tag, seconds, out)) for n in range(terminals)]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    failed = [r for r in results if isinstance(r, str)]
    if failed:
        raise RuntimeError(failed[0])
    busy = sum(r[1] for r in results) / terminals
    return sum(r[0] for r in results) / busy


def moves(base_url: str | None = None, terminals: int = 8, seconds: float = 10) -> dict:
    """{"terminals", "floor_moves_per_s", "unchained_moves_per_s", "pgbench_tps", "ratio", "unchained_ratio"}."""
    from bench.moves import _pgbench

    with scratch_url("floor_moves", base_url) as sa_url:
        url = sa_url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(_MOVE_TABLES)
        chained = _moves_per_s(url, terminals, _CHAINED, "c", seconds)
        unchained = _moves_per_s(url, terminals, _UNCHAINED, "u", seconds)
        with psycopg.connect(url, autocommit=True) as conn:
            moved, audited, chained_rows, head, net = conn.execute(
                "SELECT (SELECT count(*) FROM f_movement), count(*), count(*) FILTER (WHERE id < 1000000000),"
                " (SELECT last_id FROM f_head), (SELECT sum(qty) FROM f_balance) FROM f_audit").fetchone()
        # every move wrote its rows, each chained one moved the head once, and no stock was made or lost
        if moved != audited or head != chained_rows or net != 40 * 1_000_000:
            raise RuntimeError(f"floor moves wrote {moved} movements, {audited} audit rows ({chained_rows} chained,"
                               f" head at {head}), {net} on hand")
        tps = _pgbench(sa_url, terminals, seconds)
    return {"terminals": terminals, "floor_moves_per_s": round(chained, 1),
            "unchained_moves_per_s": round(unchained, 1), "pgbench_tps": round(tps, 1),
            "ratio": round(chained / tps, 3) if tps else None,
            "unchained_ratio": round(unchained / tps, 3) if tps else None}


# Plain tables (WAL-logged, as the real ones; a temporary table would not be), created in the timed transaction
# and rolled back with it.
_IMPORT_TABLES = """
CREATE TABLE f_lot (LIKE lot INCLUDING DEFAULTS INCLUDING INDEXES);
CREATE TABLE f_movement (LIKE movement INCLUDING DEFAULTS INCLUDING INDEXES);
CREATE TABLE f_balance (LIKE stock_balance INCLUDING DEFAULTS INCLUDING INDEXES);
"""
# The bench import file's rows (bench.import_.write_file), generated in the server: row g is item 1 + g % items at
# location 1 + (g / items + g) % locations, with lot g unless the item (every fourth) is untracked.
_LOTS = ("INSERT INTO f_lot (item_id, lot_no) SELECT 1 + g % :items, 'L' || lpad(g::text, 7, '0')"
         " FROM generate_series(0, :rows - 1) g WHERE (1 + g % :items) % 4 <> 0")
_MOVEMENTS = ("INSERT INTO f_movement (kind, item_id, lot_id, qty, to_location_id, to_status, operator_id, terminal,"
              " reason, reference, operation_key, batch) SELECT 'opening', 1 + g % :items,"
              " CASE WHEN (1 + g % :items) % 4 <> 0 THEN g END, 1 + g % 500, 1 + (g / :items + g) % :locations,"
              " 'available', 1, 'CLI', 'opening balance import', 'import stock', 'import:stock:floor', 1"
              " FROM generate_series(0, :rows - 1) g")
_BALANCES = ("INSERT INTO f_balance (location_id, item_id, lot_id, status, qty)"
             " SELECT 1 + (g / :items + g) % :locations, 1 + g % :items,"
             " CASE WHEN (1 + g % :items) % 4 <> 0 THEN g END, 'available', 1 + g % 500"
             " FROM generate_series(0, :rows - 1) g ORDER BY 1, 2, 3")


def import_(base_url: str | None = None, rows: int | None = None) -> dict:
    """{"rows", "copy_rows_per_s", "floor_seconds", "lots_s", "movements_s", "balances_s", "ratio"}."""
    from sqlalchemy import text

    from bench import import_ as bench_import
    from core.services.imports import WORK_MEM

    rows = rows or bench_import.ROWS
    args = {"rows": rows, "items": bench_import.ITEMS, "locations": bench_import.LOCATIONS}
    with scratch_database("floor_import", base_url) as db:
        with tempfile.TemporaryDirectory(prefix="lineside-bench-floor-") as tmp:
            copy_s = bench_import._raw_copy(db, bench_import.write_file(Path(tmp) / "stock.csv", rows))
        seconds = {}
        with db.uow() as uow:
            uow.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))  # as the import
            for statement in _IMPORT_TABLES.strip().splitlines():
                uow.execute(text(statement))
            for name, sql in (("lots_s", _LOTS), ("movements_s", _MOVEMENTS), ("balances_s", _BALANCES)):
                start = time.perf_counter()
                uow.execute(text(sql), args)
                seconds[name] = time.perf_counter() - start
            written = [uow.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                       for t in ("f_lot", "f_movement", "f_balance")]
            uow.rollback()
    lots = sum(1 for g in range(rows) if (1 + g % bench_import.ITEMS) % 4 != 0)
    if written != [lots, rows, rows]:
        raise RuntimeError(f"floor import wrote {written} rows of {rows}")
    floor = sum(seconds.values())
    return {"rows": rows, "copy_rows_per_s": round(rows / copy_s), "floor_seconds": round(floor, 2),
            **{k: round(v, 2) for k, v in seconds.items()}, "ratio": round(copy_s / floor, 3)}
