"""Pure logic of packs and pallets: the GS1 mod-10 check digit of SSCCs, what a quantity step looks up as a pack,
a (02)+(37) scan's fields, and how a conversion reads."""

from decimal import Decimal

import biip
import pytest

from core.scan import parse_gs1
from core.services.imports.fields import FieldError, sscc
from core.services.packs import PackQty, check_digit, looks_like_pack, valid_sscc
from core.services.pallets import sscc_of


@pytest.mark.parametrize("key", ["106141411234567897", "376123450000010008", "006141410000000012",
                                 "09501101530003", "19501101530024"])
def test_gs1_check_digit_agrees_with_biip(key):
    """biip (which validates every GS1 key it parses) accepts these; ours computes the same last digit."""
    parsed = biip.parse(key)
    assert (parsed.sscc if len(key) == 18 else parsed.gtin) is not None
    assert check_digit(key[:-1]) == int(key[-1])


def test_sscc_is_18_digits_with_its_check_digit():
    assert valid_sscc("006141410000000012")
    assert not valid_sscc("006141410000000013") and not valid_sscc("00614141000000001") and not valid_sscc("x" * 18)
    assert sscc("006141410000000012") == "006141410000000012"
    with pytest.raises(FieldError, match="check digit"):
        sscc("006141410000000013")
    with pytest.raises(FieldError, match="18 digits"):
        sscc("0061414100000000123")
    assert sscc_of("(00)006141410000000012") == "006141410000000012"


def test_a_02_37_scan_carries_the_contained_gtin_and_the_count():
    scan = parse_gs1("(02)19501101530024(37)3")
    assert scan.gtin == "19501101530024" and scan.qty == 3
    assert parse_gs1("]C10219501101530024373").qty == 3  # raw, with a symbology identifier
    assert parse_gs1("(00)006141410000000012").sscc == "006141410000000012"


def test_what_a_quantity_step_looks_up():
    assert looks_like_pack("(02)19501101530024(37)3") and looks_like_pack("19501101530024")
    assert looks_like_pack("3 CASE") and looks_like_pack("2drum")
    assert not looks_like_pack("24") and not looks_like_pack("2.5") and not looks_like_pack("12345678")  # bad check
    assert not looks_like_pack("2,5")


def test_a_conversion_reads_packs_then_base_units():
    assert PackQty("CHP-1", "EA", Decimal(72), "CASE", Decimal(3)).text == "3 CASE = 72 EA"
    assert PackQty("FLUX-1", "KG", Decimal("400.000000"), "DRUM", Decimal(2)).text == "2 DRUM = 400 KG"
    assert PackQty("CHP-1", "EA", Decimal(5)).text == "5 EA"
