"""Typed dates: ISO and GS1 YYMMDD are read; anything that could mean two dates is refused."""

from datetime import date

import pytest

from core.dates import parse_date
from core.errors import InvalidInput


@pytest.mark.parametrize(("typed", "meant"), [
    ("2028-12-31", date(2028, 12, 31)),
    ("20281231", date(2028, 12, 31)),
    ("281231", date(2028, 12, 31)),
    ("(17)281231", date(2028, 12, 31)),
    ("280200", date(2028, 2, 29)),  # GS1: day 00 is the month's last day
    (" 2027-01-05 ", date(2027, 1, 5)),
])
def test_unambiguous_forms_are_read(typed, meant):
    assert parse_date(typed) == meant


@pytest.mark.parametrize("typed", ["31/12/28", "12/31/2028", "31.12.2028", "2028-13-01", "2028-02-30", "281331",
                                   "1231", "tomorrow", "2026-01-015", "[/]"])
def test_ambiguous_or_impossible_forms_are_refused(typed):
    with pytest.raises(InvalidInput, match="Not a date"):
        parse_date(typed)
