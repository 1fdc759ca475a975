"""Streaming readers: CSV (UTF-8, BOM allowed) and XLSX (first sheet), both as (header, rows of strings)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
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


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    try:
        header = [_cell(v).strip().lower() for v in next(it)]
    except StopIteration:
        book.close()
        raise InvalidInput("The file is empty") from None
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[list[str]]:
        try:
            for values in it:
                cells = [_cell(v) for v in values]  # blank rows too: the loader skips them, keeping row numbers
                yield cells + [""] * (len(header) - len(cells))
        finally:
            book.close()

    return header, rows()
