"""Streaming readers: CSV (UTF-8, BOM allowed) and XLSX (first sheet), both as (header, rows of strings)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path

from core.errors import InvalidInput


def read(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    """The header (trimmed, lower-case) and an iterator over the data rows, without loading the file."""
    if not path.is_file():
        raise InvalidInput("File not found: {path}", path=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx(path)
    return _csv(path)


def _csv(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    fh = path.open(encoding="utf-8-sig", newline="")
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise InvalidInput("The file is empty") from None
    except UnicodeDecodeError:
        fh.close()
        raise InvalidInput("The file is not UTF-8 text") from None

    def rows() -> Iterator[list[str]]:
        with fh:
            try:
                yield from reader
            except UnicodeDecodeError:
                raise InvalidInput("The file is not UTF-8 text") from None

    return [h.strip().lower() for h in header], rows()


class Uncomputed(str):
    """An XLSX formula cell saved without a computed value (the text is the formula): a row error, never blank."""


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()  # a date cell: Excel stores dates as midnight
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")  # 1e-07 -> 0.0000001, never the exponent form
    return str(value)


def _xlsx(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    from openpyxl import load_workbook

    # two streaming readers side by side: cached values, and formulas (to tell a formula without a value from a
    # blank cell); both read_only, so memory does not grow with the sheet
    book = load_workbook(path, read_only=True, data_only=True)
    formulas = load_workbook(path, read_only=True, data_only=False)
    it = book.worksheets[0].iter_rows(values_only=True)
    fit = formulas.worksheets[0].iter_rows(values_only=True)
    try:
        header = [_cell(v).strip().lower() for v in next(it)]
        next(fit, None)
    except StopIteration:
        book.close()
        formulas.close()
        raise InvalidInput("The file is empty") from None
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[list[str]]:
        try:
            for values in it:
                shown = next(fit, ()) or ()
                cells = []
                for i, v in enumerate(values):
                    f = shown[i] if i < len(shown) else None
                    if v is None and isinstance(f, str) and f.startswith("="):
                        cells.append(Uncomputed(f))
                    else:
                        cells.append(_cell(v))
                # blank rows too: the loader skips them, keeping row numbers
                yield cells + [""] * (len(header) - len(cells))
        finally:
            book.close()
            formulas.close()

    return header, rows()
