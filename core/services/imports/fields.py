"""Cleaning one cell: trim, normalise, or say exactly what is wrong (never guess)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from core.errors import InvalidInput
from core.i18n import _
from core.services.auth import validate_pin
from core.services.lots import lot_number

# Unit spellings seen in plants' spreadsheets -> our codes. Anything else is an error, never a guess.
UNITS = {
    "ea": "EA", "pc": "EA", "pcs": "EA", "piece": "EA", "pieces": "EA", "each": "EA", "个": "EA", "件": "EA",
    "只": "EA", "片": "EA", "颗": "EA", "pce": "EA", "unit": "EA", "units": "EA",
    "kg": "KG", "kgs": "KG", "公斤": "KG", "千克": "KG", "g": "G", "gram": "G", "克": "G",
    "m": "M", "meter": "M", "metre": "M", "米": "M", "mm": "MM", "毫米": "MM",
    "l": "L", "liter": "L", "litre": "L", "升": "L", "ml": "ML", "毫升": "ML",
    "roll": "ROLL", "卷": "ROLL", "reel": "REEL", "盘": "REEL", "box": "BOX", "盒": "BOX", "箱": "BOX",
    "set": "SET", "套": "SET", "pair": "PR", "pr": "PR", "对": "PR",
}


class FieldError(ValueError):
    """A cell that cannot be cleaned; the message is already translated."""


MAX_TEXT = 200  # the longest text column (names); every cell is refused beyond it
MAX_INT = 2**31 - 1  # PostgreSQL integer
MAX_QTY = Decimal(10) ** 12  # numeric(18, 6): below 10^12, at most 6 decimal places
SCALE = 6
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")  # `.` is the only decimal point; no signs, groups or exponents
_WHOLE = re.compile(r"[0-9]+(\.0+)?")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SPACE = re.compile(r"\s")  # str patterns: \s is exactly str.isspace()


def text(value: str) -> str:
    cleaned = " ".join(value.split())
    if len(cleaned) > MAX_TEXT:
        raise FieldError(_("Longer than {n} characters").format(n=MAX_TEXT))
    return cleaned


def code(value: str, longest: int = 64) -> str:
    cleaned = value.strip()
    if _SPACE.search(cleaned):
        raise FieldError(_("A code cannot contain spaces"))
    if len(cleaned) > longest:
        raise FieldError(_("Longer than {n} characters").format(n=longest))
    return cleaned


def short_code(value: str) -> str:
    """A code of at most 32 characters (warehouse, supplier and customer codes, zones, lines)."""
    return code(value, 32)


def zone(value: str) -> str:
    cleaned = text(value)
    if len(cleaned) > 32:
        raise FieldError(_("Longer than {n} characters").format(n=32))
    return cleaned


def lot(value: str) -> str:
    """A lot or serial number: 1-20 characters of the GS1 AI 82 set, as at receiving."""
    try:
        return lot_number(value)
    except InvalidInput as exc:
        raise FieldError(str(exc)) from None


def integer(value: str) -> int:
    v = value.strip()
    if not _WHOLE.fullmatch(v):
        raise FieldError(_("Not a whole number: {value}").format(value=value))
    number = int(Decimal(v))
    if number > MAX_INT:
        raise FieldError(_("Too large: {value}").format(value=value))
    return number


def quantity(value: str) -> Decimal:
    v = value.strip()
    if not _NUMBER.fullmatch(v):
        raise FieldError(_("Not a number (use . as the decimal point): {value}").format(value=value))
    number = Decimal(v)
    if number >= MAX_QTY:
        raise FieldError(_("Too large: {value}").format(value=value))
    if -number.as_tuple().exponent > SCALE and number != number.quantize(Decimal(1).scaleb(-SCALE)):
        raise FieldError(_("More than {n} decimal places: {value}").format(n=SCALE, value=value))
    return number


def signed(value: str) -> Decimal:
    """A limit that may be below zero (a temperature): `-` then a quantity, nothing else."""
    v = value.strip()
    return -quantity(v[1:]) if v.startswith("-") and v[1:2].isdigit() else quantity(v)


def name64(value: str) -> str:
    """Text of at most 64 characters (a QC plan's characteristic)."""
    cleaned = text(value)
    if len(cleaned) > 64:
        raise FieldError(_("Longer than {n} characters").format(n=64))
    return cleaned


def unit_text(value: str) -> str:
    """A measuring unit as written (`mm`, `°C`, `Ω`): at most 16 characters, kept as it is."""
    cleaned = text(value)
    if len(cleaned) > 16:
        raise FieldError(_("Longer than {n} characters").format(n=16))
    return cleaned


def positive(value: str) -> Decimal:
    number = quantity(value)
    if number <= 0:
        raise FieldError(_("Must be greater than zero: {value}").format(value=value))
    return number


def boolean(value: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "yes", "y", "1", "是"):
        return True
    if v in ("false", "no", "n", "0", "否"):
        return False
    raise FieldError(_("Expected true or false: {value}").format(value=value))


def day(value: str) -> date:
    v = value.strip()
    try:
        if not _DAY.fullmatch(v):
            raise ValueError(v)
        return date.fromisoformat(v)
    except ValueError:
        raise FieldError(_("Not a date (YYYY-MM-DD): {value}").format(value=value)) from None


def moment(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise FieldError(_("Not a time (ISO 8601): {value}").format(value=value)) from None
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()  # a time without offset is the plant's local time
    return parsed


def unit(value: str) -> str:
    v = value.strip()
    if v.upper() in set(UNITS.values()):
        return v.upper()
    if v.lower() in UNITS:
        return UNITS[v.lower()]
    raise FieldError(_("Unknown unit: {value}").format(value=value))


def gtin(value: str) -> str:
    digits = value.strip()
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        raise FieldError(_("A GTIN has 8, 12, 13 or 14 digits: {value}").format(value=value))
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    if (10 - total % 10) % 10 != check:
        raise FieldError(_("Wrong GTIN check digit: {value}").format(value=value))
    return digits


def choice(*allowed: str):
    def parse(value: str) -> str:
        v = value.strip().lower() if allowed[0].islower() else value.strip().upper()
        if v not in allowed:
            raise FieldError(_("Expected one of {allowed}: {value}").format(allowed=", ".join(allowed), value=value))
        return v

    return parse


def roles(value: str) -> list[str]:
    parts = [p.strip().lower() for p in value.split("|") if p.strip()]
    allowed = ("clerk", "inspector", "supervisor", "admin")
    bad = [p for p in parts if p not in allowed]
    if not parts or bad:
        raise FieldError(_("Roles are |-separated of clerk, inspector, supervisor, admin: {value}").format(value=value))
    return sorted(set(parts))


def pin(value: str) -> str:
    try:
        return validate_pin(value)  # the base rule; a privileged role's longer one applies at set-pin
    except InvalidInput as exc:
        raise FieldError(str(exc)) from None


_PACK_UNIT = re.compile(r"[A-Za-z]{1,16}")


def pack_unit(value: str) -> str:
    """A packaging's unit (CASE, DRUM, PALLET): 1-16 letters, upper case; typed after a count at a quantity step."""
    v = value.strip()
    if not _PACK_UNIT.fullmatch(v):
        raise FieldError(_("A packaging unit is 1-16 letters: {value}").format(value=value))
    return v.upper()


def sscc(value: str) -> str:
    """An SSCC: 18 digits, the last the GS1 check digit of the other 17."""
    digits = value.strip()
    if not digits.isdigit() or len(digits) != 18:
        raise FieldError(_("An SSCC has 18 digits: {value}").format(value=value))
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    if (10 - total % 10) % 10 != check:
        raise FieldError(_("Wrong SSCC check digit: {value}").format(value=value))
    return digits
