"""Pallets by SSCC: a supplier's pallet (ASN) received whole by one scan, put away or moved whole, broken down
so its lots move alone, and pallets built here from output lots with an SSCC Lineside issues.

A pallet's contents are (lot, qty) at the pallet's location: a move takes those quantities of those lots (what
is still there and free), so two pallets of one lot on one dock stay two pallets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.config import settings
from core.db import Database
from core.errors import Conflict, InvalidInput, NotFound, NotSuggested, WrongLocation
from core.permissions import Actor, require
from core.reasons import PutawayOverrideReason
from core.results import Result
from core.services import outbox
from core.services.ledger import Leg, apply_legs, run_operation
from core.services.packs import check_digit, valid_sscc
from core.services.receiving import OVER_RECEIPT_TOLERANCE, _dock
from core.vocabulary import HELD

ZERO = Decimal(0)


def sscc_of(raw: str) -> str:
    """The 18 digits of an SSCC as typed or scanned ((00) form, or bare); InvalidInput when the check digit fails."""
    s = (raw or "").strip()
    s = s[4:] if s.startswith("(00)") else s
    if not valid_sscc(s):
        raise InvalidInput("Not an SSCC: {value}", value=s[:40])
    return s


def issue_sscc(session: Session, prefix: str | None = None, extension: int = 0) -> str:
    """A new SSCC: extension digit + GS1 company prefix (configuration) + the next serial + check digit."""
    prefix = prefix if prefix is not None else settings().gs1_company_prefix
    if not prefix or not prefix.isdigit() or not 6 <= len(prefix) <= 12:
        raise InvalidInput("Set gs1_company_prefix (LINESIDE_GS1_COMPANY_PREFIX): 6-12 digits")
    room = 16 - len(prefix)
    serial = session.execute(text("SELECT nextval('sscc_serial')")).scalar_one()
    if serial >= 10**room:
        raise Conflict("The SSCC serials of prefix {prefix} are used up", prefix=prefix)
    body = f"{extension}{prefix}{serial:0{room}d}"
    return body + str(check_digit(body))


@dataclass(frozen=True)
class PalletLot(Result):
    sku: str
    lot: str
    qty: Decimal
    status: str = "available"


@dataclass(frozen=True)
class PalletDone(Result):
    """A pallet received, moved, broken down or built: where it is now and what is on it."""

    sscc: str
    location: str
    lots: tuple[PalletLot, ...] = ()
    po_number: str | None = None
    from_location: str | None = None
    status: str = "on_hand"

    @property
    def qty(self) -> Decimal:
        return sum((lot.qty for lot in self.lots), ZERO)


# The ASN's lines of one pallet with their PO lines and items, locked: a second scan of the pallet waits here
# for the first to commit, then sees it received.
_ASN = text(
    "SELECT a.id, a.lot_no, a.qty, a.expiry, a.received_at, p.id AS po_line_id, p.po_number, p.line_no,"
    " p.qty AS line_qty, p.received_qty, p.supplier_id, p.warehouse_id, i.id AS item_id, i.sku, i.tracking,"
    " i.shelf_life_days, i.qc_required FROM asn_line a JOIN po_line p ON p.id = a.po_line_id"
    " JOIN item i ON i.id = p.item_id WHERE a.sscc = :s AND p.status <> 'cancelled'"
    " ORDER BY p.id, a.id FOR UPDATE OF a, p")


def _upsert_lot(session: Session, row, expiry, now) -> int:
    other = session.execute(text("SELECT 1 FROM lot WHERE lot_no = :n AND item_id <> :i LIMIT 1"),
                            {"n": row.lot_no, "i": row.item_id}).first()
    if other:
        raise Conflict("Lot {lot} already belongs to another item", lot=row.lot_no)
    return session.execute(
        text("INSERT INTO lot (item_id, lot_no, supplier_id, expiry, received_at, qc_status)"
             " VALUES (:i, :n, :s, :e, :at, :qc)"
             " ON CONFLICT (item_id, lot_no) DO UPDATE SET expiry = coalesce(lot.expiry, excluded.expiry),"
             " supplier_id = coalesce(lot.supplier_id, excluded.supplier_id),"
             " qc_status = CASE WHEN excluded.qc_status = 'pending' THEN 'pending' ELSE lot.qc_status END"
             " RETURNING id"),
        {"i": row.item_id, "n": row.lot_no, "s": row.supplier_id, "e": expiry, "at": now,
         "qc": "pending" if row.qc_required else "none"}).scalar_one()


def receive(db: Database, actor: Actor, *, key: str, sscc: str, warehouse: str | None = None) -> PalletDone:
    """Receive a supplier's pallet by its SSCC: every lot of its ASN on its PO line, landing on the dock, in one
    transaction; a pallet already received is refused."""
    sscc = sscc_of(sscc)

    def body(session: Session) -> dict:
        now = datetime.now(UTC)
        rows = session.execute(_ASN, {"s": sscc}).all()
        if not rows:
            raise NotFound("No ASN for pallet {what}", what=sscc)
        if any(r.received_at is not None for r in rows) or session.execute(
                text("SELECT 1 FROM pallet WHERE sscc = :s"), {"s": sscc}).first():
            raise Conflict("Pallet {sscc} is already received", sscc=sscc)
        added: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for r in rows:
            added[r.po_line_id] += r.qty
            if r.received_qty + added[r.po_line_id] > r.line_qty * (1 + OVER_RECEIPT_TOLERANCE):
                raise InvalidInput("Pallet {sscc} is more than {po} line {line} expects: receive its lots one by one",
                                   sscc=sscc, po=r.po_number, line=r.line_no)
        dock = _dock(session, rows[0].warehouse_id, warehouse, rows[0].item_id)
        legs, lots, contents = [], [], defaultdict(lambda: ZERO)
        for n, r in enumerate(rows):
            expiry = r.expiry or (now.date() + timedelta(days=r.shelf_life_days) if r.shelf_life_days else None)
            if expiry is not None and expiry < now.date():
                raise InvalidInput("Expiry {expiry} is already past", expiry=expiry.isoformat())
            if r.tracking == "serial" and r.qty != 1:
                raise InvalidInput("A serial number is received one unit at a time")
            lot_id = _upsert_lot(session, r, expiry, now)
            status = "qc_hold" if r.qc_required else "available"
            legs.append(Leg(r.item_id, lot_id, r.qty, to_location_id=dock.id, to_status=status))
            contents[lot_id] += r.qty
            lots.append({"sku": r.sku, "lot": r.lot_no, "qty": r.qty, "status": status})
            session.execute(
                text("INSERT INTO receipt (operation_key, po_line_id, supplier_id, item_id, lot_id, qty, location_id,"
                     " status, operator_id, terminal, received_at) VALUES (:k, :pl, :s, :i, :l, :q, :loc, :st, :op,"
                     " :t, :at)"),
                {"k": f"{key}#{n + 1}", "pl": r.po_line_id, "s": r.supplier_id, "i": r.item_id, "l": lot_id,
                 "q": r.qty, "loc": dock.id, "st": status, "op": actor.operator_id, "t": actor.terminal, "at": now})
            outbox.emit(session, "receipt.posted", f"lot:{r.sku}:{r.lot_no}",
                        {"sku": r.sku, "lot": r.lot_no, "qty": r.qty, "expiry": expiry, "status": status,
                         "location": dock.code, "warehouse": dock.warehouse, "po_number": r.po_number,
                         "line_no": r.line_no, "sscc": sscc}, dock.warehouse)
        apply_legs(session, actor, "receipt", legs, key=key, reference=sscc)
        for line_id, qty in added.items():
            session.execute(
                text("UPDATE po_line SET received_qty = received_qty + :q, status = CASE"
                     " WHEN received_qty + :q >= qty THEN 'received' ELSE 'partly_received' END WHERE id = :id"),
                {"q": qty, "id": line_id})
        session.execute(text("UPDATE asn_line SET received_at = :at, receipt_key = :k WHERE sscc = :s"),
                        {"at": now, "k": key, "s": sscc})
        pallet_id = session.execute(text("INSERT INTO pallet (sscc, location_id) VALUES (:s, :l) RETURNING id"),
                                    {"s": sscc, "l": dock.id}).scalar_one()
        _put_contents(session, pallet_id, contents)
        return {"sscc": sscc, "location": dock.code, "lots": lots, "po_number": rows[0].po_number}

    return PalletDone.of(run_operation(db, actor, key=key, kind="receipt", permission="receiving.post",
                                       payload={"sscc": sscc, "warehouse": warehouse}, body=body,
                                       audit_entity="pallet", audit_key=sscc).data)


def _put_contents(session: Session, pallet_id: int, contents: dict[int, Decimal]) -> None:
    session.execute(text("INSERT INTO pallet_content (pallet_id, lot_id, qty)"
                         " SELECT :p, unnest(CAST(:lots AS bigint[])), unnest(CAST(:qtys AS numeric[]))"),
                    {"p": pallet_id, "lots": list(contents), "qtys": list(contents.values())})


def _pallet(session: Session, sscc: str):
    row = session.execute(
        text("SELECT p.id, p.sscc, p.status, p.location_id, l.code AS location, l.kind, l.warehouse_id"
             " FROM pallet p JOIN location l ON l.id = p.location_id WHERE p.sscc = :s FOR UPDATE OF p"),
        {"s": sscc}).first()
    if row is None:
        raise NotFound("No pallet {what}", what=sscc)
    if row.status == "broken":
        raise InvalidInput("Pallet {sscc} is broken down: move its lots one by one", sscc=sscc)
    return row


def _contents(session: Session, pallet) -> list:
    """What is on the pallet and still at its location: per lot and status, the free quantity (locked)."""
    return session.execute(
        text("SELECT c.lot_id, c.qty AS on_pallet, t.item_id, t.lot_no, i.sku, b.status, b.qty - b.reserved AS free"
             " FROM pallet_content c JOIN lot t ON t.id = c.lot_id JOIN item i ON i.id = t.item_id"
             " JOIN stock_balance b ON b.lot_id = c.lot_id AND b.item_id = t.item_id AND b.location_id = :loc"
             " WHERE c.pallet_id = :p AND b.qty > b.reserved"
             " ORDER BY b.location_id, b.item_id, b.lot_id, b.status FOR UPDATE OF b"),
        {"p": pallet.id, "loc": pallet.location_id}).all()


def _legs(pallet, rows, target_id: int) -> tuple[list[Leg], dict[int, Decimal], list[dict]]:
    """The content quantities of each lot spread over its statuses at the pallet's location (free stock only)."""
    left = {r.lot_id: r.on_pallet for r in rows}
    legs, moved, lots = [], defaultdict(lambda: ZERO), []
    for r in rows:
        qty = min(left[r.lot_id], r.free)
        if qty <= 0:
            continue
        left[r.lot_id] -= qty
        moved[r.lot_id] += qty
        legs.append(Leg(r.item_id, r.lot_id, qty, from_location_id=pallet.location_id, from_status=r.status,
                        to_location_id=target_id, to_status=r.status))
        lots.append({"sku": r.sku, "lot": r.lot_no, "qty": qty, "status": r.status})
    return legs, moved, lots


def suggest(db: Database, actor: Actor, sscc: str) -> PalletDone:
    """Where a pallet should go: the putaway suggestion of its first lot (quarantine when a lot is held)."""
    from core.services import putaway

    require(actor, "putaway.post")
    sscc = sscc_of(sscc)
    with db.uow() as uow:
        pallet = _pallet(uow.session, sscc)
        rows = _contents(uow.session, pallet)
        if not rows:
            raise InvalidInput("Nothing is left on pallet {sscc}", sscc=sscc)
        held = next((r for r in rows if r.status in HELD), rows[0])
        found = putaway._material(uow.session, held.lot_no, held.sku)
        src = _Source(pallet.warehouse_id, held.status)
        _, code, _rule = putaway._suggest(uow.session, found, src)
        _, _, lots = _legs(pallet, rows, 0)
        return PalletDone(sscc, code, tuple(PalletLot(**lot) for lot in lots), from_location=pallet.location)


@dataclass(frozen=True)
class _Source:
    warehouse_id: int
    status: str


def move(db: Database, actor: Actor, *, key: str, sscc: str, location: str, suggested: str | None = None,
         reason: str | None = None) -> PalletDone:
    """Move a whole pallet to a location by one scan (a putaway when it leaves a dock). With `suggested`, another
    location needs a reason (NotSuggested). Held stock goes to quarantine, never into storage."""
    sscc = sscc_of(sscc)
    if reason is not None:
        PutawayOverrideReason.require(reason, "Choose a reason for changing the location")

    def body(session: Session) -> dict:
        pallet = _pallet(session, sscc)
        target = session.execute(
            text("SELECT id, code, kind, warehouse_id FROM location WHERE code = :c"
                 " ORDER BY warehouse_id = :wh DESC LIMIT 1"),
            {"c": (location or "").strip(), "wh": pallet.warehouse_id}).first()
        if target is None:
            raise WrongLocation(location=location)
        if suggested and target.code != suggested and not reason:
            raise NotSuggested(location=target.code, suggested=suggested)
        if target.id == pallet.location_id:
            raise InvalidInput("Pallet {sscc} is already at {location}", sscc=sscc, location=target.code)
        rows = _contents(session, pallet)
        legs, moved, lots = _legs(pallet, rows, target.id)
        if not legs:
            raise InvalidInput("Nothing is left on pallet {sscc}", sscc=sscc)
        held = next((lot for lot in lots if lot["status"] in HELD), None)
        if held and target.kind == "storage":
            raise WrongLocation("{location} is not a quarantine location", location=target.code)
        kind = ("transfer" if target.warehouse_id != pallet.warehouse_id
                else "putaway" if pallet.kind == "dock" else "move")
        apply_legs(session, actor, kind, legs, key=key, reason=reason, reference=f"pallet {sscc}")
        session.execute(text("DELETE FROM pallet_content WHERE pallet_id = :p"), {"p": pallet.id})
        _put_contents(session, pallet.id, moved)
        session.execute(text("UPDATE pallet SET location_id = :l WHERE id = :p"), {"l": target.id, "p": pallet.id})
        if target.kind == "storage":
            session.execute(text("UPDATE receipt SET putaway_at = :at, putaway_location_id = :t"
                                 " WHERE lot_id = ANY(CAST(:lots AS bigint[])) AND putaway_at IS NULL"),
                            {"at": datetime.now(UTC), "t": target.id, "lots": list(moved)})
        result = {"sscc": sscc, "location": target.code, "from_location": pallet.location, "lots": lots}
        outbox.emit(session, "putaway.confirmed", f"pallet:{sscc}", result)
        return result

    return PalletDone.of(run_operation(db, actor, key=key, kind="putaway", permission="putaway.post",
                                       payload={"sscc": sscc, "location": location, "suggested": suggested,
                                                "reason": reason},
                                       body=body, audit_entity="pallet", audit_key=sscc, reason=reason).data)


def break_down(db: Database, actor: Actor, *, key: str, sscc: str) -> PalletDone:
    """Break a pallet down: its lots stay where they are and move alone from now on."""
    sscc = sscc_of(sscc)

    def body(session: Session) -> dict:
        pallet = _pallet(session, sscc)
        _, _, lots = _legs(pallet, _contents(session, pallet), 0)
        session.execute(text("DELETE FROM pallet_content WHERE pallet_id = :p"), {"p": pallet.id})
        session.execute(text("UPDATE pallet SET status = 'broken' WHERE id = :p"), {"p": pallet.id})
        return {"sscc": sscc, "location": pallet.location, "lots": lots, "status": "broken"}

    return PalletDone.of(run_operation(db, actor, key=key, kind="pallet.break", permission="stock.move",
                                       payload={"sscc": sscc}, body=body, audit_entity="pallet",
                                       audit_key=sscc).data)


def build(db: Database, actor: Actor, *, key: str, location: str, lots: list[str]) -> PalletDone:
    """Palletise lots at one location (output on the line side, stock in a bin): a new SSCC from the company
    prefix, each lot's free quantity there on it. A lot already on a pallet there is refused."""
    if not lots:
        raise InvalidInput("Name the lots to put on the pallet")

    def body(session: Session) -> dict:
        where = session.execute(text("SELECT id, code FROM location WHERE code = :c ORDER BY id LIMIT 2"),
                                {"c": location.strip()}).all()
        if len(where) != 1:
            raise WrongLocation(location=location)
        loc = where[0]
        rows = session.execute(
            text("SELECT t.id AS lot_id, t.lot_no, i.sku, b.status, b.qty - b.reserved AS free,"
                 " (SELECT p.sscc FROM pallet_content c JOIN pallet p ON p.id = c.pallet_id"
                 "   WHERE c.lot_id = t.id AND p.location_id = b.location_id AND p.status = 'on_hand' LIMIT 1) AS on"
                 " FROM lot t JOIN item i ON i.id = t.item_id JOIN stock_balance b ON b.lot_id = t.id"
                 " WHERE t.lot_no = ANY(CAST(:lots AS text[])) AND b.location_id = :l AND b.qty > b.reserved"
                 " ORDER BY t.lot_no, b.status FOR UPDATE OF b"),
            {"lots": lots, "l": loc.id}).all()
        missing = sorted(set(lots) - {r.lot_no for r in rows})
        if missing:
            raise InvalidInput("Nothing of lot {lot} is free at {location}", lot=missing[0], location=loc.code)
        taken = next((r for r in rows if r.on), None)
        if taken:
            raise Conflict("Lot {lot} is already on pallet {sscc}", lot=taken.lot_no, sscc=taken.on)
        sscc = issue_sscc(session)
        pallet_id = session.execute(text("INSERT INTO pallet (sscc, location_id) VALUES (:s, :l) RETURNING id"),
                                    {"s": sscc, "l": loc.id}).scalar_one()
        contents: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for r in rows:
            contents[r.lot_id] += r.free
        _put_contents(session, pallet_id, contents)
        return {"sscc": sscc, "location": loc.code,
                "lots": [{"sku": r.sku, "lot": r.lot_no, "qty": r.free, "status": r.status} for r in rows]}

    return PalletDone.of(run_operation(db, actor, key=key, kind="pallet.build", permission="stock.move",
                                       payload={"location": location, "lots": sorted(lots)}, body=body,
                                       audit_entity="pallet", audit_key=location).data)


def show(db: Database, sscc: str) -> PalletDone:
    """A pallet as it is now: where, status, and what is on it (for the label and `pallet show`)."""
    sscc = sscc_of(sscc)
    with db.uow() as uow:
        p = uow.execute(text("SELECT p.id, p.status, l.code FROM pallet p JOIN location l ON l.id = p.location_id"
                             " WHERE p.sscc = :s"), {"s": sscc}).first()
        if p is None:
            raise NotFound("No pallet {what}", what=sscc)
        rows = uow.execute(text("SELECT i.sku, t.lot_no, c.qty FROM pallet_content c JOIN lot t ON t.id = c.lot_id"
                                " JOIN item i ON i.id = t.item_id WHERE c.pallet_id = :p ORDER BY i.sku, t.lot_no"),
                           {"p": p.id}).all()
    return PalletDone(sscc, p.code, tuple(PalletLot(r.sku, r.lot_no, r.qty) for r in rows), status=p.status)
