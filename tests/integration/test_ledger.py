"""The ledger operation on real PostgreSQL: balances and movements together, guarded, idempotent."""

from decimal import Decimal

import pytest
from sqlalchemy.exc import DBAPIError

from core.errors import InsufficientStock, InvalidInput, PermissionDenied
from core.services.checks import run_checks
from core.services.ledger import Leg, post_moves
from tests import helpers


def _receive(db, actor, ids, qty, key, lot="LOT1", loc="A-01"):
    leg = Leg(ids["IC"], ids[lot], Decimal(qty), to_location_id=ids[loc], to_status="available")
    return post_moves(db, actor, "receipt", [leg], key=key)


def test_receipt_writes_movement_and_balance_together(db, clerk):
    ids = helpers.small_site(db)
    result = _receive(db, clerk, ids, 10, "k1")
    assert not result.replayed
    assert helpers.scalar(db, "SELECT qty FROM stock_balance WHERE lot_id = :l", l=ids["LOT1"]) == 10
    mv = helpers.rows(db, "SELECT kind, qty, operator_id, terminal, operation_key FROM movement")
    assert [(m.kind, m.qty, m.operator_id, m.terminal, m.operation_key) for m in mv] == [
        ("receipt", Decimal(10), clerk.operator_id, "T-TEST", "k1")
    ]


def test_repeated_key_has_exactly_one_effect(db, clerk):
    ids = helpers.small_site(db)
    first = _receive(db, clerk, ids, 10, "same-key")
    again = _receive(db, clerk, ids, 10, "same-key")
    assert again.replayed and again.data == first.data
    assert helpers.scalar(db, "SELECT sum(qty) FROM stock_balance") == 10
    assert helpers.scalar(db, "SELECT count(*) FROM movement") == 1


def test_overdraw_is_refused_and_writes_nothing(db, clerk):
    ids = helpers.small_site(db)
    _receive(db, clerk, ids, 5, "r1")
    take = Leg(ids["IC"], ids["LOT1"], Decimal(6), from_location_id=ids["A-01"], from_status="available",
               to_location_id=ids["A-02"], to_status="available")
    with pytest.raises(InsufficientStock) as err:
        post_moves(db, clerk, "move", [take], key="m1")
    assert "IC-1" in str(err.value) and "A-01" in str(err.value)
    assert helpers.scalar(db, "SELECT count(*) FROM movement") == 1
    assert helpers.scalar(db, "SELECT count(*) FROM operation WHERE key = 'm1'") == 0
    assert helpers.scalar(db, "SELECT qty FROM stock_balance WHERE location_id = :l", l=ids["A-01"]) == 5


def test_reserved_stock_is_not_free(db, clerk):
    ids = helpers.small_site(db)
    leg = Leg(ids["IC"], ids["LOT1"], Decimal(10), to_location_id=ids["A-01"], to_status="available",
              to_reserved=Decimal(8))
    post_moves(db, clerk, "receipt", [leg], key="r1")
    take = Leg(ids["IC"], ids["LOT1"], Decimal(3), from_location_id=ids["A-01"], from_status="available")
    with pytest.raises(InsufficientStock):
        post_moves(db, clerk, "issue", [take], key="i1")
    take_reserved = Leg(ids["IC"], ids["LOT1"], Decimal(3), from_location_id=ids["A-01"],
                        from_status="available", from_reserved=Decimal(3))
    post_moves(db, clerk, "issue", [take_reserved], key="i2")
    row = helpers.rows(db, "SELECT qty, reserved FROM stock_balance")[0]
    assert (row.qty, row.reserved) == (7, 5)


def test_consumed_balance_row_disappears(db, clerk):
    ids = helpers.small_site(db)
    _receive(db, clerk, ids, 4, "r1")
    out = Leg(ids["IC"], ids["LOT1"], Decimal(4), from_location_id=ids["A-01"], from_status="available")
    post_moves(db, clerk, "issue", [out], key="i1")
    assert helpers.scalar(db, "SELECT count(*) FROM stock_balance") == 0


def test_untracked_item_balances_have_no_lot(db, clerk):
    ids = helpers.small_site(db)
    leg = Leg(ids["SCREW"], None, Decimal(100), to_location_id=ids["A-01"], to_status="available")
    post_moves(db, clerk, "receipt", [leg], key="s1")
    post_moves(db, clerk, "receipt", [leg], key="s2")
    assert helpers.rows(db, "SELECT lot_id, qty FROM stock_balance")[0] == (None, 200)


def test_inspector_may_not_move_stock(db, inspector):
    ids = helpers.small_site(db)
    with pytest.raises(PermissionDenied):
        _receive(db, inspector, ids, 1, "x")
    assert helpers.scalar(db, "SELECT count(*) FROM movement") == 0


@pytest.mark.parametrize("sql", ["UPDATE movement SET qty = 1", "DELETE FROM movement",
                                 "TRUNCATE movement CASCADE", "UPDATE audit_log SET reason = 'x'",
                                 "DELETE FROM audit_log"])
def test_ledger_and_audit_are_append_only(db, owner_db, clerk, sql):
    """The runtime role has no right to it at all; even the owner meets the append-only trigger."""
    ids = helpers.small_site(db)
    _receive(db, clerk, ids, 1, "r1")
    with pytest.raises(DBAPIError, match="permission denied"):
        helpers.exec_sql(db, sql)
    with pytest.raises(DBAPIError, match="append-only"):
        helpers.exec_sql(owner_db, sql)
    assert helpers.scalar(db, "SELECT count(*) FROM movement") == 1


def _bin_to_bin(ids, qty):
    return Leg(ids["IC"], ids["LOT1"], Decimal(qty), ids["A-01"], "available", ids["A-02"], "available")


def test_a_plain_move_is_one_statement_with_its_key_audit_and_alerts(db, clerk, supervisor):
    """Bin to bin goes to the server whole (ledger_post): balances, movement, key, audit row, dead stock cleared."""
    ids = helpers.small_site(db)
    _receive(db, clerk, ids, 10, "r1")
    helpers.exec_sql(db, "INSERT INTO alert (rule, severity, subject, item_id, params, raised_at)"
                         " VALUES ('dead_stock', 'info', 'dead-1', :i, '{}', now())", i=ids["IC"])
    first = post_moves(db, clerk, "move", [_bin_to_bin(ids, 4)], key="m1", reason="re-slot", reference="R-1")
    again = post_moves(db, clerk, "move", [_bin_to_bin(ids, 4)], key="m1", reason="re-slot", reference="R-1")
    assert (first.replayed, again.replayed, first.data) == (False, True, {"kind": "move", "legs": 1, "qty": "4"})
    assert again.data == first.data
    assert dict(helpers.rows(db, "SELECT location_id, qty FROM stock_balance")) == {ids["A-01"]: 6, ids["A-02"]: 4}
    mv = helpers.rows(db, "SELECT kind, reason, reference, operator_id, terminal FROM movement WHERE kind = 'move'")
    assert [tuple(m) for m in mv] == [("move", "re-slot", "R-1", clerk.operator_id, "T-TEST")]
    audit = helpers.rows(db, "SELECT action, badge, entity_key, reason, new, length(hash) AS n FROM audit_log"
                             " WHERE action = 'move'")
    assert [tuple(a) for a in audit] == [("move", clerk.badge, "R-1", "re-slot", first.data, 64)]
    assert helpers.scalar(db, "SELECT resolved_at IS NOT NULL FROM alert WHERE subject = 'dead-1'")
    assert run_checks(db).ok


def test_moving_everything_out_removes_the_empty_row(db, clerk):
    ids = helpers.small_site(db)
    _receive(db, clerk, ids, 3, "r1")
    post_moves(db, clerk, "move", [_bin_to_bin(ids, 3)], key="m1")
    assert helpers.rows(db, "SELECT location_id, qty FROM stock_balance") == [(ids["A-02"], 3)]


def test_a_move_after_the_server_dropped_the_connections_goes_through_once(db, clerk):
    """Pooled connections killed behind the terminal's back (a restart): the next move reconnects, once."""
    ids = helpers.small_site(db)
    _receive(db, clerk, ids, 10, "r1")
    post_moves(db, clerk, "move", [_bin_to_bin(ids, 1)], key="m1")  # the direct pool now holds a connection
    killed = helpers.scalar(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                                " AND application_name = 'lineside'")
    assert killed >= 1
    assert not post_moves(db, clerk, "move", [_bin_to_bin(ids, 2)], key="m2").replayed
    assert helpers.scalar(db, "SELECT count(*) FROM movement WHERE operation_key = 'm2'") == 1
    assert helpers.scalar(db, "SELECT qty FROM stock_balance WHERE location_id = :l", l=ids["A-02"]) == 3


def test_a_plain_move_checks_permission_and_input_first(db, clerk, inspector):
    ids = helpers.small_site(db)
    _receive(db, clerk, ids, 10, "r1")
    with pytest.raises(PermissionDenied):
        post_moves(db, inspector, "move", [_bin_to_bin(ids, 1)], key="m1")
    with pytest.raises(InvalidInput):
        post_moves(db, clerk, "move", [_bin_to_bin(ids, 0)], key="m2")
    assert helpers.scalar(db, "SELECT count(*) FROM operation WHERE key IN ('m1', 'm2')") == 0


def test_several_legs_net_per_balance_and_name_the_first_refused_row(db, clerk):
    ids = helpers.small_site(db)
    _receive(db, clerk, ids, 5, "r1")
    _receive(db, clerk, ids, 3, "r2", lot="LOT2", loc="A-02")

    def leg(lot, qty, src, dst):
        return Leg(ids["IC"], ids[lot], Decimal(qty), ids[src], "available", ids[dst], "available")

    # A-01/LOT1 gives 5 (emptied, removed), A-02/LOT2 gives 3 and gets 1 back: netted to -2, A-02/LOT1 upserted.
    post_moves(db, clerk, "status", [leg("LOT1", 5, "A-01", "A-02"), leg("LOT2", 3, "A-02", "QA"),
                                     leg("LOT2", 1, "QA", "A-02")], key="s1")
    assert helpers.rows(db, "SELECT l.code, lt.lot_no, b.qty FROM stock_balance b JOIN location l"
                            " ON l.id = b.location_id JOIN lot lt ON lt.id = b.lot_id ORDER BY 1, 2") == [
        ("A-02", "L1", 5), ("A-02", "L2", 1), ("QA", "L2", 2)]
    before = helpers.rows(db, "SELECT location_id, lot_id, qty FROM stock_balance ORDER BY 1, 2")
    with pytest.raises(InsufficientStock) as err:  # QA/LOT2 has 2, the A-02 legs are fine
        post_moves(db, clerk, "status", [leg("LOT1", 1, "A-02", "A-01"), leg("LOT2", 3, "QA", "A-01")], key="s2")
    assert "QA" in str(err.value) and "IC-1" in str(err.value)
    assert helpers.rows(db, "SELECT location_id, lot_id, qty FROM stock_balance ORDER BY 1, 2") == before
    assert helpers.scalar(db, "SELECT count(*) FROM operation WHERE key = 's2'") == 0
