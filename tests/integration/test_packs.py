"""Packs and pallets on real PostgreSQL: the packagings and asn imports, a pack scan in base units, a supplier's
pallet received whole by one scan (once, even by two terminals at once), put away whole, broken down, built."""

from __future__ import annotations

import threading

import pytest

from core.errors import Conflict, InvalidInput, NotFound, NotSuggested, WrongLocation
from core.services import checks, packs, pallets
from core.services.imports import run_import
from tests import helpers, plant

SSCC = "006141410000000012"
CASE = "19501101530024"


@pytest.fixture
def site(db, system):
    plant.load(db, system)
    return helpers.make_operator(db, "K1", ["clerk"])


def _write(tmp_path, name, body):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def on_hand(db, lot):
    return [tuple(r) for r in helpers.rows(
        db, "SELECT l.code, b.status, b.qty FROM stock_balance b JOIN location l ON l.id = b.location_id"
            " JOIN lot t ON t.id = b.lot_id WHERE t.lot_no = :lot AND b.qty > 0 ORDER BY 1", lot=lot)]


def test_plant_packagings_and_asn_imported_and_reimport_is_idempotent(db, site, system):
    assert helpers.scalar(db, "SELECT count(*) FROM packaging") == 3
    assert helpers.scalar(db, "SELECT count(*) FROM asn_line WHERE sscc = :s", s=SSCC) == 2
    for kind in ("packagings", "asn"):
        again = run_import(db, system, kind, plant.FILES / f"{kind}.csv")
        assert not again.errors and again.inserted == 0 and again.updated == again.rows


def test_bad_packaging_rows_name_row_column_and_write_nothing(db, site, system, tmp_path):
    body = ("sku,uom,qty,gtin\nCHP-1,TRAY,10,\nNOPE,CASE,5,\nCHP-1,BAG,2.5,\nFLUX-1,PAIL,2.5,09501101530027\n"
            "CHP-1,EA,1,\nCHP-1,2X,3,\n")
    s = run_import(db, system, "packagings", _write(tmp_path, "p.csv", body))
    got = {(e.row, e.column) for e in s.errors}
    assert got == {(2, "sku"), (3, "qty"), (4, "gtin"), (5, "uom"), (6, "uom")}, s.errors
    assert helpers.scalar(db, "SELECT count(*) FROM packaging") == 3


def test_bad_asn_rows_name_row_column_and_write_nothing(db, site, system, tmp_path):
    body = ("sscc,po_number,line_no,lot,qty,expiry\n"
            "006141410000000029,PO-3,1,OK-1,5,\n"  # good
            "006141410000000028,PO-3,1,OK-2,5,\n"  # wrong check digit
            "006141410000000029,PO-9,1,OK-3,5,\n"  # no such PO line
            "006141410000000029,PO-3,1,OK-4,2.5,\n"  # CHP-1 counts pieces
            "006141410000000029,PO-3,1,bad lot,5,\n"  # not a lot number
            "006141410000000029,PO-2,2,OK-5,5,\n"  # SCW-1 is not lot-tracked
            "0061414100000000,PO-3,1,OK-6,5,\n")  # too short
    s = run_import(db, system, "asn", _write(tmp_path, "a.csv", body))
    got = {(e.row, e.column) for e in s.errors}
    assert got == {(2, "sscc"), (3, "line_no"), (4, "qty"), (5, "lot"), (6, "lot"), (7, "sscc")}, s.errors
    assert helpers.scalar(db, "SELECT count(*) FROM asn_line") == 2


def test_check_digit_of_gs1_keys():
    assert packs.check_digit("0061414100000000" + "1") == 2
    assert packs.valid_sscc(SSCC) and not packs.valid_sscc("006141410000000013")
    assert pallets.sscc_of(f"(00){SSCC}") == SSCC
    with pytest.raises(InvalidInput):
        pallets.sscc_of("006141410000000013")


def test_pack_scans_in_base_units(db, site):
    assert packs.base_quantity(db, "CHP-1", CASE).text == "1 CASE = 24 EA"
    three = packs.base_quantity(db, "CHP-1", f"(02){CASE}(37)3")
    assert (three.qty, three.text) == (72, "3 CASE = 72 EA")
    assert packs.base_quantity(db, "CHP-1", "2 case").qty == 48
    assert packs.base_quantity(db, "CHP-1", "5 ea").text == "5 EA"
    with pytest.raises(InvalidInput, match="whole"):
        packs.base_quantity(db, "CHP-1", "2.5 EA")
    assert packs.base_quantity(db, "FLUX-1", "(02)19501101530031(37)2").text == "2 DRUM = 400 KG"
    assert packs.base_quantity(db, "CHP-1", "(02)09501101530027(37)5").qty == 5  # the item's own GTIN: pieces
    with pytest.raises(InvalidInput, match="not CHP-1"):
        packs.base_quantity(db, "CHP-1", "(02)19501101530017(37)1")  # a box of screws
    with pytest.raises(InvalidInput, match="no packaging"):
        packs.base_quantity(db, "CHP-1", "3 DRUM")


def test_pallet_received_by_one_scan_all_lots_and_movements(db, site):
    done = pallets.receive(db, site, key="k-1", sscc=f"(00){SSCC}")
    assert done.location == "RCV-R" and done.po_number == "PO-3"
    assert {(lot.lot, lot.qty) for lot in done.lots} == {("CHP-P1", 24), ("CHP-P2", 16)}
    assert on_hand(db, "CHP-P1") == [("RCV-R", "available", 24)]
    assert helpers.scalar(db, "SELECT count(*) FROM movement WHERE operation_key = 'k-1'") == 2
    assert helpers.scalar(db, "SELECT received_qty FROM po_line WHERE po_number = 'PO-3'") == 40
    assert helpers.scalar(db, "SELECT count(*) FROM receipt WHERE operation_key LIKE 'k-1#%'") == 2
    assert pallets.receive(db, site, key="k-1", sscc=SSCC).lots == done.lots  # the same scan again: replayed
    with pytest.raises(Conflict, match="already received"):
        pallets.receive(db, site, key="k-2", sscc=SSCC)
    with pytest.raises(NotFound):
        pallets.receive(db, site, key="k-3", sscc="006141410000000029")
    assert checks.run_checks(db).ok


def test_a_received_pallet_reimported_unchanged_is_idempotent_changed_is_refused(db, site, system, tmp_path):
    pallets.receive(db, site, key="k-1", sscc=SSCC)
    again = run_import(db, system, "asn", plant.FILES / "asn.csv")
    assert not again.errors
    changed = (plant.FILES / "asn.csv").read_text().replace(",24,", ",30,")
    refused = run_import(db, system, "asn", _write(tmp_path, "asn.csv", changed))
    assert [(e.row, e.column, e.message) for e in refused.errors] == [
        (1, "sscc", f"Pallet {SSCC} is already received")]
    assert helpers.scalar(db, "SELECT qty FROM asn_line WHERE lot_no = 'CHP-P1'") == 24


def test_two_terminals_receiving_one_pallet_at_once_make_one_receipt(db, site):
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def terminal(key):
        barrier.wait()
        try:
            outcomes.append(pallets.receive(db, site, key=key, sscc=SSCC))
        except Conflict as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=terminal, args=(f"t-{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "PalletDone"]
    assert helpers.scalar(db, "SELECT sum(qty) FROM movement WHERE kind = 'receipt' AND reference = :s", s=SSCC) == 40
    assert helpers.scalar(db, "SELECT received_qty FROM po_line WHERE po_number = 'PO-3'") == 40


def test_pallet_put_away_whole_moved_and_broken_down(db, site):
    pallets.receive(db, site, key="r", sscc=SSCC)
    suggestion = pallets.suggest(db, site, SSCC)
    assert suggestion.from_location == "RCV-R" and suggestion.location.startswith("R-")
    other = "R-03" if suggestion.location != "R-03" else "R-02"
    with pytest.raises(NotSuggested):
        pallets.move(db, site, key="p0", sscc=SSCC, location=other, suggested=suggestion.location)
    done = pallets.move(db, site, key="p1", sscc=SSCC, location=suggestion.location, suggested=suggestion.location)
    assert done.qty == 40 and done.from_location == "RCV-R"
    assert on_hand(db, "CHP-P1") == [(suggestion.location, "available", 24)]
    assert on_hand(db, "CHP-P2") == [(suggestion.location, "available", 16)]
    assert helpers.scalar(db, "SELECT count(*) FROM receipt WHERE putaway_at IS NOT NULL"
                              " AND operation_key LIKE 'r#%'") == 2
    pallets.move(db, site, key="p2", sscc=SSCC, location=other)  # moved whole again
    assert on_hand(db, "CHP-P2") == [(other, "available", 16)]
    with pytest.raises(WrongLocation):
        pallets.move(db, site, key="p3", sscc=SSCC, location="NOWHERE")
    broken = pallets.break_down(db, site, key="b", sscc=SSCC)
    assert broken.status == "broken" and broken.qty == 40
    with pytest.raises(InvalidInput, match="broken down"):
        pallets.move(db, site, key="p4", sscc=SSCC, location=suggestion.location)
    assert on_hand(db, "CHP-P1") == [(other, "available", 24)]  # the lots stay, now alone
    assert checks.run_checks(db).ok


def test_pallet_built_with_an_sscc_from_the_company_prefix(db, site, system, monkeypatch):
    from core.config import settings

    pallets.receive(db, site, key="r", sscc=SSCC)
    pallets.break_down(db, site, key="b", sscc=SSCC)
    with pytest.raises(InvalidInput, match="gs1_company_prefix"):
        pallets.build(db, site, key="x", location="RCV-R", lots=["CHP-P1"])
    monkeypatch.setattr(settings(), "gs1_company_prefix", "9501101")
    built = pallets.build(db, site, key="y", location="RCV-R", lots=["CHP-P1", "CHP-P2"])
    assert len(built.sscc) == 18 and built.sscc.startswith("09501101") and packs.valid_sscc(built.sscc)
    assert built.qty == 40
    with pytest.raises(Conflict, match="already on pallet"):
        pallets.build(db, site, key="z", location="RCV-R", lots=["CHP-P1"])
    assert pallets.move(db, site, key="m", sscc=built.sscc, location="R-01").qty == 40
    assert pallets.show(db, built.sscc).location == "R-01"
