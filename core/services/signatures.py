"""Electronic signatures (21 CFR 11.50, 11.200): the operator acting re-enters their own PIN under a meaning.

The PIN goes through the sign-in's one Argon2 check (`auth.check_pin`): a wrong PIN is audited as
`signature.failed` and counts toward the badge's lockout and the terminal's throttle exactly as a failed
sign-in does; a locked badge is refused even with the right PIN. A signature is checked in its own transaction
before the operation it signs, so a refused one still leaves its failure in the trail while nothing is posted;
the signed operation's audit row then carries the signature (`signed()`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from core.db import Database
from core.errors import AuthFailed, BadgeLocked, SignatureLocked, SignatureRefused
from core.i18n import N_
from core.permissions import Actor
from core.reasons import Meaning
from core.services import auth

__all__ = ["Meaning", "Signature", "signed", "verify"]


@dataclass(frozen=True)
class Signature:
    """Who signed (id, badge, printed name), what the signature means, and when."""

    operator_id: int
    badge: str
    name: str
    meaning: Meaning
    signed_at: datetime

    def as_record(self) -> dict[str, str]:
        """The signature as an audit row / result carries it."""
        return {"signed_by": self.name, "badge": self.badge, "signed_at": self.signed_at.isoformat(),
                "meaning": str(self.meaning)}


def verify(db: Database, actor: Actor, pin: str, meaning: Meaning | str) -> Signature:
    """The acting operator's signature under `meaning`, or SignatureRefused / SignatureLocked (nothing signed)."""
    meaning = Meaning.require(meaning, N_("Choose what the signature means"))
    try:
        signer = auth.check_pin(db, actor.badge, pin, actor.terminal, signing=str(meaning))
    except BadgeLocked:
        raise SignatureLocked(badge=actor.badge) from None
    except AuthFailed:
        raise SignatureRefused() from None
    if signer.operator_id != actor.operator_id:  # a badge re-issued to someone else since signing in
        raise SignatureRefused()
    return Signature(signer.operator_id, signer.badge, signer.name, meaning, datetime.now(UTC))


def signed(data: dict, signature: Signature) -> dict:
    """An operation's result (and so its audit row) with the signature under `signature`."""
    return {**data, "signature": signature.as_record()}
