"""What an import changed, for its audit row: the table, the first keys that were new and the first that were
already there, the file's SHA-256 and, for operators, each changed badge's roles before -> after.

Bounded whatever the file's size: the first SHOWN keys come from queries over the temp table `imp` (its good
rows, before the write) that stop there, the counts are the summary's (`inserted`, `updated`), and the digest
is of the file itself, so an auditor holding the file can tell it is the one imported.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.services.imports.specs import Spec

SHOWN = 50  # keys listed per list (new, existing) and operators listed with their changes
PRIVILEGED = ("admin", "supervisor")

# Per kind: the table written and whether the row `i` of `imp` names a record that is already there.
TARGETS: dict[str, tuple[str, str]] = {
    "warehouses": ("warehouse", "EXISTS (SELECT 1 FROM warehouse x WHERE x.code = i.code)"),
    "suppliers": ("supplier", "EXISTS (SELECT 1 FROM supplier x WHERE x.code = i.code)"),
    "customers": ("customer", "EXISTS (SELECT 1 FROM customer x WHERE x.code = i.code)"),
    "locations": ("location", "EXISTS (SELECT 1 FROM location x JOIN warehouse w ON w.id = x.warehouse_id"
                              " WHERE w.code = i.warehouse AND x.code = i.code)"),
    "items": ("item", "EXISTS (SELECT 1 FROM item x WHERE x.sku = i.sku)"),
    "operators": ("operator", "EXISTS (SELECT 1 FROM operator x WHERE x.badge = i.badge)"),
    "boms": ("bom_line", "EXISTS (SELECT 1 FROM bom_line x JOIN item p ON p.id = x.parent_item_id"
                         " JOIN item c ON c.id = x.component_item_id"
                         " WHERE p.sku = i.parent_sku AND c.sku = i.component_sku)"),
    "purchase-orders": ("po_line", "EXISTS (SELECT 1 FROM po_line x WHERE x.po_number = i.po_number"
                                   " AND x.line_no = CAST(i.line_no AS integer))"),
    "sales-orders": ("so_line", "EXISTS (SELECT 1 FROM so_line x WHERE x.so_number = i.so_number"
                                " AND x.line_no = CAST(i.line_no AS integer))"),
    "work-orders": ("work_order", "EXISTS (SELECT 1 FROM work_order x WHERE x.wo_number = i.wo_number)"),
    "work-centers": ("work_center", "EXISTS (SELECT 1 FROM work_center x WHERE x.code = i.code)"),
    "downtime-reasons": ("downtime_reason", "EXISTS (SELECT 1 FROM downtime_reason x WHERE x.code = i.code)"),
    "qc-plans": ("qc_characteristic", "EXISTS (SELECT 1 FROM qc_characteristic x WHERE x.plan = i.plan"
                                      " AND x.characteristic = i.characteristic)"),
    "routings": ("routing", "EXISTS (SELECT 1 FROM routing x JOIN item it ON it.id = x.item_id"
                            " WHERE it.sku = i.sku AND x.op_no = CAST(i.op_no AS integer))"),
    "packagings": ("packaging", "EXISTS (SELECT 1 FROM packaging x JOIN item it ON it.id = x.item_id"
                                " WHERE it.sku = i.sku AND x.uom = i.uom)"),
    "asn": ("asn_line", "EXISTS (SELECT 1 FROM asn_line x JOIN po_line p ON p.id = x.po_line_id"
                        " WHERE x.sscc = i.sscc AND p.po_number = i.po_number"
                        " AND p.line_no = CAST(i.line_no AS integer) AND x.lot_no = i.lot)"),
    "line-stock": ("line_stock", "EXISTS (SELECT 1 FROM line_stock x JOIN location l ON l.id = x.location_id"
                                 " JOIN item it ON it.id = x.item_id WHERE l.code = i.location AND it.sku = i.sku)"),
    "stock": ("stock_balance", "EXISTS (SELECT 1 FROM stock_balance b JOIN location l ON l.id = b.location_id"
                               " JOIN warehouse w ON w.id = l.warehouse_id JOIN item x ON x.id = b.item_id"
                               " LEFT JOIN lot t ON t.id = b.lot_id WHERE w.code = i.warehouse"
                               " AND l.code = i.location AND x.sku = i.sku"
                               " AND coalesce(t.lot_no, '') = coalesce(i.lot, '')"
                               " AND b.status = coalesce(i.status, 'available'))"),
}

_OPERATORS = text("SELECT o.badge, o.name, o.roles, o.pin_hash FROM operator o"
                  " WHERE o.badge IN (SELECT badge FROM imp) ORDER BY o.badge")


def file_sha256(path: Path) -> str:
    """SHA-256 of the file as read, in chunks (bounded memory)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def before(session: Session, spec: Spec) -> dict:
    """Taken after the bad rows are gone from `imp` and before the write: the first keys that are new, and the
    first that are already there (the counts are the summary's)."""
    table, exists = TARGETS[spec.kind]
    key = "concat_ws('/', " + ", ".join(f'i."{c}"' for c in spec.key) + ")"

    def first(where: str) -> list[str]:
        # materialized, so the join is planned for the whole file (a hash semi- or anti-join), not as a lookup
        # per row in the hope that SHOWN matches come early: a re-imported file has no new key at all
        return list(session.execute(text(
            f"WITH m AS MATERIALIZED (SELECT i._row, {key} AS key FROM imp i WHERE i._ok AND {where})"
            " SELECT key FROM m ORDER BY _row LIMIT :shown"), {"shown": SHOWN}).scalars())

    detail = {"table": table, "new_keys": first(f"NOT {exists}"), "existing_keys": first(exists)}
    if spec.kind == "operators":
        detail["_operators"] = {r.badge: r for r in session.execute(_OPERATORS)}
    return detail


def _operator_changes(session: Session, was: dict) -> tuple[list[dict], int]:
    """Each operator the import created or changed: roles before -> after (privilege grants listed first)."""
    changes = []
    for now in session.execute(_OPERATORS):
        old = was.get(now.badge)
        change: dict = {"badge": now.badge}
        if old is None or sorted(old.roles) != sorted(now.roles):
            change["roles"] = {"before": sorted(old.roles) if old else None, "after": sorted(now.roles)}
        if old is not None and old.name != now.name:
            change["name"] = {"before": old.name, "after": now.name}
        if now.pin_hash is not None and (old is None or old.pin_hash != now.pin_hash):
            change["pin"] = "set"  # never the PIN or its hash
        if len(change) > 1:
            changes.append(change)

    def granted(c: dict) -> bool:
        roles = c.get("roles")
        return bool(roles) and bool(set(PRIVILEGED) & (set(roles["after"]) - set(roles["before"] or ())))

    changes.sort(key=lambda c: (not granted(c), c["badge"]))
    return changes[:SHOWN], len(changes)


def after(session: Session, spec: Spec, detail: dict, key: str, path: Path) -> dict:
    """The audit's `new`: what `before` saw, plus what only the write knows, and the file's digest."""
    detail = dict(detail)
    was = detail.pop("_operators", None)
    if was is not None:
        detail["operators"], detail["operators_changed"] = _operator_changes(session, was)
    if spec.kind == "stock":
        detail["movements"] = session.execute(
            text("SELECT count(*) FROM movement WHERE operation_key = :k"), {"k": key}).scalar()
    detail["keys_shown"] = SHOWN
    detail["file_sha256"] = file_sha256(path)
    return detail
