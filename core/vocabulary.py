"""The warehouse's fixed words, as stored in the database: one StrEnum per list, and the sets rules check against.

Members are their database values (`StockStatus.AVAILABLE == "available"`), so they go straight into SQL
parameters and compare equal to what a query returns. The models' CHECK constraints are built from these lists.
"""

from __future__ import annotations

from enum import StrEnum


class StockStatus(StrEnum):
    AVAILABLE = "available"
    QC_HOLD = "qc_hold"
    BLOCKED = "blocked"
    REJECTED = "rejected"


class QcStatus(StrEnum):
    NONE = "none"
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


class LocationKind(StrEnum):
    DOCK = "dock"
    STORAGE = "storage"
    QUARANTINE = "quarantine"
    LINE_SIDE = "line_side"
    SHIPPING = "shipping"


class Tracking(StrEnum):
    NONE = "none"
    LOT = "lot"
    SERIAL = "serial"


class WorkOrderState(StrEnum):
    PLANNED = "planned"
    RELEASED = "released"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class MovementKind(StrEnum):
    OPENING = "opening"
    RECEIPT = "receipt"
    PUTAWAY = "putaway"
    MOVE = "move"
    PICK = "pick"
    DROP = "drop"
    ISSUE = "issue"
    RETURN = "return"
    OUTPUT = "output"
    SCRAP = "scrap"
    SHIP = "ship"
    ADJUST = "adjust"
    STATUS = "status"
    COUNT = "count"
    TRANSFER = "transfer"  # into another warehouse (finished goods to their own)


# Stock that may not be used, moved to storage or shipped: it goes to quarantine.
HELD = frozenset({StockStatus.QC_HOLD, StockStatus.REJECTED, StockStatus.BLOCKED})
# What a recall or a lot block takes out of use (rejected stock is out of use already).
BLOCKABLE = (StockStatus.AVAILABLE, StockStatus.QC_HOLD)
# Statuses an import may give opening stock.
IMPORTABLE_STATUSES = (StockStatus.AVAILABLE, StockStatus.QC_HOLD, StockStatus.BLOCKED)
# Work orders that still need material (kitting, shortages) and those material can be issued to.
OPEN_ORDERS = (WorkOrderState.PLANNED, WorkOrderState.RELEASED, WorkOrderState.IN_PROGRESS)
RUNNING_ORDERS = (WorkOrderState.RELEASED, WorkOrderState.IN_PROGRESS)
FINISHED_ORDERS = (WorkOrderState.COMPLETED, WorkOrderState.CLOSED)
# Moves between bins that change no total, status or free stock.
PLAIN_MOVES = (MovementKind.MOVE, MovementKind.PICK)


def values(words: type[StrEnum]) -> tuple[str, ...]:
    """The database values in declaration order, as plain strings (for CHECK constraints and import choices)."""
    return tuple(w.value for w in words)
