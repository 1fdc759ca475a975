"""Login by badge + PIN, the five-wrong-PINs lockout, and PINs never stored in clear."""

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import AuthFailed, BadgeLocked, InvalidInput
from core.services import auth
from tests import helpers


@pytest.fixture
def c1(db):
    helpers.make_operator(db, "C1", ["clerk"], pin="2468")
    return db


def _wrong(db, times, now=None):
    for _ in range(times):
        with pytest.raises(AuthFailed):
            auth.login(db, "C1", "0000", "T", now=now)


def test_login_and_wrong_pin(c1):
    actor = auth.login(c1, " C1 ", "2468", "T-1")
    assert (actor.badge, actor.roles, actor.terminal) == ("C1", frozenset({"clerk"}), "T-1")
    assert helpers.scalar(c1, "SELECT count(*) FROM audit_log WHERE action = 'operator.login'") == 1
    _wrong(c1, 1)
    with pytest.raises(AuthFailed):
        auth.login(c1, "NOBODY", "2468", "T-1")
    with pytest.raises(AuthFailed):  # SYSTEM has no PIN: it can never log in
        auth.login(c1, "SYSTEM", "", "T-1")


def test_pin_never_stored_in_clear(c1, admin):
    auth.set_pin(c1, admin, "C1", "97531")
    stored = helpers.scalar(c1, "SELECT pin_hash FROM operator WHERE badge = 'C1'")
    assert stored.startswith("$argon2id$") and "97531" not in stored
    assert helpers.scalar(c1, "SELECT count(*) FROM audit_log WHERE coalesce(old::text, '') || coalesce(new::text, '')"
                              " || coalesce(reason, '') LIKE '%97531%'") == 0


def test_five_wrong_pins_lock_for_fifteen_minutes(c1):
    now = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    _wrong(c1, 4, now)
    with pytest.raises(BadgeLocked):
        auth.login(c1, "C1", "0000", "T", now=now)
    assert helpers.scalar(c1, "SELECT locked_until FROM operator WHERE badge = 'C1'") == now + timedelta(minutes=15)
    with pytest.raises(BadgeLocked):  # even the right PIN, while locked
        auth.login(c1, "C1", "2468", "T", now=now + timedelta(minutes=14, seconds=59))
    (badge, new), = helpers.rows(c1, "SELECT badge, new FROM audit_log WHERE action = 'operator.locked'")
    assert badge == "C1" and new["locked_until"].startswith("2030-01-01T08:15")
    assert auth.login(c1, "C1", "2468", "T", now=now + timedelta(minutes=15, seconds=1)).badge == "C1"


def test_an_expired_lock_starts_a_fresh_count(c1):
    now = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    _wrong(c1, 4, now)
    with pytest.raises(BadgeLocked):
        auth.login(c1, "C1", "0000", "T", now=now)
    later = now + timedelta(minutes=20)
    _wrong(c1, 4, later)  # four more wrong PINs after the lock expired: not locked yet
    assert auth.login(c1, "C1", "2468", "T", now=later).badge == "C1"


def test_a_right_pin_resets_the_count(c1):
    _wrong(c1, 4)
    auth.login(c1, "C1", "2468", "T")
    _wrong(c1, 4)  # only consecutive wrong PINs count
    assert auth.login(c1, "C1", "2468", "T").badge == "C1"
    assert helpers.scalar(c1, "SELECT count(*) FROM audit_log WHERE action = 'operator.locked'") == 0


def test_set_pin_clears_a_lock(c1, admin):
    _wrong(c1, 4)
    with pytest.raises(BadgeLocked):
        auth.login(c1, "C1", "0000", "T")
    auth.set_pin(c1, admin, "C1", "1357")
    assert helpers.rows(c1, "SELECT failed_attempts, locked_until FROM operator WHERE badge = 'C1'")[0] == (0, None)
    assert auth.login(c1, "C1", "1357", "T").badge == "C1"
    with pytest.raises(AuthFailed):
        auth.login(c1, "C1", "2468", "T")


@pytest.mark.parametrize("pin", ["", "123", "12a4", "1234567890123"])
def test_set_pin_refuses_a_bad_pin_and_writes_nothing(c1, admin, pin):
    before = helpers.rows(c1, "SELECT pin_hash, (SELECT count(*) FROM audit_log) FROM operator WHERE badge = 'C1'")
    with pytest.raises(InvalidInput):
        auth.set_pin(c1, admin, "C1", pin)
    assert helpers.rows(c1, "SELECT pin_hash, (SELECT count(*) FROM audit_log) FROM operator"
                            " WHERE badge = 'C1'") == before
