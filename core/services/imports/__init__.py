"""`lineside import`: clean, validate and upsert a CSV/XLSX file, all or nothing (or good rows + rejects file).

Rows stream from the file through the cleaners straight into a temporary table by COPY; references are then
checked in SQL against it, and one set-based upsert per kind writes what is good. Nothing is written unless
every row is good, or `rejects` is given (then bad rows go to that CSV with an `error` column).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import InvalidInput
from core.i18n import _, pgettext
from core.permissions import Actor, require
from core.services import audit, csv_out, replenishment
from core.services.auth import hash_pin, validate_pin
from core.services.imports import changes, reading
from core.services.imports import stock as stock_writer
from core.services.imports.fields import MAX_TEXT, FieldError
from core.services.imports.specs import SPECS, UPDATES, Spec

KINDS = ("warehouses", "locations", "suppliers", "customers", "items", "operators", "stock", "line-stock", "boms",
         "work-centers", "qc-plans", "downtime-reasons", "routings", "purchase-orders", "work-orders",
         "sales-orders", "packagings", "asn")


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row; 0 = the header
    column: str
    message: str


@dataclass
class ImportSummary:
    kind: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first MAX_ERRORS, by row and column
    errors_total: int = 0


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class _Cleaner:
    """Cleans one row of a file with a given header: the text of every column of the spec (as COPY takes it,
    None for empty) and the row's errors. The per-column plan is worked out once per file, so a row costs the
    parsers and little else."""

    def __init__(self, spec: Spec, header: list[str]):
        where = {h: i for i, h in enumerate(header)}
        self.width = len(header)
        # a column the file lacks is the same in every row: its default (the header check has refused a file
        # without a required column)
        self.template = [None if spec.defaults.get(col) is None else _as_text(spec.defaults[col])
                         for col in spec.columns]
        self.plan = [(slot, where[col], col, spec.required.get(col) or spec.optional[col], col in spec.required)
                     for slot, col in enumerate(spec.columns) if col in where]
        self.pin = spec.columns.index("pin") if spec.kind == "operators" else None

    def __call__(self, raw: list[str], n: int) -> tuple[list[str | None], list[RowError]]:
        texts = self.template.copy()
        errors: list[RowError] = []
        width = self.width
        if len(raw) != width:
            if len(raw) > width and any(c.strip() for c in raw[width:]):
                errors.append(RowError(n, f"#{width + 1}", _("More cells than columns in the header")))
            raw = raw + [""] * (width - len(raw))
        for slot, at, col, parser, required in self.plan:
            cell = raw[at]
            if type(cell) is not str and isinstance(cell, reading.Uncomputed):
                errors.append(RowError(n, col, _("A formula without a computed value: {formula}").format(
                    formula=cell[:40])))
                texts[slot] = None
                continue
            cell = cell.strip()
            if not cell:
                if required:
                    errors.append(RowError(n, col, pgettext("import error", "Required")))
                continue  # None, or the column's default: a stated default and an omitted one are the same key
            if "\x00" in cell:
                errors.append(RowError(n, col, _("Contains a NUL character")))
                texts[slot] = None
                continue
            if len(cell) > MAX_TEXT:
                errors.append(RowError(n, col, _("Longer than {n} characters").format(n=MAX_TEXT)))
                texts[slot] = None
                continue
            try:
                value = parser(cell)
            except FieldError as exc:
                errors.append(RowError(n, col, str(exc)))
                texts[slot] = None
                continue
            texts[slot] = value if type(value) is str else _as_text(value)
        if self.pin is not None and texts[self.pin]:
            try:
                # The base rule only: the contract's sample operators carry 4-digit supervisor PINs, so a privileged
                # role's longer minimum is enforced where a PIN is set (`operator set-pin`), not on import.
                validate_pin(texts[self.pin])
            except InvalidInput as exc:
                errors.append(RowError(n, "pin", str(exc)))
            else:
                texts[self.pin] = hash_pin(texts[self.pin])  # hashed on import, never stored
        return texts, errors


def _header_errors(spec: Spec, header: list[str]) -> list[RowError]:
    errors = [RowError(0, h, _("Unknown column")) for h in header if h not in spec.columns]
    errors += [RowError(0, c, _("Missing column")) for c in spec.required if c not in header]
    seen: set[str] = set()
    for h in header:
        if h in seen:
            errors.append(RowError(0, h, _("Column appears twice")))
        seen.add(h)
    return errors


BATCH = 10_000  # rows per COPY: the cleaning errors of a batch go to imp_err between two COPYs
WORK_MEM = "64MB"  # per sort or hash of this one transaction, on the server
MAX_ERRORS = 1000  # errors kept in the summary (all of them go to the rejects file); the rest are counted


def _raw(cells: list[str]) -> list[str]:
    return [str(c).replace("\x00", "\ufffd") for c in cells]  # PostgreSQL text holds no NUL


def _load(session: Session, spec: Spec, header: list[str], rows, summary: ImportSummary, keep_raw: bool,
          progress: Callable[[int], None] | None) -> None:
    """COPY the rows, in batches, into temp table imp (the cleaned values of good rows; with `keep_raw` every
    row's cells for the rejects file) and their cleaning errors into imp_err. Memory stays bounded: nothing
    of a row outlives its batch."""
    cols = spec.columns
    session.execute(text("CREATE TEMP TABLE imp (_row integer PRIMARY KEY, _ok boolean NOT NULL, _raw text[], "
                         + ", ".join(f'"{c}" text' for c in cols) + ") ON COMMIT DROP"))
    session.execute(text("CREATE TEMP TABLE imp_err (_row integer NOT NULL, col text NOT NULL, msg text NOT NULL)"
                         " ON COMMIT DROP"))
    raw_conn = session.connection().connection.driver_connection
    copy_imp = "COPY imp (_row, _ok, _raw, " + ", ".join(f'"{c}"' for c in cols) + ") FROM STDIN"
    empty = [None] * len(cols)
    clean = _Cleaner(spec, header)
    it = enumerate(rows, start=1)
    done = False
    while not done:
        errors: list[RowError] = []
        with raw_conn.cursor() as cur:
            with cur.copy(copy_imp) as copy:
                taken = 0
                for n, raw in it:
                    if not "".join(raw).strip():
                        continue  # a blank line is no row, but keeps the numbering of the file
                    summary.rows += 1
                    values, bad = clean(raw, n)
                    raw_cells = _raw(raw) if keep_raw else None
                    if bad:
                        errors.extend(bad)
                        if keep_raw:
                            copy.write_row([n, False, raw_cells, *empty])
                    else:
                        copy.write_row([n, True, raw_cells, *values])
                    taken += 1
                    if progress and summary.rows % 2000 == 0:
                        progress(summary.rows)
                    if taken >= BATCH:
                        break
                else:
                    done = True
            if errors:
                with cur.copy("COPY imp_err (_row, col, msg) FROM STDIN") as copy:
                    for e in errors:
                        copy.write_row([e.row, e.column, e.message])
    if progress:
        progress(summary.rows)
    session.execute(text("ANALYZE imp"))


def _duplicates(session: Session, spec: Spec) -> None:
    """A natural key seen on an earlier good row: an error on the later one (set-based, in the server: one hash
    aggregate over the file finds the keys seen twice, so a file without any costs no sort). An empty cell is
    NULL, never '', so '' stands for it in the comparison."""
    keys = ", ".join(f"coalesce(\"{k}\", '') AS k{n}" for n, k in enumerate(spec.key))
    same = " AND ".join(f"coalesce(i.\"{k}\", '') = d.k{n}" for n, k in enumerate(spec.key))
    groups = ", ".join(f"k{n}" for n in range(len(spec.key)))
    session.execute(text(
        f"WITH d AS (SELECT {keys}, min(_row) AS first FROM imp WHERE _ok GROUP BY {groups} HAVING count(*) > 1)"
        " INSERT INTO imp_err (_row, col, msg) SELECT i._row, :col, replace(:msg, '{row}', d.first::text)"
        f" FROM imp i JOIN d ON {same} WHERE i._ok AND i._row <> d.first"),
        {"col": spec.key[-1], "msg": _("Same key as row {row}")})
    session.execute(text("UPDATE imp SET _ok = false WHERE _row IN (SELECT _row FROM imp_err)"))


def _failing(exists: str) -> str:
    """The SQL a row that breaks `exists` meets: `NOT EXISTS (q)` becomes `EXISTS (q)`, which the planner runs as
    one semi-join over the file instead of a sub-plan per row; anything else is `NOT (exists)`."""
    if exists.startswith("NOT EXISTS (") and exists.endswith(")"):
        depth = 0
        for i, ch in enumerate(exists[len("NOT EXISTS "):], start=len("NOT EXISTS ")):
            depth += (ch == "(") - (ch == ")")
            if depth == 0:
                if i == len(exists) - 1:
                    return exists[len("NOT "):]
                break
    return f"NOT ({exists})"


def _references(session: Session, spec: Spec) -> None:
    for ref in spec.refs:
        session.execute(text(
            f'INSERT INTO imp_err (_row, col, msg) SELECT i._row, :col, replace(:msg, \'{{value}}\', i."{ref.column}")'
            f' FROM imp i WHERE i._ok AND i."{ref.column}" IS NOT NULL AND {_failing(ref.exists)}'),
            {"col": ref.column, "msg": _(ref.message)})


def _errors(session: Session, summary: ImportSummary) -> None:
    """The first MAX_ERRORS errors by row and column into the summary; all of them counted."""
    summary.errors = [RowError(r._row, r.col, r.msg) for r in session.execute(text(
        "SELECT _row, col, msg FROM imp_err ORDER BY _row, col LIMIT :n"), {"n": MAX_ERRORS})]
    counts = session.execute(text("SELECT count(*), count(DISTINCT _row) FROM imp_err")).one()
    summary.errors_total, summary.rejected = counts[0], counts[1]


def _write(session: Session, spec: Spec, header: list[str], actor: Actor, key: str) -> tuple[int, int]:
    if spec.kind == "stock":
        return stock_writer.write(session, actor, key)
    updates = "".join(f", {sql}" for col, sql in UPDATES.get(spec.kind, {}).items() if col in header)
    flags = [r.inserted for r in session.execute(text(spec.upsert.replace("{updates}", updates)))]
    if spec.kind == "boms":
        _refuse_cycles(session)
    if spec.kind == "line-stock":  # a min set above the balance raises its task at once
        replenishment.evaluate_imported(session)
    return sum(flags), len(flags) - sum(flags)


def _refuse_cycles(session: Session) -> None:
    cycle = session.execute(text("""
        WITH RECURSIVE walk(start, cur, path) AS (
          SELECT parent_item_id, component_item_id, ARRAY[parent_item_id] FROM bom_line
          UNION ALL SELECT w.start, b.component_item_id, w.path || b.parent_item_id
          FROM bom_line b JOIN walk w ON b.parent_item_id = w.cur WHERE NOT b.parent_item_id = ANY(w.path))
        SELECT i.sku FROM walk w JOIN item i ON i.id = w.start WHERE w.cur = w.start LIMIT 1""")).scalar()
    if cycle:
        raise InvalidInput("The BOM has a cycle through {sku}", sku=cycle)


def _write_rejects(session: Session, path: Path, header: list[str]) -> None:
    """The bad rows as read, with an `error` column, streamed from the server (a named cursor) in row order."""
    raw_conn = session.connection().connection.driver_connection
    with path.open("w", newline="", encoding="utf-8") as fh, \
            raw_conn.cursor(name="imp_rejects") as cur:
        writer = csv_out.writer(fh)
        writer.writerow([*header, "error"])
        cur.itersize = 2000
        cur.execute("SELECT i._raw, e.error FROM imp i JOIN (SELECT _row, string_agg(col || ': ' || msg, '; '"
                    " ORDER BY col) AS error FROM imp_err GROUP BY _row) e ON e._row = i._row ORDER BY i._row")
        for raw, error in cur:
            writer.writerow([*(raw or []), error])


def run_import(db: Database, actor: Actor, kind: str, path: Path, *, dry_run: bool = False,
               rejects: Path | None = None, progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Import one file of `kind`; see the module docstring for the all-or-nothing rule."""
    require(actor, "import.run")
    spec = SPECS.get(kind)
    if spec is None:
        raise InvalidInput("Unknown import kind {kind}", kind=kind)
    header, rows = reading.read(Path(path))
    summary = ImportSummary(kind)
    summary.errors = _header_errors(spec, header)
    if summary.errors:
        summary.errors_total = len(summary.errors)
        return summary
    with db.uow() as uow:
        # the file's sorts and hashes (duplicates, lots, balances in key order) in memory, not in temp files
        uow.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
        _load(uow.session, spec, header, rows, summary, rejects is not None, progress)
        _duplicates(uow.session, spec)
        _references(uow.session, spec)
        _errors(uow.session, summary)
        if summary.rejected and rejects is None:
            return summary  # all or nothing: the unit of work rolls back
        if summary.rejected:
            _write_rejects(uow.session, rejects, header)
            uow.execute(text("DELETE FROM imp WHERE _row IN (SELECT _row FROM imp_err)"))
        uow.execute(text("DELETE FROM imp WHERE NOT _ok"))
        key = f"import:{kind}:{uuid.uuid4()}"
        seen = None if dry_run else changes.before(uow.session, spec)
        summary.inserted, summary.updated = _write(uow.session, spec, header, actor, key)
        if dry_run:
            return summary  # counted, then rolled back
        audit.record(uow.session, actor, f"import.{kind}", "import", Path(path).name,
                     new={"rows": summary.rows, "inserted": summary.inserted, "updated": summary.updated,
                          "rejected": summary.rejected, **changes.after(uow.session, spec, seen, key, path)})
        uow.commit()
    return summary
