"""Typed errors raised by every service; messages are translated when shown and fit one line."""

from __future__ import annotations

from core.i18n import _


class LinesideError(Exception):
    """A refusal the operator should read: `message` is an English msgid with {placeholders}."""

    message = "Operation refused"

    def __init__(self, message: str | None = None, hint: str | None = None, **params: object) -> None:
        self.msgid = message or self.message
        self.hint_msgid = hint
        self.params = params
        super().__init__(self.msgid)

    # Parameters that are vocabulary (a status, an action), not data: shown in the operator's language.
    TRANSLATED_PARAMS = ("status", "action")

    def __str__(self) -> str:
        text = _(self.msgid)
        params = {k: _(v) if k in self.TRANSLATED_PARAMS and isinstance(v, str) else v for k, v in self.params.items()}
        try:
            return text.format(**params)
        except (KeyError, IndexError):
            return text

    @property
    def hint(self) -> str | None:
        """Translated hint, if any."""
        return _(self.hint_msgid).format(**self.params) if self.hint_msgid else None


class NotFound(LinesideError):
    message = "Not found: {what}"


class InvalidInput(LinesideError):
    message = "Invalid input"


class InsufficientStock(LinesideError):
    message = "Not enough stock: {sku} at {location}"


class WrongLocation(LinesideError):
    message = "Wrong location: {location}"


class NotSuggested(WrongLocation):
    """Another location than the suggested one, without a reason for the change (the console offers F3)."""

    message = "Wrong location {location}: put it in {suggested}"


class ApprovalNeeded(InvalidInput):
    """A refusal that a supervisor's approval (badge, PIN, reason) can lift; the console offers its key."""


class OverReceipt(ApprovalNeeded):
    """More than the PO line's open quantity plus its tolerance."""

    message = "Over-receipt: {qty} received, {open} open + {tolerance}%"


class OverIssue(ApprovalNeeded):
    """More than the work order's requirement (with scrap)."""

    message = "Over-issue: {qty} more than required"


class OverOutput(ApprovalNeeded):
    """Good + scrap reported beyond the work order's quantity plus its tolerance (`over_output_pct`)."""

    message = "Over-output: {total} reported of {ordered} ordered (+{tolerance}% tolerance)"


class OperationOverrun(OverOutput):
    """An operation finishing more (good + scrap) than the previous one passed, beyond the output tolerance."""

    message = "Over-output at op {op_no}: {total} finished, {passed} passed before (+{tolerance}%)"


class LotOnHold(LinesideError):
    message = "Lot {lot} is on hold"


class PermissionDenied(LinesideError):
    message = "Not allowed: {operation}"


class AuthFailed(LinesideError):
    message = "Badge or PIN not recognised"


class BadgeLocked(AuthFailed):
    """A locked badge reads exactly as a wrong PIN: the answer never confirms that a badge exists."""


class SignatureRefused(LinesideError):
    """An electronic signature whose PIN is not the signer's own: nothing is signed or posted."""

    message = "Wrong PIN: not signed, nothing posted"


class SignatureLocked(SignatureRefused):
    """The signer's badge is locked (too many wrong PINs, at sign-in or signing): refused even with the right PIN.
    The signer is the operator signed in, so saying so reveals nothing about other badges."""

    message = "Badge {badge} is locked after too many wrong PINs: not signed"


class SignInThrottled(LinesideError):
    """Too many failed sign-ins from one terminal (any badges): it waits before the next try."""

    message = "Too many failed sign-ins on this terminal: try again in {seconds} s"


class SignInRequired(LinesideError):
    """A command that changes data, run without a named operator once the database has an admin."""

    message = "This command changes data: name yourself with --as BADGE (or LINESIDE_BADGE)"


class Conflict(LinesideError):
    message = "Conflict: {what}"


class KeyReused(Conflict):
    """A confirmation's idempotency key came again with another payload, kind or operator: refused, never
    answered with the first result (SQLSTATE LS003 from ledger_claim)."""

    message = "This confirmation was already used for something else: scan again"


class DatabaseUnavailable(LinesideError):
    message = "Database unavailable, retrying"


class AuditChainBroken(LinesideError):
    """The chain does not verify since its latest anchor: it is not anchored again (`lineside check` says where)."""

    message = "The audit chain is broken at row {id}: not anchored"


class MigrationRefused(LinesideError):
    """A migration stopped on purpose (its reason, in English, is for the administrator)."""

    message = "The database was not migrated: {reason}"
