"""A production site with a shop floor: PCBA-1 routed through SMT (op 10) and a coating with a QC plan (op 20)."""

from __future__ import annotations

from decimal import Decimal

from core.services import issuing, picking, workorders
from core.services.imports import run_import
from tests import helpers

FILES = {
    "work-centers": "code,name,line\nSMT-1,SMT placement,L1\nCOAT-1,Coating,L1\nREW-1,Rework bench,L1\n",
    "qc-plans": "plan,characteristic,unit,min,max\nCOAT,thickness,um,25,75\nCOAT,temperature,°C,-5,40\n",
    "downtime-reasons": "code,name,planned\nBREAK,Break,true\nBREAKDOWN,Breakdown,false\n"
                        "NO_MATERIAL,No material,false\n",
    "routings": "sku,op_no,work_center,minutes_per_unit,setup_minutes,qc_plan\nPCBA-1,10,SMT-1,1.5,20,\n"
                "PCBA-1,20,COAT-1,0.5,5,COAT\n",
}


def load_floor(db, actor, tmp_path) -> None:
    """The four shop-floor kinds through the import, in order."""
    for kind, content in FILES.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(content, encoding="utf-8")
        summary = run_import(db, actor, kind, path)
        assert not summary.errors, (kind, summary.errors)


def floor_site(db, system, tmp_path) -> dict:
    ids = helpers.production_site(db)
    helpers.put_stock(db, system, "IC-1", "IC-A", "A-01", 500, expiry="2030-02-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    load_floor(db, system, tmp_path)
    return ids


def released_and_issued(db, clerk, supervisor, wo="WO-1", qty=10) -> None:
    """A released order of PCBA-1 with its material picked and issued (so output can be posted)."""
    helpers.add_work_order(db, wo, "PCBA-1", qty)
    workorders.release(db, supervisor, wo)
    tasks = picking.claim(db, clerk, wo)
    picking.post_picks(db, clerk, key=f"pk-{wo}", wo_number=wo, drop_location="LS-L1",
                       lines=[picking.PickLine(t.id, t.qty, t.lot) for t in tasks])
    for t in tasks:
        issuing.issue(db, clerk, key=f"i-{wo}-{t.lot}", wo_number=wo, lot=t.lot, sku=None if t.lot else t.sku,
                      qty=Decimal(t.qty))
