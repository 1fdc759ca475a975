"""The facade the console's screens call: login, scan lookups, ping — each a blocking call for a thread worker.

A lost connection needs no handling here: the flow framework's workers turn OperationalError / InterfaceError
into the typed DatabaseUnavailable (console.flow.as_refusal).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.permissions import Actor
from core.scan import ScanResult, classify
from core.services import anchors, auth
from core.services.anchors import Anchor
from core.services.stock import StockRow, stock_rows


@dataclass(frozen=True)
class SignedIn:
    """Who signed in, and the warehouse when the site has only one."""

    actor: Actor
    warehouse: str | None


@dataclass(frozen=True)
class Lookup:
    """A classified scan and the stock rows it points at."""

    scan: ScanResult
    rows: list[StockRow]


@dataclass
class ConsoleServices:
    """Blocking calls on one database, acting from one terminal; screens run them in thread workers."""

    db: Database
    terminal: str
    anchors_home: Path | None = None  # where anchors are recorded (None: LINESIDE_HOME)

    @classmethod
    def from_database(cls, db: Database, terminal: str) -> ConsoleServices:
        """Services over `db`, writing `terminal` on everything the console does."""
        return cls(db=db, terminal=terminal)

    def anchor(self) -> Anchor:
        """Anchor the audit chain outside the database, unless the head is where the latest anchor left it."""
        return anchors.anchor(self.db, home=self.anchors_home, terminal=self.terminal, only_if_moved=True)

    def login(self, badge: str, pin: str) -> SignedIn:
        """Badge + PIN -> the signed-in operator (AuthFailed / BadgeLocked on refusal)."""
        actor = auth.login(self.db, badge, pin, self.terminal)
        with self.db.uow() as uow:
            codes = uow.execute(text("SELECT code FROM warehouse ORDER BY code LIMIT 2")).scalars().all()
        return SignedIn(actor, codes[0] if len(codes) == 1 else None)

    def classify(self, raw: str) -> ScanResult:
        """What a scanned string is (core.scan)."""
        return classify(self.db, raw)

    def stock_for(self, actor: Actor, scan: ScanResult) -> list[StockRow]:
        """Stock rows at a scanned location, of a scanned item, or of a scanned lot."""
        if scan.kind == "location":
            return stock_rows(self.db, actor, location=scan.code)
        if scan.kind == "item":
            return stock_rows(self.db, actor, sku=scan.sku)
        if scan.kind == "lot":
            return stock_rows(self.db, actor, lot=scan.code)
        if scan.kind == "gs1" and scan.lot:
            return stock_rows(self.db, actor, lot=scan.lot, sku=scan.sku)
        if scan.kind == "gs1" and scan.sku:
            return stock_rows(self.db, actor, sku=scan.sku)
        if scan.kind == "gs1" and scan.gtin:
            raise NotFound(what=scan.gtin)
        if scan.kind == "unknown":
            raise InvalidInput("Unknown scan: {scan}", scan=scan.raw)
        raise InvalidInput("Not a location, item or lot: {scan}", scan=scan.raw)

    def lookup(self, actor: Actor, raw: str | ScanResult) -> Lookup:
        """Classify a scan (unless the home screen already did), then the stock it points at."""
        scan = raw if isinstance(raw, ScanResult) else self.classify(raw)
        return Lookup(scan, self.stock_for(actor, scan))

    def ping(self) -> bool:
        """True when the database answers; never raises."""
        try:
            return self.db.ping()
        except Exception:  # a ping only reports; any failure means "not answering"
            return False
