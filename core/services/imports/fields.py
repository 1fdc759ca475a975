"""Cleaning one cell: trim, normalise, or say exactly what is wrong (never guess)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from core.errors import InvalidInput
from core.i18n import _
from core.services.auth import validate_pin

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


def text(value: str) -> str:
    return " ".join(value.split())


def code(value: str) -> str:
    cleaned = value.strip()
    if any(ch.isspace() for ch in cleaned):
        raise FieldError(_("A code cannot contain spaces"))
    return cleaned


def integer(value: str) -> int:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise FieldError(_("Not a whole number: {value}").format(value=value)) from None
    if number != number.to_integral_value() or number < 0:
        raise FieldError(_("Not a whole number: {value}").format(value=value))
    return int(number)


def quantity(value: str) -> Decimal:
    try:
        number = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        raise FieldError(_("Not a number: {value}").format(value=value)) from None
    if not number.is_finite() or number < 0:
        raise FieldError(_("Not a quantity: {value}").format(value=value))
    return number


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
    try:
        return date.fromisoformat(value.strip()[:10])
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
        return validate_pin(value)  # the roles' own minimum is checked with the whole row (imports._clean)
    except InvalidInput as exc:
        raise FieldError(str(exc)) from None
