"""GS1 parsing (pure): every form a wedge scanner sends, and garbage that must never crash."""

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core.scan import GS, parse_gs1


def test_parenthesised_form_fills_every_field():
    r = parse_gs1("(01)09501101530003(10)ABC(17)261231(30)12")
    assert (r.gtin, r.lot, r.expiry, r.qty) == ("09501101530003", "ABC", date(2026, 12, 31), Decimal(12))


def test_raw_with_group_separator_and_symbology_identifiers():
    raw = f"010950110153000310LOT-7{GS}17270131{GS}3725"
    for prefix in ("", "]C1", "]d2", "]Q3", "]e0"):
        r = parse_gs1(prefix + raw)
        assert (r.gtin, r.lot, r.expiry, r.qty) == ("09501101530003", "LOT-7", date(2027, 1, 31), Decimal(25))


def test_sku_serial_net_weight_and_sscc():
    r = parse_gs1("(240)PCB-100(21)SN0001(3102)001250(11)261101")
    assert (r.sku, r.serial, r.net_kg, r.production_date) == ("PCB-100", "SN0001", Decimal("12.50"),
                                                              date(2026, 11, 1))
    assert parse_gs1("(00)106141411234567897").sscc == "106141411234567897"


def test_bare_gtin_is_padded_to_14_digits():
    assert parse_gs1("6950001000018").gtin == "06950001000018"


def test_trailing_newline_from_the_scanner_is_ignored():
    assert parse_gs1("(10)ABC\r\n").lot == "ABC"


def test_not_gs1():
    for s in ("", "   ", "hello world", "(99", "(01)123", "(17)991399", "A-01-1"):
        assert parse_gs1(s) is None, s


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_random_text_never_crashes(s):
    r = parse_gs1(s)
    assert r is None or r.kind == "gs1"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["(01)", "(10)", "(17)", "(30)", "(21)", "(240)", "(00)", "(3102)", GS, "]C1"]) |
                st.text(alphabet="0123456789ABC-", max_size=20).map(lambda t: [t]), max_size=8).map(
    lambda parts: "".join(p if isinstance(p, str) else "".join(p) for p in parts)))
def test_malformed_gs1_never_crashes(s):
    r = parse_gs1(s)
    assert r is None or r.kind == "gs1"
