"""The Receiving screen's worker-side calls and typed-value parsing: scans -> item, lot, expiry, quantity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.dates import parse_date
from core.errors import Conflict, InvalidInput, LinesideError, NotFound
from core.scan import ScanResult, classify
from core.services import packs, receiving, receiving_views
from core.services.lots import lot_number
from core.services.receiving_views import ItemView, PoView


@dataclass(frozen=True)
class Carried:
    """What one scan carried besides the item: lot (or serial), expiry, quantity."""

    lot: str | None = None
    expiry: date | None = None
    qty: Decimal | None = None
    pack: str | None = None  # "3 CASE = 72 EA" when a pack's GTIN carried the quantity


def _carried(scan: ScanResult, item: ItemView) -> Carried:
    lot = scan.serial if item.tracking == "serial" and scan.serial else (scan.lot or scan.serial)
    pack = None
    if scan.pack_uom is not None:
        pack = packs.PackQty(item.sku, item.uom, scan.qty, scan.pack_uom, scan.packs).text
    return Carried(lot if item.tracking != "none" else None, scan.expiry, scan.qty, pack)


@dataclass(frozen=True)
class ItemScan:
    """The item an item-step scan named, and what else the scan carried."""

    item: ItemView
    carried: Carried


def resolve_item(db, actor, raw: str, po: PoView | None) -> ItemScan:
    """An item-step scan (GS1 label, GTIN or SKU) -> the item and what else the scan carried."""
    scan = classify(db, raw)
    if scan.kind == "item" or (scan.kind == "gs1" and scan.sku):
        view = receiving_views.item(db, actor, scan.sku, po)
        return ItemScan(view, _carried(scan, view) if scan.kind == "gs1" else Carried())
    if scan.kind == "gs1" and scan.gtin:
        raise NotFound(what=scan.gtin)
    if scan.kind == "unknown":
        raise InvalidInput("Unknown scan: {scan}", scan=scan.raw)
    raise InvalidInput("Not an item: {scan}", scan=scan.raw)


def resolve_lot(db, raw: str, item: ItemView) -> Carried:
    """A lot-step scan: an existing lot of this item, a lot label, or a new lot number as typed."""
    scan = classify(db, raw)
    if scan.kind == "lot":
        if scan.candidates == 1 and scan.sku != item.sku:
            raise Conflict("Lot {lot} already belongs to {sku}", lot=scan.code, sku=scan.sku)
        return Carried(scan.code)
    if scan.kind == "gs1" and (scan.lot or scan.serial):
        if scan.sku and scan.sku != item.sku:
            raise InvalidInput("This label is for {sku}, not {wanted}", sku=scan.sku, wanted=item.sku)
        return _carried(scan, item)
    if scan.kind == "unknown" and scan.raw:
        return Carried(lot_number(scan.raw))  # a new lot number, typed or scanned from the supplier's label
    raise InvalidInput("Not a lot: {scan}", scan=scan.raw)


def parse_expiry(value: str, proposed: date | None, today: date) -> date:
    """A typed expiry (core.dates: ISO or GS1 YYMMDD, nothing ambiguous); Enter alone accepts the proposed date."""
    value = value.strip()
    if not value:
        if proposed is None:
            raise InvalidInput("Type the expiry date (YYYY-MM-DD)")
        expiry = proposed
    else:
        expiry = parse_date(value)
    if expiry < today:
        raise InvalidInput("Expiry {expiry} is already past", expiry=expiry.isoformat())
    return expiry


@dataclass(frozen=True)
class ReceiptPosted:
    """A posted receipt, where its label went (or why it did not print), and the PO as it is now."""

    receipt: receiving.Received
    po: PoView | None
    label_where: str | None
    label_fault: LinesideError | None


def post(db, actor, cmd: receiving.ReceiveCommand) -> ReceiptPosted:
    """Post the receipt, then print its label (a printer fault never undoes the receipt), re-read the PO."""
    result = receiving.receive(db, actor, cmd)
    where, fault = None, None
    if result.lot:
        try:
            where = receiving_views.print_label(db, actor, result.lot, result.sku)
        except LinesideError as exc:
            fault = exc
    po = receiving_views.purchase_order(db, actor, cmd.po_number) if cmd.po_number else None
    return ReceiptPosted(result, po, where, fault)
