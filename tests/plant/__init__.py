"""A second sample plant of our own (not the demo), in the import formats, loaded as a customer loads theirs.

A raw-material warehouse (RAW: dock, quarantine, storage, the line side of L1) and a finished-goods warehouse
(FIN: dock, storage, its own shipping location). A two-level BOM: the serial-tracked control unit UNIT-1 is made
of the assembled board ASM-1 and four untracked screws SCW-1; ASM-1 of a bare board BRD-1 (QC on receipt),
two chips CHP-1 (a shelf life) and solder flux FLUX-1 in KG, backflushed from the line side at output.
Operators: clerk K100/1111, inspector I100/2222, supervisor P100/333333.
The shop floor: work centres SMT-1 and COAT-1 on L1, downtime reasons (breaks and changeovers planned;
breakdown, no material, no operator not), and the coated board ASM-2 (a bare board BRD-1) routed through two
operations: 10 SMT placement, 20 conformal coating with the QC plan COAT (coating thickness 25-75 um, cure
temperature -5-40 °C). No work order of the plant uses the routing: the tests that need one add it.
Packs and pallets: a CASE of 24 CHP-1 (GTIN 19501101530024), a DRUM of 200 KG FLUX-1, a BOX of 100 SCW-1; PO-3
(40 CHP-1) comes as one supplier pallet, SSCC 006141410000000012 with lots CHP-P1 (24) and CHP-P2 (16) in
asn.csv; PO-4 (72 CHP-1) is received by the case.
Line-side min/max: LINE-1 keeps 2..10 screws SCW-1 (none there at first: its task waits for stock to take).
"""

from __future__ import annotations

from pathlib import Path

from core.services.imports import KINDS, run_import

FILES = Path(__file__).parent


def load(db, actor) -> None:
    """Import every file of the plant, in the import service's dependency order; any error fails loudly."""
    for kind in KINDS:
        path = FILES / f"{kind}.csv"
        if path.exists():
            summary = run_import(db, actor, kind, path)
            assert not summary.errors, (kind, summary.errors)
