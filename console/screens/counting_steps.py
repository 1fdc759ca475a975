"""Worker-side calls of the cycle-count screen: a location scan -> its open count, a lot scan -> what is counted."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import InvalidInput
from core.i18n import N_
from core.scan import classify
from core.services import count_session


@dataclass(frozen=True)
class Target:
    """What the next count is of: a lot (with its SKU when known), or an untracked item by SKU (`lot` None)."""

    lot: str | None
    sku: str | None
    serial: bool = False  # one unit: counted as 1 at the scan, no quantity asked

    @property
    def name(self) -> str:
        return self.lot or self.sku or ""


def resolve_location(db, actor, raw: str) -> count_session.CountStart:
    """A location scan -> its open count."""
    scan = classify(db, raw)
    if scan.kind != "location":
        raise InvalidInput(N_("Not a location: {scan}"), scan=scan.raw)
    return count_session.start(db, actor, scan.code)


def resolve_lot(db, raw: str) -> Target:
    """A lot-step scan -> the lot (or an untracked item by its SKU or GTIN) to count."""
    scan = classify(db, raw)
    if scan.kind == "lot" or (scan.kind == "gs1" and scan.lot):
        sku = scan.sku if scan.kind == "gs1" or scan.candidates == 1 else None
        return Target(scan.lot, sku, count_session.serial(db, scan.lot, sku))
    if scan.kind == "item" or (scan.kind == "gs1" and scan.sku):
        if not count_session.untracked(db, scan.sku):
            raise InvalidInput(N_("Scan the lot of {sku}, not the item"), sku=scan.sku)
        return Target(None, scan.sku)
    raise InvalidInput(N_("Not a lot or an item: {scan}"), scan=scan.raw)
