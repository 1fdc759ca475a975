"""The permission matrix: one table in core, checked by every service against the acting operator."""

from decimal import Decimal

import pytest

from core.errors import PermissionDenied
from core.permissions import PERMISSIONS, Actor, require
from core.services import alerts, auth, kpi, labels, qc, recall, stock, trace, workorders
from core.services.checks import run_checks
from core.services.imports import run_import
from core.services.ledger import Leg, post_moves
from tests import helpers

ROLES = ("clerk", "inspector", "supervisor", "admin")
# every row of what a refusal must leave untouched (and what an allowed write must change)
TABLES = ("movement", "audit_log", "outbox", "operator", "warehouse", "work_order", "lot", "stock_balance",
          "reservation", "operation")
FINGERPRINT = "SELECT " + ", ".join(f"(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
                                    f" FROM {t} t)" for t in TABLES)


@pytest.mark.parametrize("operation", sorted(PERMISSIONS))
@pytest.mark.parametrize("role", ROLES)
def test_require_follows_the_table(operation, role):
    actor = Actor(1, "B", "n", frozenset({role}), "T")
    assert actor.may(operation) == (role in PERMISSIONS[operation])
    if role in PERMISSIONS[operation]:
        require(actor, operation)
    else:
        with pytest.raises(PermissionDenied):
            require(actor, operation)


def test_every_operation_has_at_least_one_role_and_only_known_ones():
    assert all(roles and roles <= set(ROLES) for roles in PERMISSIONS.values())


def test_unknown_operation_is_a_bug_not_a_refusal():
    with pytest.raises(KeyError):
        require(Actor(1, "B", "n", frozenset({"admin"}), "T"), "stock.teleport")


def _calls(db, who, ids, tmp_path, role):
    """operation -> (call through the real service, writes?) — in an order where none depends on another."""
    csv = tmp_path / "warehouses.csv"
    csv.write_text("code,name\nFG,Finished goods\n", encoding="utf-8")
    receipt = [Leg(ids["IC"], ids["LOT1"], Decimal(1), to_location_id=ids["A-01"], to_status="available")]
    return {
        "stock.view": (lambda: stock.stock_rows(db, who), False),
        "trace.view": (lambda: trace.backward(db, who, "L1"), False),
        "label.print": (lambda: labels.lot_label(db, who, "L1"), False),
        "kpi.view": (lambda: kpi.kpis(db, who), False),
        "alerts.view": (lambda: alerts.list_alerts(db, who), False),
        "check.run": (lambda: run_checks(db, who), False),
        "stock.move": (lambda: post_moves(db, who, "receipt", receipt, key=f"k-{role}"), True),
        "operator.manage": (lambda: auth.set_pin(db, who, "TARGET", "5678"), True),
        "workorder.manage": (lambda: workorders.cancel(db, who, "WO-1", key=f"c-{role}"), True),
        "qc.inspect": (lambda: qc.inspect(db, who, key=f"q-{role}", lot="L2", passed=True, pin="1234"), True),
        "import.run": (lambda: run_import(db, who, "warehouses", csv), True),
        "recall.raise": (lambda: recall.raise_recall(db, who, key=f"r-{role}", lot="L1", reason="test",
                                                     pin="1234"), True),
    }


@pytest.mark.parametrize("role", ROLES)
def test_services_enforce_the_table(db, system, role, tmp_path):
    """Through real services: allowed roles succeed (writes take effect), refused roles write nothing."""
    ids = helpers.production_site(db)
    helpers.put_stock(db, system, "IC-1", "L1", "A-01", 10)
    post_moves(db, system, "status", [Leg(ids["IC"], ids["LOT2"], Decimal(4), to_location_id=ids["QA"],
                                          to_status="qc_hold")], key="hold")
    helpers.add_work_order(db, "WO-1", "PCBA-1", 1)
    who = helpers.make_operator(db, f"X-{role}", [role])
    helpers.make_operator(db, "TARGET", ["clerk"])
    for operation, (call, writes) in _calls(db, who, ids, tmp_path, role).items():
        before = helpers.rows(db, FINGERPRINT)[0]
        if role in PERMISSIONS[operation]:
            call()
            assert (helpers.rows(db, FINGERPRINT)[0] != before) == writes, operation
        else:
            with pytest.raises(PermissionDenied):
                call()
            assert helpers.rows(db, FINGERPRINT)[0] == before, operation
