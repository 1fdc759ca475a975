"""The digest a confirmation's key is bound to: the same inputs digest alike, whatever their spelling; any input
that changes the confirmation changes the digest."""

from datetime import date
from decimal import Decimal

import pytest

from core.services.ledger import Leg, moves_payload, payload_digest

D = Decimal


def test_a_quantity_digests_by_its_value():
    same = [{"qty": q} for q in (D(5), D("5.000"), D("5.0"), D("5E0"), D("0.5E1"), 5)]
    assert len({payload_digest(p) for p in same}) == 1
    assert payload_digest({"qty": D(500)}) == payload_digest({"qty": D("5E+2")}) != payload_digest({"qty": D(5)})
    assert payload_digest({"qty": D(0)}) == payload_digest({"qty": D("-0.00")})
    assert payload_digest({"qty": D("0.1")}) != payload_digest({"qty": D(1)})


def test_key_order_does_not_matter_but_every_value_does():
    base = {"lot": "L1", "qty": D(5), "location": "A-01", "reason": None}
    assert payload_digest(base) == payload_digest(dict(reversed(list(base.items()))))
    for change in ({"lot": "L2"}, {"qty": D(6)}, {"location": "A-02"}, {"reason": "damaged"}):
        assert payload_digest({**base, **change}) != payload_digest(base)
    assert payload_digest({"lot": None}) != payload_digest({})  # a missing field is not an empty one
    assert payload_digest({"lot": "5"}) != payload_digest({"lot": 5})  # a lot number is text, not a quantity
    assert payload_digest({"passed": True}) != payload_digest({"passed": 1})


def test_legs_dates_and_lines_digest_by_their_fields():
    leg = Leg(1, 2, D("2.50"), 10, "available", 11, "available")
    assert payload_digest(moves_payload([leg], "tidy", None)) == payload_digest(
        moves_payload([Leg(1, 2, D("2.5"), 10, "available", 11, "available")], "tidy", None))
    assert payload_digest(moves_payload([leg], "tidy", None)) != payload_digest(
        moves_payload([Leg(1, 2, D("2.5"), 10, "available", 12, "available")], "tidy", None))
    assert payload_digest({"expiry": date(2030, 1, 1)}) == payload_digest({"expiry": "2030-01-01"})
    assert payload_digest({"legs": [leg, leg]}) != payload_digest({"legs": [leg]})


def test_what_has_no_canonical_form_is_a_programming_error():
    with pytest.raises(TypeError):
        payload_digest({"who": object()})
    with pytest.raises(TypeError):
        payload_digest({1: "a"})
    with pytest.raises(ValueError):
        payload_digest({"qty": D("NaN")})
