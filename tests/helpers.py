"""Small builders for test data, written with plain SQL so tests do not depend on the import code."""

from __future__ import annotations

from sqlalchemy import text

from core.db import Database, as_role
from core.permissions import Actor
from core.services.auth import actor_for, hash_pin

_FAST_HASH = {}


def actor(db: Database, badge: str, terminal: str = "T-TEST") -> Actor:
    return actor_for(db, badge, terminal)


def make_operator(db: Database, badge: str, roles: list[str], pin: str | None = "1234",
                  terminal: str = "T-TEST") -> Actor:
    if pin not in _FAST_HASH:
        _FAST_HASH[pin] = hash_pin(pin) if pin else None
    with db.uow() as uow:
        uow.execute(
            text("INSERT INTO operator (badge, name, roles, pin_hash) VALUES (:b, :n, :r, :h)"
                 " ON CONFLICT (badge) DO UPDATE SET roles = excluded.roles, pin_hash = excluded.pin_hash"),
            {"b": badge, "n": f"Operator {badge}", "r": roles, "h": _FAST_HASH[pin]},
        )
        uow.commit()
    return actor_for(db, badge, terminal)


def scalar(db: Database, sql: str, **params):
    with db.uow() as uow:
        return uow.execute(text(sql), params).scalar()


def rows(db: Database, sql: str, **params):
    with db.uow() as uow:
        return uow.execute(text(sql), params).all()


OWNER = "ls_test_owner"  # owns the test databases' schema, runs their migrations
RUNTIME = "ls_test_runtime"  # what services, screens and the CLI connect as in tests: the runtime rights only


def exec_sql(db: Database, sql: str, **params) -> None:
    with db.uow() as uow:
        uow.execute(text(sql), params)
        uow.commit()


def owner_sql(db: Database, sql: str, **params) -> None:
    """`exec_sql` on the same database as its owner: what an attacker holding the owner's credentials (or a
    test arranging an impossible state) can do and the runtime role cannot."""
    owner = Database(as_role(db.url, OWNER))
    try:
        exec_sql(owner, sql, **params)
    finally:
        owner.dispose()


def small_site(db: Database) -> dict[str, int]:
    """One warehouse, a dock, two bins, a line-side location, two items (lot-tracked and untracked)."""
    ids: dict[str, int] = {}
    with db.uow() as uow:
        s = uow.session
        ids["wh"] = s.execute(text("INSERT INTO warehouse (code, name) VALUES ('RM', 'Raw') RETURNING id")).scalar()
        for code, kind, seq in [("DOCK", "dock", 0), ("A-01", "storage", 10), ("A-02", "storage", 11),
                                ("QA", "quarantine", 5), ("LS-L1", "line_side", 90)]:
            ids[code] = s.execute(
                text("INSERT INTO location (warehouse_id, code, kind, pick_sequence, capacity_lots)"
                     " VALUES (:w, :c, :k, :s, 4) RETURNING id"),
                {"w": ids["wh"], "c": code, "k": kind, "s": seq},
            ).scalar()
        ids["IC"] = s.execute(text("INSERT INTO item (sku, name, uom, tracking) VALUES"
                                   " ('IC-1', 'Timer IC', 'EA', 'lot') RETURNING id")).scalar()
        ids["SCREW"] = s.execute(text("INSERT INTO item (sku, name, uom, tracking) VALUES"
                                      " ('SCR-1', 'Screw', 'EA', 'none') RETURNING id")).scalar()
        ids["LOT1"] = s.execute(text("INSERT INTO lot (item_id, lot_no, expiry) VALUES"
                                     " (:i, 'L1', '2030-01-01') RETURNING id"), {"i": ids["IC"]}).scalar()
        ids["LOT2"] = s.execute(text("INSERT INTO lot (item_id, lot_no, expiry) VALUES"
                                     " (:i, 'L2', '2030-06-01') RETURNING id"), {"i": ids["IC"]}).scalar()
        uow.commit()
    return ids


def add_po_line(db: Database, po: str, line_no: int, sku: str, qty, supplier: str = "SUP-1") -> None:
    with db.uow() as uow:
        uow.execute(text("INSERT INTO supplier (code, name) VALUES (:c, :c) ON CONFLICT DO NOTHING"), {"c": supplier})
        uow.execute(
            text("INSERT INTO po_line (po_number, line_no, supplier_id, item_id, qty) SELECT :po, :ln,"
                 " (SELECT id FROM supplier WHERE code = :s), (SELECT id FROM item WHERE sku = :sku), :q"),
            {"po": po, "ln": line_no, "s": supplier, "sku": sku, "q": qty},
        )
        uow.commit()


def production_site(db: Database) -> dict[str, int]:
    """small_site plus a product PCBA made of IC-1 (2 per) and SCR-1 (4 per), stock in storage, a WO."""
    ids = small_site(db)
    with db.uow() as uow:
        s = uow.session
        ids["PCBA"] = s.execute(text("INSERT INTO item (sku, name, uom, tracking) VALUES"
                                     " ('PCBA-1', 'Board', 'EA', 'lot') RETURNING id")).scalar()
        s.execute(text("INSERT INTO bom_line (parent_item_id, component_item_id, qty_per, scrap_pct) VALUES"
                       " (:p, :ic, 2, 0), (:p, :scr, 4, 0)"), {"p": ids["PCBA"], "ic": ids["IC"], "scr": ids["SCREW"]})
        s.execute(text("UPDATE location SET line = 'L1' WHERE code = 'LS-L1'"))
        uow.commit()
    return ids


def add_work_order(db: Database, wo: str, sku: str, qty, due: str = "2030-01-10", line: str = "L1") -> None:
    exec_sql(db, "INSERT INTO work_order (wo_number, item_id, qty, due_date, line) SELECT :w, id, :q, :d, :l"
                 " FROM item WHERE sku = :s", w=wo, q=qty, d=due, l=line, s=sku)


def put_stock(db: Database, actor: Actor, sku: str, lot: str | None, location: str, qty, expiry=None,
              key: str | None = None) -> None:
    """Opening stock through the ledger (creates the lot)."""
    from decimal import Decimal

    from core.services.ledger import Leg, post_moves

    with db.uow() as uow:
        item_id = uow.execute(text("SELECT id FROM item WHERE sku = :s"), {"s": sku}).scalar()
        loc_id = uow.execute(text("SELECT id FROM location WHERE code = :c"), {"c": location}).scalar()
        lot_id = None
        if lot:
            lot_id = uow.execute(
                text("INSERT INTO lot (item_id, lot_no, expiry, received_at) VALUES (:i, :n, :e, now())"
                     " ON CONFLICT (item_id, lot_no) DO UPDATE SET expiry = excluded.expiry RETURNING id"),
                {"i": item_id, "n": lot, "e": expiry},
            ).scalar()
        uow.commit()
    post_moves(db, actor, "opening", [Leg(item_id, lot_id, Decimal(qty), to_location_id=loc_id,
                                          to_status="available")], key=key or f"put:{sku}:{lot}:{location}:{qty}")


def add_so_line(db: Database, so: str, line_no: int, sku: str, qty, customer: str = "CUST-1") -> None:
    exec_sql(db, "INSERT INTO customer (code, name) VALUES (:c, :c) ON CONFLICT DO NOTHING", c=customer)
    exec_sql(db, "INSERT INTO so_line (so_number, line_no, customer_id, item_id, qty) SELECT :so, :ln,"
                 " (SELECT id FROM customer WHERE code = :c), id, :q FROM item WHERE sku = :s",
             so=so, ln=line_no, c=customer, q=qty, s=sku)


def built_history(db: Database, clerk: Actor, supervisor: Actor, system: Actor) -> dict:
    """Two supplier IC lots -> two PCBA work orders (IC-A split across both) -> shipped and unshipped lots."""
    from decimal import Decimal as D

    from core.services import issuing, picking, production, putaway, workorders

    ids = production_site(db)
    exec_sql(db, "INSERT INTO location (warehouse_id, code, kind, pick_sequence) VALUES (:w, 'SHIP', 'shipping', 99),"
                 " (:w, 'FG-1', 'storage', 50)", w=ids["wh"])
    exec_sql(db, "INSERT INTO supplier (code, name) VALUES ('SUP-1', 'Semis')")
    put_stock(db, system, "IC-1", "IC-A", "A-01", 150, expiry="2030-02-01")
    put_stock(db, system, "IC-1", "IC-B", "A-02", 300, expiry="2030-05-01")
    exec_sql(db, "UPDATE lot SET supplier_id = (SELECT id FROM supplier WHERE code = 'SUP-1')")
    put_stock(db, system, "SCR-1", None, "A-02", 1000)
    for wo, qty in (("WO-1", 50), ("WO-2", 50)):
        add_work_order(db, wo, "PCBA-1", qty)
        workorders.release(db, supervisor, wo)
        tasks = picking.claim(db, clerk, wo)
        picking.post_picks(db, clerk, key=f"pk-{wo}", wo_number=wo, drop_location="LS-L1",
                           lines=[picking.PickLine(t.id, t.qty, t.lot) for t in tasks])
        for t in tasks:
            if t.lot:
                issuing.issue(db, clerk, key=f"i-{wo}-{t.lot}", wo_number=wo, lot=t.lot, qty=t.qty)
        production.report_output(db, clerk, key=f"o-{wo}", wo_number=wo, good=D(qty))
        putaway.confirm(db, clerk, key=f"pa-{wo}", lot=f"{wo}-01", location="FG-1")
    # WO-1 used IC-A (100); WO-2 used IC-A (50) and IC-B (50): IC-A is split across both work orders
    add_so_line(db, "SO-1", 1, "PCBA-1", 30)
    return ids


AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


def broker_up() -> bool:
    """True when the RabbitMQ on this machine answers (broker tests skip with a reason otherwise)."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 5672), 1).close()
        return True
    except OSError:
        return False


def head() -> str:
    """The newest migration's revision."""
    from alembic.script import ScriptDirectory

    from core.db import alembic_config

    return ScriptDirectory.from_config(alembic_config("postgresql://")).get_current_head()
