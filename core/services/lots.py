"""Finding a lot by its number (optionally with the SKU when a number is used by several items)."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound
from core.i18n import N_


def find_lot(session: Session, lot_no: str, sku: str | None = None):
    """The lot row (id, lot_no, item_id, sku, qc_status, expiry); NotFound or ambiguous -> a clear error."""
    rows = session.execute(
        text("SELECT l.id, l.lot_no, l.item_id, i.sku, i.abc, i.home_location_id, l.qc_status, l.expiry"
             " FROM lot l JOIN item i ON i.id = l.item_id"
             " WHERE l.lot_no = :n AND (CAST(:sku AS text) IS NULL OR i.sku = :sku) LIMIT 2"),
        {"n": (lot_no or "").strip(), "sku": sku},
    ).all()
    if not rows:
        raise NotFound(what=lot_no)
    if len(rows) > 1:
        raise InvalidInput("Lot {lot} exists for several items; scan the item first", lot=lot_no)
    return rows[0]


# GS1 AI 82 (the characters a GS1-128 lot or serial may hold), at most 20 of them: what a label can carry is
# what a lot may be named, so no lot breaks a label, a CSV cell or a terminal line.
_AI82 = re.compile(r"""[A-Za-z0-9!"%&'()*+,\-./:;<=>?_]{1,20}""")


def lot_number(raw: str | None) -> str:
    """A new lot or serial number as typed or scanned, or InvalidInput naming what is wrong with it."""
    value = (raw or "").strip()
    if not _AI82.fullmatch(value):
        raise InvalidInput(N_("Not a lot number: {value} (1-20 letters, digits or GS1 signs)"), value=value[:40])
    return value
