"""Every CSV Lineside writes goes through here: cells a spreadsheet would run as a formula are neutralised.

A cell starting with `=` `+` `-` `@`, a tab or a carriage return gets a leading `'` (contract "Idempotency and
exports"), so a lot such as `=HYPERLINK(...)` is shown as text, never evaluated, in Excel or LibreOffice.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """The cell as written: a string that a spreadsheet would read as a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class Writer:
    """csv.writer with every cell neutralised."""

    def __init__(self, fh: IO[str]) -> None:
        self._writer = csv.writer(fh)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(fh: IO[str]) -> Writer:
    return Writer(fh)
