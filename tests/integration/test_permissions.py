"""The permission matrix: one table in core, checked by every service against the acting operator."""

from decimal import Decimal

import pytest

from core.errors import PermissionDenied
from core.permissions import PERMISSIONS, Actor, require
from core.services import auth, stock, workorders
from core.services.ledger import Leg, post_moves
from tests import helpers

ROLES = ("clerk", "inspector", "supervisor", "admin")


@pytest.mark.parametrize("operation", sorted(PERMISSIONS))
@pytest.mark.parametrize("role", ROLES)
def test_require_follows_the_table(operation, role):
    actor = Actor(1, "B", "n", frozenset({role}), "T")
    if role in PERMISSIONS[operation]:
        require(actor, operation)
    else:
        with pytest.raises(PermissionDenied):
            require(actor, operation)


def test_unknown_operation_is_a_bug_not_a_refusal():
    with pytest.raises(KeyError):
        require(Actor(1, "B", "n", frozenset({"admin"}), "T"), "stock.teleport")


@pytest.mark.parametrize("role", ROLES)
def test_services_enforce_the_table(db, role):
    """Through real services: allowed roles succeed, refused roles write nothing."""
    ids = helpers.small_site(db)
    helpers.add_work_order(db, "WO-1", "IC-1", 1)
    who = helpers.make_operator(db, f"X-{role}", [role])
    helpers.make_operator(db, "TARGET", ["clerk"])
    calls = {
        "stock.move": lambda: post_moves(db, who, "receipt", [Leg(ids["IC"], ids["LOT1"], Decimal(1),
                                                                  to_location_id=ids["A-01"], to_status="available")],
                                         key=f"k-{role}"),
        "operator.manage": lambda: auth.set_pin(db, who, "TARGET", "5678"),
        "stock.view": lambda: stock.stock_rows(db, who),
        "workorder.manage": lambda: workorders.cancel(db, who, "WO-1", key=f"c-{role}"),
    }
    for operation, call in calls.items():
        before = helpers.scalar(db, "SELECT (SELECT count(*) FROM movement) + (SELECT count(*) FROM audit_log)")
        if role in PERMISSIONS[operation]:
            call()
        else:
            with pytest.raises(PermissionDenied):
                call()
            after = helpers.scalar(db, "SELECT (SELECT count(*) FROM movement) + (SELECT count(*) FROM audit_log)")
            assert after == before, operation
