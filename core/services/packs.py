"""Packs: a quantity-step scan of a pack (its GTIN -> one pack; `(02)` GTIN + `(37)` count -> N packs; typed
`3 CASE`) in base units, and the GS1 check digit that SSCCs and GTINs end with.

Purchase-order lines stay in base units (the import is unchanged); a pack scanned at a quantity step is
converted here, once, for every flow (console/flow.py `FlowScreen.quantity`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.scan import GS, classify, clean
from core.units import require_whole

_TYPED = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)")  # 3 CASE, 2drum


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of a digit string (GTIN or SSCC without its last digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def valid_sscc(value: str) -> bool:
    """18 digits whose last is the GS1 check digit of the first 17."""
    return len(value) == 18 and value.isdigit() and check_digit(value[:17]) == int(value[17])


def _fmt(q: Decimal) -> str:
    return format(q.normalize(), "f")


@dataclass(frozen=True)
class PackQty:
    """`packs` packs of `pack_uom` (None: base units were scanned) = `qty` base units of `sku` (`uom`)."""

    sku: str
    uom: str
    qty: Decimal
    pack_uom: str | None = None
    packs: Decimal | None = None

    @property
    def text(self) -> str:
        """3 CASE = 72 EA."""
        if self.pack_uom is None:
            return f"{_fmt(self.qty)} {self.uom}"
        return f"{_fmt(self.packs)} {self.pack_uom} = {_fmt(self.qty)} {self.uom}"


def looks_like_pack(value: str) -> bool:
    """True for what a quantity step must look up (a GS1 string, a GTIN, `3 CASE`) rather than read as a number."""
    s = clean(value)
    if s.startswith(("(", "]")) or GS in s or _TYPED.fullmatch(s):
        return True
    return s.isdigit() and len(s) in (8, 12, 13, 14) and check_digit(s[:-1]) == int(s[-1])


def base_quantity(db: Database, sku: str, raw: str) -> PackQty:
    """A quantity-step scan of `sku` in base units: a pack's GTIN (one pack, or the (30)/(37) count of them), a
    GS1 count of the item itself, or a typed `3 CASE`; else InvalidInput, nothing written."""
    s = clean(raw)
    with db.uow() as uow:
        item = uow.execute(text("SELECT id, uom FROM item WHERE sku = :s"), {"s": sku}).first()
        if item is None:
            raise NotFound(what=sku)
        typed = _TYPED.fullmatch(s)
        if typed and typed.group(2).upper() == item.uom.upper():  # "5 EA": the item's own unit
            return PackQty(sku, item.uom, require_whole(Decimal(typed.group(1)), item.uom, sku))
        if typed:
            per = uow.execute(text("SELECT qty FROM packaging WHERE item_id = :i AND upper(uom) = upper(:u)"),
                              {"i": item.id, "u": typed.group(2)}).scalar()
            if per is None:
                raise InvalidInput("{sku} has no packaging {uom}", sku=sku, uom=typed.group(2).upper())
            packs = Decimal(typed.group(1))
            found = PackQty(sku, item.uom, packs * per, typed.group(2).upper(), packs)
            require_whole(found.qty, item.uom, sku)
            return found
    scan = classify(db, s)
    if scan.sku is None or scan.qty is None:
        raise InvalidInput("Not a quantity: {value}", value=s[:40])
    if scan.sku != sku:
        raise InvalidInput("This label is for {sku}, not {wanted}", sku=scan.sku, wanted=sku)
    qty = require_whole(scan.qty, item.uom, sku)
    return PackQty(sku, item.uom, qty, scan.pack_uom, scan.packs)
