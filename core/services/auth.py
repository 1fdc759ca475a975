"""Operators: login by badge + PIN (Argon2id), lockout after five wrong PINs, a per-terminal throttle, PIN changes."""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import text

from core.config import settings
from core.db import Database
from core.errors import AuthFailed, BadgeLocked, InvalidInput, NotFound, PermissionDenied, SignInThrottled
from core.i18n import N_
from core.permissions import SYSTEM_BADGE, Actor, require
from core.services import audit

MAX_ATTEMPTS = 5
LOCK_MINUTES = 15
MAX_PIN_LENGTH = 12
PRIVILEGED_ROLES = frozenset({"supervisor", "admin"})
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters


def hash_pin(pin: str) -> str:
    """Argon2id hash of a PIN (the PIN itself is never stored)."""
    return _hasher.hash(pin)


@cache
def _dummy_hash() -> str:
    """A hash no PIN is checked against for real: an unknown badge costs the same Argon2 work as a known one."""
    return _hasher.hash(secrets.token_hex(16))


def pin_rule(roles: Iterable[str] = ()) -> tuple[str, int]:
    """The msgid and minimum length of a PIN for these roles (`pin_min_length[_privileged]`)."""
    if PRIVILEGED_ROLES & set(roles):
        return N_("A supervisor's or admin's PIN is {min} to 12 digits"), settings().pin_min_length_privileged
    return N_("A PIN is {min} to 12 digits"), settings().pin_min_length


def validate_pin(pin: str, roles: Iterable[str] = ()) -> str:
    """The PIN stripped, or InvalidInput when it is too short for the roles, too long or not all digits."""
    pin = (pin or "").strip()
    msgid, least = pin_rule(roles)
    if not (least <= len(pin) <= MAX_PIN_LENGTH) or not pin.isdigit():
        raise InvalidInput(msgid, min=least)
    return pin


def actor_for(db: Database, badge: str, terminal: str) -> Actor:
    """The Actor for a badge, without a PIN (the CLI and relay act as SYSTEM this way)."""
    with db.uow() as uow:
        row = uow.execute(
            text("SELECT id, badge, name, roles FROM operator WHERE badge = :b AND active"), {"b": badge}
        ).first()
    if row is None:
        raise NotFound(what=badge)
    return Actor(row.id, row.badge, row.name, frozenset(row.roles), terminal)


def system_actor(db: Database, terminal: str) -> Actor:
    """The built-in SYSTEM operator."""
    return actor_for(db, SYSTEM_BADGE, terminal)


def admin_can_sign_in(db: Database) -> bool:
    """True once an active admin other than SYSTEM has a PIN: from then on the CLI acts only as named operators.

    Before that (a fresh database: the first imports, the demo, the first `operator set-pin`) nobody could
    sign in to name, so the CLI acts as SYSTEM.
    """
    with db.uow() as uow:
        return bool(uow.execute(text(
            "SELECT EXISTS (SELECT 1 FROM operator WHERE active AND 'admin' = ANY(roles) AND pin_hash IS NOT NULL"
            " AND upper(badge) <> :system)"), {"system": SYSTEM_BADGE}).scalar())


def _throttled(uow, terminal: str, now: datetime) -> int:
    """Seconds this terminal still waits after repeated failed sign-ins (0: it may try)."""
    until = uow.execute(text("SELECT blocked_until FROM login_throttle WHERE terminal = :t"),
                        {"t": terminal}).scalar()
    return math.ceil((until - now).total_seconds()) if until and until > now else 0


def _count_failure(uow, terminal: str, now: datetime) -> None:
    """One more failed sign-in on the terminal; past the limit it waits, twice as long each time.

    The count starts again only after a quiet window (no failure for `login_window_minutes`); a successful
    sign-in does not reset it, or an attacker's own badge would.
    """
    cfg = settings()
    failures = uow.execute(text(
        "INSERT INTO login_throttle AS t (terminal, failures, last_failed_at) VALUES (:t, 1, :now)"
        " ON CONFLICT (terminal) DO UPDATE SET failures = CASE WHEN t.last_failed_at < :quiet THEN 1"
        " ELSE t.failures + 1 END, last_failed_at = :now RETURNING failures"),
        {"t": terminal, "now": now, "quiet": now - timedelta(minutes=cfg.login_window_minutes)}).scalar()
    over = failures - cfg.login_failures_per_terminal
    if over >= 0:
        delay = min(cfg.login_delay_max_seconds, cfg.login_delay_seconds * 2 ** min(over, 30))
        uow.execute(text("UPDATE login_throttle SET blocked_until = :u WHERE terminal = :t"),
                    {"u": now + timedelta(seconds=delay), "t": terminal})


def _verify(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin or "")
    except (VerificationError, InvalidHashError):
        return False


def login(db: Database, badge: str, pin: str, terminal: str, now: datetime | None = None) -> Actor:
    """Check badge + PIN; five wrong PINs lock the badge for 15 minutes; every failure is audited.

    An unknown badge, a badge without a PIN, SYSTEM, a locked badge and a wrong PIN all cost one Argon2
    verification and read the same (AuthFailed's message): the answer never tells whether a badge exists.
    """
    return check_pin(db, badge, pin, terminal, now=now)


def check_pin(db: Database, badge: str, pin: str, terminal: str, *, now: datetime | None = None,
              signing: str | None = None) -> Actor:
    """The one PIN check every sign-in and every electronic signature runs (`signing`: the signature's meaning).

    A right PIN on an unlocked badge clears its failure count and is audited as `operator.login` (a signature
    is audited by the operation it signs, not here); anything else is one failure of the badge and the terminal,
    audited as `operator.login_failed` (or `signature.failed`), the fifth in a row locking the badge.
    """
    now = now or datetime.now(UTC)
    badge = (badge or "").strip()
    with db.uow() as uow:
        wait = _throttled(uow, terminal, now)
        if wait:
            raise SignInThrottled(seconds=wait)
        row = uow.execute(
            text(
                "SELECT id, badge, name, roles, pin_hash, failed_attempts, locked_until FROM operator"
                " WHERE badge = :b AND active AND upper(badge) <> :system FOR UPDATE"
            ),
            {"b": badge, "system": SYSTEM_BADGE},
        ).first()
        known = row is not None and row.pin_hash is not None
        right = _verify(row.pin_hash if known else _dummy_hash(), pin)
        actor = Actor(row.id, row.badge, row.name, frozenset(row.roles), terminal) if known else None
        locked = known and row.locked_until is not None and row.locked_until > now
        if known and right and not locked:
            if row.failed_attempts or row.locked_until:
                uow.execute(text("UPDATE operator SET failed_attempts = 0, locked_until = NULL WHERE id = :id"),
                            {"id": row.id})
            if signing is None:
                audit.record(uow.session, actor, "operator.login", "operator", badge)
            uow.commit()
            return actor
        why = "unknown badge" if not known else "badge locked" if locked else "wrong PIN"
        newly_locked = None
        if known and not locked:
            attempts = (row.failed_attempts or 0) + 1
            if row.locked_until and row.locked_until <= now:
                attempts = 1  # an expired lock starts a fresh count
            newly_locked = now + timedelta(minutes=LOCK_MINUTES) if attempts >= MAX_ATTEMPTS else None
            uow.execute(
                text("UPDATE operator SET failed_attempts = :a, locked_until = :l WHERE id = :id"),
                {"a": 0 if newly_locked else attempts, "l": newly_locked, "id": row.id},
            )
        _count_failure(uow, terminal, now)
        if signing is None:
            audit.record(uow.session, actor, "operator.login_failed", "operator", badge[:64], reason=why,
                         terminal=terminal)
        else:
            audit.record(uow.session, actor, "signature.failed", "operator", badge[:64], reason=why,
                         new={"meaning": signing}, terminal=terminal)
        if newly_locked:
            audit.record(uow.session, actor, "operator.locked", "operator", badge,
                         new={"locked_until": newly_locked}, reason="too many wrong PINs")
        uow.commit()
    if locked or newly_locked:
        raise BadgeLocked()
    raise AuthFailed()


def set_pin(db: Database, actor: Actor, badge: str, pin: str) -> None:
    """Set or reset an operator's PIN (an admin: anyone's; everyone: their own); clears a lockout.

    SYSTEM never gets one: no one signs in as it.
    """
    badge = (badge or "").strip()
    if badge != actor.badge or actor.badge.upper() == SYSTEM_BADGE:
        require(actor, "operator.manage")
    if badge.upper() == SYSTEM_BADGE:
        raise PermissionDenied("{badge} is the built-in operator: it has no PIN", badge=SYSTEM_BADGE)
    with db.uow() as uow:
        roles = uow.execute(text("SELECT roles FROM operator WHERE badge = :b"), {"b": badge}).scalar()
        if roles is None:
            raise NotFound(what=badge)
        pin = validate_pin(pin, roles)
        uow.execute(
            text("UPDATE operator SET pin_hash = :h, failed_attempts = 0, locked_until = NULL WHERE badge = :b"),
            {"h": hash_pin(pin), "b": badge},
        )
        audit.record(uow.session, actor, "operator.set_pin", "operator", badge)
        uow.commit()


def approver(db: Database, actor: Actor, badge: str, pin: str, terminal: str,
             operation: str = "override.approve") -> Actor:
    """A second person's badge + PIN approving what `actor` does: four eyes, so never the actor themself."""
    if (badge or "").strip() == actor.badge:
        raise PermissionDenied("An approval needs a second person, not {badge}", badge=actor.badge)
    approving = login(db, badge, pin, terminal)
    if not approving.may(operation):
        raise PermissionDenied("Badge {badge} may not approve this", badge=approving.badge)
    return approving
