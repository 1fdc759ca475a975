"""Electronic signatures (21 CFR 11.50, 11.200): the acting operator re-enters their PIN under a shown meaning.

A minimal version for the nonconformance dispositions (issue 14), with the API the `esign` branch builds:
`verify(db, actor, pin, meaning) -> Signature`. The PIN is checked by the sign-in's own argon2 path
(core/services/auth.login), so a wrong PIN is refused, audited and counts toward the badge's lockout exactly as a
failed sign-in, and a locked badge is refused even with the right PIN.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from core.db import Database
from core.errors import AuthFailed
from core.i18n import N_
from core.permissions import Actor
from core.reasons import Reason
from core.services import auth


class Meaning(Reason):
    """What a signature means, shown to the signer before the PIN."""

    RELEASED = "released", N_("Released")
    REJECTED = "rejected", N_("Rejected")
    APPROVED = "approved", N_("Approved")
    SCRAPPED = "scrapped", N_("Scrapped")
    REWORK = "rework", N_("Sent to rework")
    USE_AS_IS = "use_as_is", N_("Used as is")
    RECALLED = "recalled", N_("Recalled")


@dataclass(frozen=True)
class Signature:
    """Who signed, under which meaning, when."""

    operator_id: int
    badge: str
    name: str
    meaning: str
    signed_at: datetime

    def record(self) -> dict:
        """The signature as an audit row or a result carries it."""
        return {"signed_by": self.name, "badge": self.badge, "signed_at": self.signed_at.isoformat(),
                "meaning": str(self.meaning)}


def verify(db: Database, actor: Actor, pin: str | None, meaning: str) -> Signature:
    """The acting operator's signature under `meaning`, or AuthFailed / BadgeLocked (counted as a sign-in failure)."""
    meaning = Meaning.require(meaning, N_("Choose what the signature means"))
    signer = auth.login(db, actor.badge, pin or "", actor.terminal)
    if signer.operator_id != actor.operator_id:
        raise AuthFailed()
    return Signature(signer.operator_id, signer.badge, signer.name, str(meaning), datetime.now(UTC))
