"""Per kind: columns (required or not, how to clean them), the natural key, the references a row must meet,
and one set-based upsert from the COPY-loaded temp table `imp` (all text columns, cast in SQL)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.i18n import N_, _
from core.services.imports import fields as f
from core.units import piece_units_sql
from core.vocabulary import IMPORTABLE_STATUSES, LocationKind, Tracking, values

Parser = Callable[[str], object]


@dataclass(frozen=True)
class Reference:
    """A non-empty `column` must satisfy `exists` (SQL over the temp table row `i`), else `message`."""

    column: str
    exists: str
    message: str  # English msgid with {value}


@dataclass(frozen=True)
class Spec:
    kind: str
    key: tuple[str, ...]
    required: dict[str, Parser]
    optional: dict[str, Parser] = field(default_factory=dict)
    refs: tuple[Reference, ...] = ()
    upsert: str = ""  # uses {updates}: the SET list for the optional columns present in the file
    defaults: dict[str, object] = field(default_factory=dict)  # an empty cell of these columns means this value

    @property
    def columns(self) -> list[str]:
        return [*self.required, *self.optional]


def _set(*cols: str) -> dict[str, str]:
    return {c: f"{c} = excluded.{c}" for c in cols}


WAREHOUSE_REF = Reference("warehouse", "EXISTS (SELECT 1 FROM warehouse w WHERE w.code = i.warehouse)",
                          "Unknown warehouse: {value}")
SKU_REF = Reference("sku", "EXISTS (SELECT 1 FROM item x WHERE x.sku = i.sku)", "Unknown SKU: {value}")
SUPPLIER_REF = Reference("supplier", "EXISTS (SELECT 1 FROM supplier x WHERE x.code = i.supplier)",
                         "Unknown supplier: {value}")
RETURN = " RETURNING (xmax = 0) AS inserted"
CASE_MESSAGE = "{value} differs only in upper/lower case from an existing code"
CASE_IN_FILE = "{value} differs only in upper/lower case from a code earlier in the file"


def same_but_case(table: str, column: str, *, scope: str = "", file_scope: str = "") -> tuple[Reference, ...]:
    """Codes are case-insensitive: a code that differs only in case from one already stored (`scope`: more SQL
    over `x`, the table, and `i`) or from one earlier in the file (`file_scope`: over `y`, another row, and `i`)
    is refused, never stored as a second record."""
    c = column
    return (Reference(c, f"NOT EXISTS (SELECT 1 FROM {table} x WHERE lower(x.{c}) = lower(i.{c})"
                         f" AND x.{c} <> i.{c}{scope})", CASE_MESSAGE),
            Reference(c, f"NOT EXISTS (SELECT 1 FROM imp y WHERE lower(y.{c}) = lower(i.{c}) AND y.{c} <> i.{c}"
                         f" AND y._row < i._row{file_scope})", CASE_IN_FILE))


SPECS: dict[str, Spec] = {}


def spec(s: Spec) -> Spec:
    SPECS[s.kind] = s
    return s


spec(Spec("warehouses", ("code",), {"code": f.short_code, "name": f.text}, refs=same_but_case("warehouse", "code"),
          upsert="INSERT INTO warehouse (code, name) SELECT code, name FROM imp"
                 " ON CONFLICT (code) DO UPDATE SET name = excluded.name" + RETURN))
spec(Spec("suppliers", ("code",), {"code": f.short_code, "name": f.text}, refs=same_but_case("supplier", "code"),
          upsert="INSERT INTO supplier (code, name) SELECT code, name FROM imp"
                 " ON CONFLICT (code) DO UPDATE SET name = excluded.name" + RETURN))
spec(Spec("customers", ("code",), {"code": f.short_code, "name": f.text}, refs=same_but_case("customer", "code"),
          upsert="INSERT INTO customer (code, name) SELECT code, name FROM imp"
                 " ON CONFLICT (code) DO UPDATE SET name = excluded.name" + RETURN))
spec(Spec(
    "locations", ("warehouse", "code"),
    {"warehouse": f.code, "code": f.code, "kind": f.choice(*values(LocationKind))},
    {"zone": f.zone, "capacity_lots": f.integer, "pick_sequence": f.integer, "line": f.short_code},
    (WAREHOUSE_REF, *same_but_case("location", "code", scope=" AND x.warehouse_id ="
                                   " (SELECT w.id FROM warehouse w WHERE w.code = i.warehouse)",
                                   file_scope=" AND y.warehouse = i.warehouse")),
    "INSERT INTO location (warehouse_id, code, kind, zone, capacity_lots, pick_sequence, line)"
    " SELECT w.id, i.code, i.kind, i.zone, CAST(i.capacity_lots AS integer),"
    " coalesce(CAST(i.pick_sequence AS integer), 0), i.line FROM imp i JOIN warehouse w ON w.code = i.warehouse"
    " ON CONFLICT (warehouse_id, code) DO UPDATE SET kind = excluded.kind{updates}" + RETURN))
spec(Spec(
    "items", ("sku",),
    {"sku": f.code, "name": f.text, "uom": f.unit},
    {"tracking": f.choice(*values(Tracking)), "shelf_life_days": f.integer, "gtin": f.gtin,
     "safety_stock": f.quantity, "reorder_qty": f.quantity, "abc": f.choice("A", "B", "C"),
     "unit_cost": f.quantity, "qc_required": f.boolean, "home_location": f.code, "warehouse": f.code},
    (*same_but_case("item", "sku"),
     Reference("home_location", "(SELECT count(*) FROM location l WHERE l.code = i.home_location) = 1",
               "Unknown or ambiguous location: {value}"),
     WAREHOUSE_REF,
     Reference("gtin", "NOT EXISTS (SELECT 1 FROM item x WHERE x.gtin = i.gtin AND x.sku <> i.sku)"
                       " AND NOT EXISTS (SELECT 1 FROM imp y WHERE y.gtin = i.gtin AND y._row < i._row)",
               "GTIN {value} belongs to another item")),
    "INSERT INTO item (sku, name, uom, tracking, shelf_life_days, gtin, safety_stock, reorder_qty, abc, unit_cost,"
    " qc_required, home_location_id, warehouse_id)"
    " SELECT i.sku, i.name, i.uom, coalesce(i.tracking, 'lot'), CAST(i.shelf_life_days AS integer), i.gtin,"
    " coalesce(CAST(i.safety_stock AS numeric), 0), coalesce(CAST(i.reorder_qty AS numeric), 0), i.abc,"
    " coalesce(CAST(i.unit_cost AS numeric), 0), coalesce(CAST(i.qc_required AS boolean), false),"
    " (SELECT id FROM location l WHERE l.code = i.home_location),"
    # where it is stocked: as the file says, else the warehouse of its home location
    " coalesce((SELECT id FROM warehouse w WHERE w.code = i.warehouse),"
    "          (SELECT l.warehouse_id FROM location l WHERE l.code = i.home_location)) FROM imp i"
    " ON CONFLICT (sku) DO UPDATE SET name = excluded.name, uom = excluded.uom{updates}" + RETURN))
spec(Spec(
    "operators", ("badge",), {"badge": f.code, "name": f.text, "roles": f.roles}, {"pin": f.pin},
    (*same_but_case("operator", "badge"),
     Reference("badge", "upper(i.badge) <> 'SYSTEM'", "{value} is the built-in operator and cannot be imported"),),
    upsert="INSERT INTO operator (badge, name, roles, pin_hash) SELECT badge, name, string_to_array(roles, '|'), pin"
           " FROM imp ON CONFLICT (badge) DO UPDATE SET name = excluded.name, roles = excluded.roles,"
           " pin_hash = coalesce(excluded.pin_hash, operator.pin_hash)" + RETURN))
spec(Spec(
    "boms", ("parent_sku", "component_sku"),
    {"parent_sku": f.code, "component_sku": f.code, "qty_per": f.positive},
    {"scrap_pct": f.quantity, "backflush": f.boolean},
    (Reference("parent_sku", "EXISTS (SELECT 1 FROM item x WHERE x.sku = i.parent_sku)", SKU_REF.message),
     Reference("component_sku", "EXISTS (SELECT 1 FROM item x WHERE x.sku = i.component_sku)", SKU_REF.message),
     Reference("component_sku", "i.component_sku <> i.parent_sku", "An item cannot be its own component: {value}")),
    "INSERT INTO bom_line (parent_item_id, component_item_id, qty_per, scrap_pct, backflush)"
    " SELECT p.id, c.id, CAST(i.qty_per AS numeric), coalesce(CAST(i.scrap_pct AS numeric), 0),"
    " coalesce(CAST(i.backflush AS boolean), false) FROM imp i JOIN item p ON p.sku = i.parent_sku"
    " JOIN item c ON c.sku = i.component_sku"
    " ON CONFLICT (parent_item_id, component_item_id) DO UPDATE SET qty_per = excluded.qty_per{updates}" + RETURN))
spec(Spec(
    "purchase-orders", ("po_number", "line_no"),
    {"po_number": f.code, "supplier": f.code, "line_no": f.integer, "sku": f.code, "qty": f.positive},
    {"due_date": f.day, "warehouse": f.code},
    (SUPPLIER_REF, SKU_REF, WAREHOUSE_REF),
    "INSERT INTO po_line (po_number, line_no, supplier_id, item_id, qty, due_date, warehouse_id)"
    " SELECT i.po_number, CAST(i.line_no AS integer), s.id, it.id, CAST(i.qty AS numeric), CAST(i.due_date AS date),"
    " (SELECT id FROM warehouse w WHERE w.code = i.warehouse)"
    " FROM imp i JOIN supplier s ON s.code = i.supplier JOIN item it ON it.sku = i.sku"
    " ON CONFLICT (po_number, line_no) DO UPDATE SET qty = excluded.qty, supplier_id = excluded.supplier_id,"
    " item_id = excluded.item_id{updates}" + RETURN))
spec(Spec(
    "sales-orders", ("so_number", "line_no"),
    {"so_number": f.code, "customer": f.code, "line_no": f.integer, "sku": f.code, "qty": f.positive},
    {"due_date": f.day, "warehouse": f.code},
    (Reference("customer", "EXISTS (SELECT 1 FROM customer x WHERE x.code = i.customer)", "Unknown customer: {value}"),
     SKU_REF, WAREHOUSE_REF),
    "INSERT INTO so_line (so_number, line_no, customer_id, item_id, qty, due_date, warehouse_id)"
    " SELECT i.so_number, CAST(i.line_no AS integer), c.id, it.id, CAST(i.qty AS numeric), CAST(i.due_date AS date),"
    " (SELECT id FROM warehouse w WHERE w.code = i.warehouse)"
    " FROM imp i JOIN customer c ON c.code = i.customer JOIN item it ON it.sku = i.sku"
    " ON CONFLICT (so_number, line_no) DO UPDATE SET qty = excluded.qty, customer_id = excluded.customer_id,"
    " item_id = excluded.item_id{updates}" + RETURN))
spec(Spec(
    "work-orders", ("wo_number",),
    {"wo_number": f.code, "sku": f.code, "qty": f.positive, "due_date": f.day, "line": f.code},
    {"priority": f.integer},
    (SKU_REF, Reference("line", "EXISTS (SELECT 1 FROM location x WHERE x.kind = 'line_side' AND x.line = i.line)",
                        "No line-side location for line {value}")),
    # a released work order keeps what was released: the ERP may re-send it, nothing changes under the floor
    "INSERT INTO work_order (wo_number, item_id, qty, due_date, line, priority)"
    " SELECT i.wo_number, it.id, CAST(i.qty AS numeric), CAST(i.due_date AS date), i.line,"
    " coalesce(CAST(i.priority AS integer), 0) FROM imp i JOIN item it ON it.sku = i.sku"
    " ON CONFLICT (wo_number) DO UPDATE SET item_id = excluded.item_id, qty = excluded.qty,"
    " due_date = excluded.due_date, line = excluded.line{updates} WHERE work_order.status = 'planned'" + RETURN))
spec(Spec(
    "stock", ("warehouse", "location", "sku", "lot", "status"),
    {"warehouse": f.code, "location": f.code, "sku": f.code, "qty": f.quantity},
    {"lot": f.lot, "expiry": f.day, "status": f.choice(*IMPORTABLE_STATUSES), "supplier": f.code,
     "received_at": f.moment},
    (WAREHOUSE_REF, SKU_REF, SUPPLIER_REF,
     Reference("location", "EXISTS (SELECT 1 FROM location l JOIN warehouse w ON w.id = l.warehouse_id"
                           " WHERE l.code = i.location AND w.code = i.warehouse)", "Unknown location: {value}"),
     Reference("lot", "EXISTS (SELECT 1 FROM item x WHERE x.sku = i.sku AND x.tracking <> 'none')",
               "{value}: this item is not lot-tracked"),
     Reference("sku", "i.lot IS NOT NULL OR EXISTS (SELECT 1 FROM item x WHERE x.sku = i.sku AND x.tracking = 'none')",
               "{value} is lot-tracked: a lot is required"),
     # the file states the balance; it cannot go below what work orders or sales orders have reserved there
     Reference("qty", "NOT EXISTS (SELECT 1 FROM stock_balance b JOIN location l ON l.id = b.location_id"
                      " JOIN warehouse w ON w.id = l.warehouse_id JOIN item x ON x.id = b.item_id"
                      " LEFT JOIN lot t ON t.id = b.lot_id WHERE w.code = i.warehouse AND l.code = i.location"
                      " AND x.sku = i.sku AND t.lot_no IS NOT DISTINCT FROM i.lot AND b.status = i.status"
                      " AND b.reserved > CAST(i.qty AS numeric))",
               "{value} is less than is reserved there"),
     Reference("qty", "CAST(i.qty AS numeric) = trunc(CAST(i.qty AS numeric)) OR NOT EXISTS (SELECT 1 FROM item x"
                      f" WHERE x.sku = i.sku AND {piece_units_sql('x.uom')})",
               "{value}: this item is counted in whole pieces")),
    defaults={"status": "available"},
))

# The shop floor (issue 14): work centres, QC plans, downtime reasons, then routings, which name all three.
WORK_CENTER_REF = Reference("work_center", "EXISTS (SELECT 1 FROM work_center x WHERE x.code = i.work_center)",
                            "Unknown work centre: {value}")
spec(Spec(
    "work-centers", ("code",), {"code": f.short_code, "name": f.text, "line": f.short_code},
    refs=same_but_case("work_center", "code"),
    upsert="INSERT INTO work_center (code, name, line) SELECT code, name, line FROM imp"
           " ON CONFLICT (code) DO UPDATE SET name = excluded.name, line = excluded.line" + RETURN))
spec(Spec(
    "downtime-reasons", ("code",), {"code": f.short_code, "name": f.text, "planned": f.boolean},
    refs=same_but_case("downtime_reason", "code"),
    upsert="INSERT INTO downtime_reason (code, name, planned) SELECT code, name, CAST(planned AS boolean) FROM imp"
           " ON CONFLICT (code) DO UPDATE SET name = excluded.name, planned = excluded.planned" + RETURN))
spec(Spec(
    "qc-plans", ("plan", "characteristic"),
    {"plan": f.code, "characteristic": f.name64, "unit": f.unit_text}, {"min": f.signed, "max": f.signed},
    (Reference("max", "i.min IS NULL OR CAST(i.min AS numeric) <= CAST(i.max AS numeric)",
               "The maximum {value} is below the minimum"),),
    "INSERT INTO qc_characteristic (plan, characteristic, unit, min_value, max_value)"
    " SELECT i.plan, i.characteristic, i.unit, CAST(i.min AS numeric), CAST(i.max AS numeric) FROM imp i"
    " ON CONFLICT (plan, characteristic) DO UPDATE SET unit = excluded.unit{updates}" + RETURN))
spec(Spec(
    "routings", ("sku", "op_no"),
    {"sku": f.code, "op_no": f.integer, "work_center": f.short_code, "minutes_per_unit": f.positive},
    {"setup_minutes": f.quantity, "qc_plan": f.code},
    (SKU_REF, WORK_CENTER_REF,
     Reference("qc_plan", "EXISTS (SELECT 1 FROM qc_characteristic x WHERE x.plan = i.qc_plan)",
               "Unknown QC plan: {value}")),
    # a released work order keeps the operations it was released with
    "INSERT INTO routing (item_id, op_no, work_center_id, minutes_per_unit, setup_minutes, qc_plan)"
    " SELECT it.id, CAST(i.op_no AS integer), w.id, CAST(i.minutes_per_unit AS numeric),"
    " coalesce(CAST(i.setup_minutes AS numeric), 0), i.qc_plan"
    " FROM imp i JOIN item it ON it.sku = i.sku JOIN work_center w ON w.code = i.work_center"
    " ON CONFLICT (item_id, op_no) DO UPDATE SET work_center_id = excluded.work_center_id,"
    " minutes_per_unit = excluded.minutes_per_unit{updates}" + RETURN))

# Packs and pallets (issue B): an item's packagings, and a supplier's ASN (one row per lot and PO line on a pallet,
# so the natural key is sscc + po_number + line_no + lot; a pallet already received cannot be re-imported).
spec(Spec(
    "packagings", ("sku", "uom"),
    {"sku": f.code, "uom": f.pack_unit, "qty": f.positive}, {"gtin": f.gtin},
    (SKU_REF,
     Reference("uom", "NOT EXISTS (SELECT 1 FROM item x WHERE x.sku = i.sku AND upper(x.uom) = i.uom)",
               "{value} is the item's own unit, not a packaging"),
     Reference("qty", "CAST(i.qty AS numeric) = trunc(CAST(i.qty AS numeric)) OR NOT EXISTS (SELECT 1 FROM item x"
                      f" WHERE x.sku = i.sku AND {piece_units_sql('x.uom')})",
               "{value}: this item is counted in whole pieces"),
     Reference("gtin", "NOT EXISTS (SELECT 1 FROM item x WHERE lpad(x.gtin, 14, '0') = lpad(i.gtin, 14, '0'))"
                       " AND NOT EXISTS (SELECT 1 FROM packaging p JOIN item x ON x.id = p.item_id"
                       " WHERE lpad(p.gtin, 14, '0') = lpad(i.gtin, 14, '0') AND (x.sku, p.uom) <> (i.sku, i.uom))"
                       " AND NOT EXISTS (SELECT 1 FROM imp y WHERE y.gtin = i.gtin AND y._row < i._row)",
               "GTIN {value} belongs to another item or packaging")),
    "INSERT INTO packaging (item_id, uom, qty, gtin)"
    " SELECT it.id, i.uom, CAST(i.qty AS numeric), i.gtin FROM imp i JOIN item it ON it.sku = i.sku"
    " ON CONFLICT (item_id, uom) DO UPDATE SET qty = excluded.qty{updates}" + RETURN))
_ASN_LINE = ("SELECT 1 FROM po_line p JOIN item x ON x.id = p.item_id WHERE p.po_number = i.po_number"
             " AND p.line_no = CAST(i.line_no AS integer) AND p.status <> 'cancelled'")
spec(Spec(
    "asn", ("sscc", "po_number", "line_no", "lot"),
    {"sscc": f.sscc, "po_number": f.code, "line_no": f.integer, "lot": f.lot, "qty": f.positive},
    {"expiry": f.day},
    (Reference("line_no", f"EXISTS ({_ASN_LINE})", "No such open line on the purchase order: {value}"),
     Reference("lot", f"NOT EXISTS ({_ASN_LINE} AND x.tracking = 'none')", "{value}: this item is not lot-tracked"),
     Reference("lot", f"NOT EXISTS ({_ASN_LINE} AND EXISTS (SELECT 1 FROM lot t WHERE t.lot_no = i.lot"
                      " AND t.item_id <> x.id))", "Lot {value} already belongs to another item"),
     Reference("qty", f"NOT EXISTS ({_ASN_LINE} AND {piece_units_sql('x.uom')}"
                      " AND CAST(i.qty AS numeric) <> trunc(CAST(i.qty AS numeric)))",
               "{value}: this item is counted in whole pieces"),
     # a received pallet's rows may come again unchanged (re-importing the file is idempotent), never changed
     Reference("sscc", "NOT EXISTS (SELECT 1 FROM asn_line a WHERE a.sscc = i.sscc AND a.received_at IS NOT NULL)"
                       " OR EXISTS (SELECT 1 FROM asn_line a JOIN po_line p ON p.id = a.po_line_id"
                       " WHERE a.sscc = i.sscc AND a.received_at IS NOT NULL AND p.po_number = i.po_number"
                       " AND p.line_no = CAST(i.line_no AS integer) AND a.lot_no = i.lot"
                       " AND a.qty = CAST(i.qty AS numeric)"
                       " AND a.expiry IS NOT DISTINCT FROM CAST(i.expiry AS date))",
               "Pallet {value} is already received")),
    "INSERT INTO asn_line (sscc, po_line_id, lot_no, qty, expiry)"
    " SELECT i.sscc, p.id, i.lot, CAST(i.qty AS numeric), CAST(i.expiry AS date) FROM imp i"
    " JOIN po_line p ON p.po_number = i.po_number AND p.line_no = CAST(i.line_no AS integer)"
    " ON CONFLICT (sscc, po_line_id, lot_no) DO UPDATE SET qty = excluded.qty{updates}"
    " WHERE asn_line.received_at IS NULL" + RETURN))

# Line-side min/max (issue 15): a line-side location (its code names one), an item, min <= max, whole pieces for
# a piece unit; setting a min above the balance raises the task at once (imports._write evaluates the rows).
LINE_SIDE = "(SELECT count(*) FROM location l WHERE l.code = i.location AND l.kind = 'line_side') = 1"


def _level(value: str):
    """A min or max: a quantity, and a clear word for a negative one (not "not a number")."""
    if value.strip().startswith("-"):
        raise f.FieldError(_("Must not be negative: {value}").format(value=value))
    return f.quantity(value)


def _whole(column: str) -> Reference:
    return Reference(column, f"CAST(i.{column} AS numeric) = trunc(CAST(i.{column} AS numeric)) OR NOT EXISTS"
                             f" (SELECT 1 FROM item x WHERE x.sku = i.sku AND {piece_units_sql('x.uom')})",
                     "{value}: this item is counted in whole pieces")


spec(Spec(
    "line-stock", ("location", "sku"), {"location": f.code, "sku": f.code, "min_qty": _level, "max_qty": _level},
    refs=(Reference("location", LINE_SIDE, N_("{value} is not a line-side location")), SKU_REF,
          Reference("max_qty", "CAST(i.min_qty AS numeric) <= CAST(i.max_qty AS numeric)",
                    "The maximum {value} is below the minimum"), _whole("min_qty"), _whole("max_qty")),
    upsert="INSERT INTO line_stock (location_id, item_id, min_qty, max_qty)"
           " SELECT l.id, it.id, CAST(i.min_qty AS numeric), CAST(i.max_qty AS numeric) FROM imp i"
           " JOIN location l ON l.code = i.location AND l.kind = 'line_side' JOIN item it ON it.sku = i.sku"
           " ON CONFLICT (location_id, item_id) DO UPDATE SET min_qty = excluded.min_qty,"
           " max_qty = excluded.max_qty" + RETURN))

# Optional columns that, when present in the file, overwrite on update (the SQL's {updates}).
UPDATES = {
    "locations": _set("zone", "capacity_lots", "pick_sequence", "line"),
    "items": {**_set("tracking", "shelf_life_days", "gtin", "safety_stock", "reorder_qty", "abc", "unit_cost",
                     "qc_required"), "home_location": "home_location_id = excluded.home_location_id",
              "warehouse": "warehouse_id = excluded.warehouse_id"},
    "boms": _set("scrap_pct", "backflush"),
    "purchase-orders": {**_set("due_date"), "warehouse": "warehouse_id = excluded.warehouse_id"},
    "sales-orders": {**_set("due_date"), "warehouse": "warehouse_id = excluded.warehouse_id"},
    "work-orders": _set("priority"),
    "qc-plans": {"min": "min_value = excluded.min_value", "max": "max_value = excluded.max_value"},
    "routings": _set("setup_minutes", "qc_plan"),
    "packagings": _set("gtin"),
    "asn": _set("expiry"),
}
