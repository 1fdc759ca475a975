"""The demo factory: loads, passes every check, is the same for the same seed, refuses a non-empty database."""

import hashlib

import pytest

from core.errors import InvalidInput
from core.services.auth import login
from core.services.checks import run_checks
from core.services.demo import is_empty, large, load_demo
from tests import helpers


def _digest(db) -> str:
    rows = helpers.rows(db, "SELECT i.sku, l.code, lt.lot_no, lt.expiry, b.status, b.qty FROM stock_balance b"
                            " JOIN item i ON i.id = b.item_id JOIN location l ON l.id = b.location_id"
                            " LEFT JOIN lot lt ON lt.id = b.lot_id ORDER BY 1, 2, 3, 5")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_small_demo(db, system):
    assert is_empty(db)
    counts = load_demo(db, system)
    assert counts["warehouse"] == 2 and counts["item"] == 10 and counts["work_order"] == 3
    assert run_checks(db).ok
    assert login(db, "C001", "1111", "T").roles == frozenset({"clerk"})
    assert login(db, "S001", "3333", "T").roles == frozenset({"supervisor", "clerk"})
    assert helpers.scalar(db, "SELECT status FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                              " WHERE l.lot_no = 'P2611-07'") == "qc_hold"
    with pytest.raises(InvalidInput, match="not empty"):
        load_demo(db, system)


def test_large_generation_is_deterministic(db_url, system, db, pg_admin_url, template_db):
    from core.db import Database
    from core.services.auth import system_actor
    from tests.conftest import _admin, _url, clone

    digests = []
    for _ in range(2):
        name = clone(pg_admin_url, template_db)
        other = Database(_url(pg_admin_url, name))
        actor = system_actor(other, "T")
        load_demo(other, actor)
        large.load(other, actor, seed=7, items=50, locations=40, lots=300)
        digests.append(_digest(other))
        assert helpers.scalar(other, "SELECT count(*) FROM lot WHERE lot_no LIKE 'GL%'") == 300
        assert run_checks(other).ok
        other.dispose()
        _admin(pg_admin_url, f'DROP DATABASE "{name}" WITH (FORCE)')
    assert digests[0] == digests[1]


def test_only_admins_load_it(db, clerk):
    from core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        load_demo(db, clerk)
