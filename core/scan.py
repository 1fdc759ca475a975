"""What a scanned string is: exact look-ups first (location, SKU, GTIN, lot, badge), then GS1 via biip.

A bare string is looked up exactly before it is tried as GS1, so a lot named `10D9T` stays a lot and is
never read as AI 10. Every screen's scan field goes through `classify`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache

from core.db import Database
from core.gs1 import biip_parts

GS = "\x1d"
_TRIM = " \t\r\n"  # not str.strip(): GS (0x1D) counts as whitespace there, and it separates fields


@dataclass(frozen=True)
class ScanResult:
    """A classified scan; fields a GS1 string carried are filled, the rest are None."""

    raw: str
    kind: str  # location | work_order | item | lot | operator | pallet | asn | gs1 | unknown
    code: str | None = None
    warehouse: str | None = None
    sku: str | None = None
    lot: str | None = None
    gtin: str | None = None
    expiry: date | None = None
    production_date: date | None = None
    qty: Decimal | None = None
    net_kg: Decimal | None = None
    serial: str | None = None
    sscc: str | None = None
    candidates: int = 1
    pack_uom: str | None = None  # a packaging's GTIN was scanned: `packs` of them make `qty` base units
    packs: Decimal | None = None


def clean(raw: str) -> str:
    """Trim what a wedge scanner adds around a scan, keeping GS separators inside."""
    return (raw or "").strip(_TRIM)


def _count(value: str) -> Decimal | None:
    try:
        return Decimal(int(value))
    except ValueError:
        return None


def parse_gs1(raw: str) -> ScanResult | None:
    """Parse a GS1 element string (raw with GS, with a symbology identifier, or in (AI) form); None if it is not one."""
    s = clean(raw)
    if not s:
        return None
    biip, GS1Message = biip_parts()
    try:
        if s.startswith("("):
            message = GS1Message.parse_hri(s)
        else:
            parsed = biip.parse(s)
            if parsed.gs1_message is None:
                if parsed.gtin is not None:
                    return ScanResult(raw=s, kind="gs1", gtin=parsed.gtin.value.zfill(14))
                if parsed.sscc is not None:
                    return ScanResult(raw=s, kind="gs1", sscc=parsed.sscc.value)
                return None
            message = parsed.gs1_message
    except Exception:  # biip raises several types for malformed input; a bad scan is simply not GS1
        return None
    fields: dict = {}
    for element in message.element_strings:
        ai, value = element.ai.ai, element.value
        if ai in ("01", "02") and element.gtin is not None:
            fields["gtin"] = element.gtin.value.zfill(14)
        elif ai == "00":
            fields["sscc"] = value
        elif ai == "10":
            fields["lot"] = value
        elif ai == "11":
            fields["production_date"] = element.date
        elif ai == "17":
            fields["expiry"] = element.date
        elif ai == "21":
            fields["serial"] = value
        elif ai in ("30", "37"):
            fields["qty"] = _count(value)
        elif ai.startswith("310") and element.decimal is not None:
            fields["net_kg"] = Decimal(element.decimal)
        elif ai == "240":
            fields["sku"] = value
    if not fields:
        return None
    return ScanResult(raw=s, kind="gs1", **fields)


# Exact look-ups in the contract's order; later issues add their own (e.g. work orders) to this list.
LOOKUPS: list[tuple[str, str]] = [
    ("location", "SELECT l.code AS code, w.code AS warehouse, NULL AS sku FROM location l"
                 " JOIN warehouse w ON w.id = l.warehouse_id WHERE l.code = :s"),
    ("work_order", "SELECT wo_number AS code, NULL AS warehouse, NULL AS sku FROM work_order WHERE wo_number = :s"),
    ("item", "SELECT sku AS code, NULL AS warehouse, sku FROM item WHERE sku = :s"),
    ("item", "SELECT sku AS code, NULL AS warehouse, sku FROM item"
             " WHERE :digits AND lpad(gtin, 14, '0') = lpad(:s, 14, '0')"),
    ("lot", "SELECT lt.lot_no AS code, NULL AS warehouse, i.sku FROM lot lt JOIN item i ON i.id = lt.item_id"
            " WHERE lt.lot_no = :s"),
    ("operator", "SELECT badge AS code, NULL AS warehouse, NULL AS sku FROM operator WHERE badge = :s"),
]


@cache
def _exact_sql() -> str:
    """LOOKUPS as one statement: every look-up at once (each an index probe, at most 5 rows), and the rows of the
    first one in the contract's order that found anything. One round trip instead of one per look-up."""
    branches = " UNION ALL ".join(
        f"(SELECT {n} AS n, q.code, q.warehouse, q.sku FROM ({sql} LIMIT 5) q)" for n, (_kind, sql) in
        enumerate(LOOKUPS))
    return (f"WITH hit AS ({branches}) SELECT n, code, warehouse, sku FROM hit"
            " WHERE n = (SELECT min(n) FROM hit)").replace(":digits", "%(digits)s").replace(":s", "%(s)s")


def _exact(db: Database, s: str) -> ScanResult | None:
    rows = db.fetch(_exact_sql(), {"s": s, "digits": s.isdigit() and len(s) <= 14})
    if not rows:
        return None
    n, code, warehouse, sku = rows[0]
    kind = LOOKUPS[n][0]
    return ScanResult(raw=s, kind=kind, code=code, warehouse=warehouse, sku=sku, lot=code if kind == "lot" else None,
                      candidates=len(rows))



def classify(db: Database, raw: str) -> ScanResult:
    """Classify a scan against the database: exact match first, then GS1, else `unknown`."""
    s = clean(raw)
    if not s or any(ord(ch) < 32 and ch != GS for ch in s):
        # A NUL or other control byte is line noise, not a scan (PostgreSQL refuses NUL in text anyway).
        return ScanResult(raw=s, kind="unknown")
    if GS not in s and not s.startswith("]"):
        found = _exact(db, s)
        if found is not None:
            return found
    gs1 = parse_gs1(s)
    if gs1 is None:
        return ScanResult(raw=s, kind="unknown")
    if gs1.sscc is not None and gs1.gtin is None and gs1.lot is None:
        return _pallet_or_asn(db, gs1)
    if gs1.sku is None and gs1.gtin is not None:
        return _item_of_gtin(db, gs1)
    return gs1


def _pallet_or_asn(db: Database, gs1: ScanResult) -> ScanResult:
    """An SSCC alone: a pallet on hand (`pallet`), one a supplier announced (`asn`), else just GS1."""
    ((found,),) = db.fetch(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM pallet WHERE sscc = %(s)s AND status = 'on_hand') THEN 'pallet'"
        " WHEN EXISTS (SELECT 1 FROM asn_line WHERE sscc = %(s)s AND received_at IS NULL) THEN 'asn' END",
        {"s": gs1.sscc})
    return replace(gs1, kind=found or "gs1", code=gs1.sscc)


def _item_of_gtin(db: Database, gs1: ScanResult) -> ScanResult:
    """The item of a GTIN: an item's own, else a packaging's ((01) or (02), (30)/(37) packs of it, else one),
    converted to base units. One round trip for both."""
    rows = db.fetch(
        "(SELECT 0 AS n, sku, NULL AS uom, NULL::numeric AS qty FROM item WHERE lpad(gtin, 14, '0') = %(g)s LIMIT 1)"
        " UNION ALL (SELECT 1, i.sku, p.uom, p.qty FROM packaging p JOIN item i ON i.id = p.item_id"
        " WHERE lpad(p.gtin, 14, '0') = %(g)s LIMIT 1) ORDER BY n LIMIT 1", {"g": gs1.gtin})
    if not rows:
        return gs1
    n, sku, uom, per_pack = rows[0]
    if n == 0:
        return replace(gs1, sku=sku)
    packs = gs1.qty if gs1.qty is not None else Decimal(1)
    return replace(gs1, sku=sku, pack_uom=uom, packs=packs, qty=packs * per_pack)
