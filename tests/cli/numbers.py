"""The contract's rule for every `--json` document: quantities are numbers in the item's base unit, never text."""

from __future__ import annotations

from collections.abc import Iterator

# Keys that hold a quantity (or a count) in the contract's documents.
QUANTITY_KEYS = frozenset({
    "qty", "reserved", "required", "issued", "available", "short", "ledger", "balance", "blocked",
    "good", "scrap", "min_qty", "max_qty", "safety_stock", "reorder_point", "counted", "expected",
    "rows", "inserted", "updated", "rejected", "pick_tasks", "lots", "blocked_balances", "stockout_stoppages",
})


def quantities(doc, path: str = "$") -> Iterator[tuple[str, object]]:
    """Every (path, value) under a quantity key, however deep."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in QUANTITY_KEYS and not isinstance(value, dict | list):
                yield f"{path}.{key}", value
            else:
                yield from quantities(value, f"{path}.{key}")
    elif isinstance(doc, list):
        for n, value in enumerate(doc):
            yield from quantities(value, f"{path}[{n}]")


def assert_quantities_are_numbers(doc) -> int:
    """Fails on a quantity printed as text ("10") or a boolean; returns how many quantities the document holds."""
    found = list(quantities(doc))
    wrong = [(p, v) for p, v in found if v is not None and (isinstance(v, bool) or not isinstance(v, int | float))]
    assert not wrong, f"quantities that are not numbers: {wrong}"
    return len(found)
