"""Worker-side calls of the shipping screen: a lot-step scan -> the checked pick, a quantity -> the shipment."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.errors import InvalidInput
from core.i18n import N_
from core.scan import classify
from core.services import shipping, shipping_check


@dataclass(frozen=True)
class Pick:
    """The checked lot (or SKU) and the quantity its label carried, if any (it ships at once)."""

    check: shipping_check.Shippable
    label_qty: Decimal | None = None


@dataclass(frozen=True)
class ShipDone:
    """A posted shipment and the order's next open line (None: the order is fully shipped)."""

    shipped: shipping.Shipped
    next: shipping.Proposal | None


def resolve_pick(db, actor, so_number: str, raw: str) -> Pick:
    """Classify a lot-step scan and check it against the order."""
    scan = classify(db, raw)
    if scan.kind == "lot":
        return Pick(shipping_check.check_lot(db, actor, so_number, lot=scan.code,
                                             sku=scan.sku if scan.candidates == 1 else None))
    if scan.kind == "gs1" and (scan.lot or scan.serial):
        return Pick(shipping_check.check_lot(db, actor, so_number, lot=scan.lot or scan.serial, sku=scan.sku),
                    scan.qty)
    if scan.kind == "item" or (scan.kind == "gs1" and scan.sku):
        return Pick(shipping_check.check_lot(db, actor, so_number, sku=scan.sku), scan.qty)
    if scan.kind == "unknown":
        raise InvalidInput(N_("Unknown scan: {scan}"), scan=scan.raw)
    raise InvalidInput(N_("Not a lot or an item: {scan}"), scan=scan.raw)


def ship(db, actor, *, key: str, pick: shipping_check.Shippable, qty: Decimal) -> ShipDone:
    """Post the shipment, then look up the order's next line (a retry after a lost answer replays the posting)."""
    done = shipping.ship(db, actor, key=key, so_number=pick.so_number, qty=qty, lot=pick.lot,
                         sku=None if pick.lot else pick.sku)
    return ShipDone(done, shipping.next_proposal(db, actor, pick.so_number))
