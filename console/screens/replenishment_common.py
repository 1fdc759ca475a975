"""Picking's line-replenishment task (Enter alone at the work-order step): the service calls its steps make,
evaluated in a worker. The task is shown in the pick flow's own shape (source location, lot, quantity), so the
usual location -> lot -> quantity steps run; the drop must be the task's line-side location."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from console.screens.production_common import PickMaterial, material_of
from core.errors import WrongLocation
from core.i18n import N_
from core.scan import classify
from core.services import replenishment
from core.services.picking import PickTaskView
from core.services.replenishment import Replenished, ReplenishmentTaskView


@dataclass(frozen=True)
class Replenishing:
    """The claimed task, and the same task as the pick flow draws it."""

    task: ReplenishmentTaskView
    pick: PickTaskView


def next_task(db, actor) -> Replenishing:
    """Claim the oldest open replenishment task (one clear line when none is open)."""
    t = replenishment.claim_next(db, actor)
    return Replenishing(t, PickTaskView(id=t.id, sku=t.sku, tracking=t.tracking, lot=t.lot, expiry=t.expiry,
                                        location=t.from_location, qty=t.qty, picked_qty=Decimal(0), uom=t.uom))


def material(db, actor, raw: str, task: PickTaskView) -> PickMaterial:
    """A lot (or untracked SKU) scan for the task, refused when it may not be picked."""
    scan = classify(db, raw)
    if scan.sku is not None and scan.sku != task.sku:
        lot, sku = None, scan.sku  # the check names the wrong item
    else:
        lot, sku = material_of(scan, task.tracking)
    replenishment.check_material(db, actor, task.id, lot=lot, sku=sku, qty=scan.qty)
    return PickMaterial(lot, scan.qty)


def drop(db, actor, raw: str, *, key: str, task: ReplenishmentTaskView, lot: str | None,
         qty: Decimal) -> Replenished:
    """The line-side location scan -> the pick posted there, the task done."""
    scan = classify(db, raw)
    if scan.kind != "location":
        raise WrongLocation(N_("Drop at {location}, not {scan}"), location=task.location, scan=scan.raw)
    return replenishment.post_drop(db, actor, key=key, task_id=task.id, lot=lot, qty=qty, drop_location=scan.code)


def release(db, actor, task_id: int) -> int:
    """Esc out of the task: the claim is given back."""
    return replenishment.release(db, actor, task_id)
