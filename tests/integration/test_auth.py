"""Login by badge + PIN, the five-wrong-PINs lockout, and PINs never stored in clear."""

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import AuthFailed, BadgeLocked
from core.services import auth
from tests import helpers


def test_login_and_wrong_pin(db):
    helpers.make_operator(db, "C1", ["clerk"], pin="2468")
    assert auth.login(db, "C1", "2468", "T-1").terminal == "T-1"
    with pytest.raises(AuthFailed):
        auth.login(db, "C1", "0000", "T-1")
    with pytest.raises(AuthFailed):
        auth.login(db, "NOBODY", "2468", "T-1")
    assert helpers.scalar(db, "SELECT count(*) FROM operator WHERE pin_hash LIKE '%2468%'") == 0
    assert helpers.scalar(db, "SELECT pin_hash FROM operator WHERE badge = 'C1'").startswith("$argon2id$")


def test_five_wrong_pins_lock_for_fifteen_minutes(db, admin):
    helpers.make_operator(db, "C1", ["clerk"], pin="2468")
    now = datetime.now(UTC)
    for _ in range(4):
        with pytest.raises(AuthFailed):
            auth.login(db, "C1", "0000", "T", now=now)
    with pytest.raises(BadgeLocked):
        auth.login(db, "C1", "0000", "T", now=now)
    with pytest.raises(BadgeLocked):  # even the right PIN, while locked
        auth.login(db, "C1", "2468", "T", now=now + timedelta(minutes=14))
    assert helpers.scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'operator.locked'") == 1
    assert auth.login(db, "C1", "2468", "T", now=now + timedelta(minutes=16)).badge == "C1"


def test_set_pin_clears_a_lock(db, admin):
    helpers.make_operator(db, "C1", ["clerk"], pin="2468")
    for _ in range(5):
        with pytest.raises((AuthFailed, BadgeLocked)):
            auth.login(db, "C1", "0000", "T")
    auth.set_pin(db, admin, "C1", "1357")
    assert auth.login(db, "C1", "1357", "T").badge == "C1"
