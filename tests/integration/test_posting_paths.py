"""Both posting paths write the same rows: `ledger_post` in the server and the unit of work in Python.

The same plain move (bin to bin, an open dead-stock alert on its item) is posted through each on two equal
databases; movements, balances, the operation key's result, alerts and audit rows must agree, ids, times and
hashes aside.
"""

from decimal import Decimal

import pytest

from core.db import Database
from core.services import ledger
from core.services.ledger import Leg
from tests import helpers
from tests.conftest import _admin, clone, runtime_url

READS = {
    "movement": "SELECT kind, item_id, lot_id, qty, from_location_id, from_status, to_location_id, to_status,"
                " operator_id, terminal, reason, reference, operation_key FROM movement ORDER BY id",
    "balance": "SELECT location_id, item_id, lot_id, status, qty, reserved FROM stock_balance"
               " ORDER BY location_id, item_id, lot_id, status",
    "operation": "SELECT key, kind, operator_id, terminal, payload_digest, result FROM operation ORDER BY key",
    "alert": "SELECT rule, subject, item_id, params, resolved_at IS NOT NULL AS resolved FROM alert ORDER BY id",
    "audit": "SELECT operator_id, badge, terminal, action, entity, entity_key, reason, old, new FROM audit_log"
             " ORDER BY id",
}


@pytest.fixture
def other_db(pg_admin_url, template_db):
    name = clone(pg_admin_url, template_db)
    database = Database(runtime_url(pg_admin_url, name))
    yield database
    database.dispose()
    _admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _setup(db: Database):
    clerk = helpers.make_operator(db, "C900", ["clerk"])
    ids = helpers.small_site(db)
    ledger.post_in_session(db, clerk, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(10),
                                                      to_location_id=ids["A-01"], to_status="available")], key="r1")
    helpers.exec_sql(db, "INSERT INTO alert (rule, severity, subject, item_id, params, raised_at)"
                         " VALUES ('dead_stock', 'info', 'item:' || :i, :i, '{}', now())", i=ids["IC"])
    move = [Leg(ids["IC"], ids["LOT1"], Decimal("2.500"), ids["A-01"], "available", ids["A-02"], "available")]
    return clerk, move


def _state(db: Database) -> dict:
    return {name: [tuple(r) for r in helpers.rows(db, sql)] for name, sql in READS.items()}


def test_a_plain_move_writes_the_same_rows_on_either_path(db, other_db):
    clerk, move = _setup(db)
    other_clerk, other_move = _setup(other_db)
    assert (clerk, move) == (other_clerk, other_move) and _state(db) == _state(other_db)  # equal starts

    on_server = ledger.post_on_server(db, clerk, "move", move, key="m1", reason="tidy", reference="bin A-01")
    in_session = ledger.post_in_session(other_db, other_clerk, "move", other_move, key="m1", reason="tidy",
                                        reference="bin A-01")

    assert on_server == in_session
    assert on_server.data == {"kind": "move", "legs": 1, "qty": "2.5"}
    server, python = _state(db), _state(other_db)
    for name in READS:
        assert server[name] == python[name], name
    assert server["alert"][-1][-1] is True  # the move cleared dead stock on both paths


def test_a_replayed_key_answers_the_same_on_either_path(db, other_db):
    clerk, move = _setup(db)
    other_clerk, other_move = _setup(other_db)
    for post, database, actor, legs in ((ledger.post_on_server, db, clerk, move),
                                        (ledger.post_in_session, other_db, other_clerk, other_move)):
        post(database, actor, "move", legs, key="m1")
    again = [post(database, actor, "move", legs, key="m1")
             for post, database, actor, legs in ((ledger.post_on_server, db, clerk, move),
                                                 (ledger.post_in_session, other_db, other_clerk, other_move))]
    assert again[0] == again[1] and again[0].replayed
    assert _state(db) == _state(other_db)
