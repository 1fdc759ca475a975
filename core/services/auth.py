"""Operators: login by badge + PIN (Argon2id), lockout after five wrong PINs, PIN changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import text

from core.db import Database
from core.errors import AuthFailed, BadgeLocked, InvalidInput, NotFound, PermissionDenied
from core.permissions import SYSTEM_BADGE, Actor, require
from core.services import audit

MAX_ATTEMPTS = 5
LOCK_MINUTES = 15
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters


def hash_pin(pin: str) -> str:
    """Argon2id hash of a PIN (the PIN itself is never stored)."""
    return _hasher.hash(pin)


def validate_pin(pin: str) -> str:
    pin = (pin or "").strip()
    if not (4 <= len(pin) <= 12) or not pin.isdigit():
        raise InvalidInput("A PIN is 4 to 12 digits")
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


def login(db: Database, badge: str, pin: str, terminal: str, now: datetime | None = None) -> Actor:
    """Check badge + PIN; five wrong PINs lock the badge for 15 minutes (audited)."""
    now = now or datetime.now(UTC)
    badge = (badge or "").strip()
    with db.uow() as uow:
        row = uow.execute(
            text(
                "SELECT id, badge, name, roles, pin_hash, failed_attempts, locked_until FROM operator"
                " WHERE badge = :b AND active FOR UPDATE"
            ),
            {"b": badge},
        ).first()
        if row is None or row.pin_hash is None:
            raise AuthFailed()
        actor = Actor(row.id, row.badge, row.name, frozenset(row.roles), terminal)
        if row.locked_until and row.locked_until > now:
            raise BadgeLocked(badge=badge, until=row.locked_until.astimezone().strftime("%H:%M"))
        try:
            _hasher.verify(row.pin_hash, pin or "")
        except (VerificationError, InvalidHashError):
            attempts = (row.failed_attempts or 0) + 1
            if row.locked_until and row.locked_until <= now:
                attempts = 1  # an expired lock starts a fresh count
            locked = now + timedelta(minutes=LOCK_MINUTES) if attempts >= MAX_ATTEMPTS else None
            uow.execute(
                text("UPDATE operator SET failed_attempts = :a, locked_until = :l WHERE id = :id"),
                {"a": 0 if locked else attempts, "l": locked, "id": row.id},
            )
            if locked:
                audit.record(uow.session, actor, "operator.locked", "operator", badge,
                             new={"locked_until": locked}, reason="too many wrong PINs")
                uow.commit()
                raise BadgeLocked(badge=badge, until=locked.astimezone().strftime("%H:%M")) from None
            uow.commit()
            raise AuthFailed() from None
        if row.failed_attempts or row.locked_until:
            uow.execute(
                text("UPDATE operator SET failed_attempts = 0, locked_until = NULL WHERE id = :id"), {"id": row.id}
            )
        audit.record(uow.session, actor, "operator.login", "operator", badge)
        uow.commit()
        return actor


def set_pin(db: Database, actor: Actor, badge: str, pin: str) -> None:
    """Set or reset an operator's PIN (admin); clears a lockout."""
    require(actor, "operator.manage")
    pin = validate_pin(pin)
    with db.uow() as uow:
        found = uow.execute(
            text("UPDATE operator SET pin_hash = :h, failed_attempts = 0, locked_until = NULL"
                 " WHERE badge = :b RETURNING id"),
            {"h": hash_pin(pin), "b": badge},
        ).first()
        if found is None:
            raise NotFound(what=badge)
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
