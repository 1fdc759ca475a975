"""Typed answers of the posting services, built from an operation's stored result.

A confirmation's result is kept as JSON with its idempotency key, so a retried scan gets the same answer;
`Result.of()` turns that stored document back into a frozen dataclass with real types (Decimal quantities,
dates), so callers read `done.qty`, never `result["qty"]`. `json()` is the document again, for `--json`.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from core.services.audit import jsonable


def _coerce(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        inner = [k for k in typing.get_args(kind) if k is not type(None)]
        return _coerce(inner[0], value) if len(inner) == 1 else value
    if kind is Decimal:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value)
    if kind is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if origin in (tuple, list) and isinstance(value, list | tuple):
        args = typing.get_args(kind)
        item = args[0] if args else Any
        return tuple(_coerce(item, v) for v in value)
    if isinstance(kind, type) and issubclass(kind, Result) and isinstance(value, dict):
        return kind.of(value)
    return value


@dataclasses.dataclass(frozen=True)
class Result:
    """Base of every typed service answer."""

    @classmethod
    def of(cls, data: dict[str, Any]) -> Self:
        """The typed answer from a stored (or fresh) result document; keys it does not declare are ignored."""
        values = {}
        for name, key, kind, required in _fields(cls):
            if key in data:
                values[name] = _coerce(kind, data[key])
            elif required:
                values[name] = None
        return cls(**values)

    def json(self) -> dict[str, Any]:
        """The answer as the JSON document the CLI prints: quantities as numbers, times as ISO 8601."""
        return {f.metadata.get("key", f.name): _json(getattr(self, f.name)) for f in dataclasses.fields(self)}


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, str, Any, bool], ...]:
    """(name, stored key, type, required) per field: resolving the type hints once per class, not per row."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, f.metadata.get("key", f.name), hints[f.name],
                  f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
                 for f in dataclasses.fields(cls))


def stored_as(key: str) -> Any:
    """A field whose key in the stored document differs from its name (`from` is a keyword)."""
    return dataclasses.field(metadata={"key": key})


def _json(value: Any) -> Any:
    if isinstance(value, Result):
        return value.json()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return jsonable(value)
