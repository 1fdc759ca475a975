"""Worker-side calls of the putaway and QC screens: a lot scan -> the lot, a location scan -> the posting."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import InvalidInput
from core.reasons import QcFailReason
from core.scan import ScanResult, classify
from core.services import putaway, qc
from core.services.stock import StockRow, stock_rows


def lot_of(scan: ScanResult) -> tuple[str, str | None]:
    """(lot number, sku) of a lot label or a bare lot number; a one-line refusal for anything else."""
    if scan.kind == "lot":
        return scan.code, scan.sku if scan.candidates == 1 else None
    if scan.kind == "gs1" and (scan.lot or scan.serial):
        return scan.lot or scan.serial, scan.sku
    if scan.kind == "unknown":
        raise InvalidInput("Unknown scan: {scan}", scan=scan.raw)
    raise InvalidInput("Not a lot: {scan}", scan=scan.raw)


@dataclass(frozen=True)
class SourceChosen:
    """A location scanned at the lot step: the untracked item to put away is the one waiting there."""

    location: str


def suggest(db, actor, raw: str, at: str | None = None) -> putaway.Suggestion | SourceChosen:
    """A lot label, lot number, or an untracked item's SKU/GTIN -> where it should go; a location scan names
    where an untracked item waits when it waits in several places."""
    scan = classify(db, raw)
    if scan.kind == "location":
        return SourceChosen(scan.code)
    if scan.kind == "item" or (scan.kind == "gs1" and scan.sku and not (scan.lot or scan.serial)):
        return putaway.suggest(db, actor, None, scan.sku, at=at)
    lot, sku = lot_of(scan)
    return putaway.suggest(db, actor, lot, sku, at=at)


def confirm(db, actor, raw: str, *, key: str, suggestion: putaway.Suggestion, reason: str | None,
            at: str | None = None) -> putaway.PutAway:
    """A location scan -> the lot put away there (the service refuses another location without a reason)."""
    scan = classify(db, raw)
    if scan.kind != "location":
        raise InvalidInput("Not a location: {scan}", scan=scan.raw)
    return putaway.confirm(db, actor, key=key, lot=suggestion.lot, sku=suggestion.sku, location=scan.code,
                           override_reason=reason, at=at or suggestion.from_location)


@dataclass(frozen=True)
class HeldLot:
    """A lot waiting for inspection: its number, item and the stock rows in QC hold."""

    lot: str
    sku: str
    rows: tuple[StockRow, ...]


def held_lot(db, actor, raw: str) -> HeldLot:
    """A lot scan -> the lot and its stock rows in QC hold; refused when nothing of it waits for inspection."""
    lot, sku = lot_of(classify(db, raw))
    rows = tuple(r for r in stock_rows(db, actor, lot=lot, sku=sku) if r.status == "qc_hold")
    if not rows:
        raise InvalidInput("Lot {lot} is not in QC hold", lot=lot)
    return HeldLot(lot, rows[0].sku, rows)


def inspect(db, actor, *, key: str, held: HeldLot, passed: bool, reason: QcFailReason | None,
            pin: str) -> qc.Inspected:
    """Record the inspection, signed (pass: available; fail: rejected, into quarantine)."""
    return qc.inspect(db, actor, key=key, lot=held.lot, sku=held.sku, passed=passed, reason=reason, pin=pin)
