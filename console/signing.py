"""The electronic signature step (21 CFR 11.50, 11.200) any flow can end with: the meaning, then the PIN.

A flow declares `signature_steps()` among its STEPS (last: they are never a flow's first step), subclasses
`SignatureFlow`, and where it used to post a signed confirmation calls
`self.sign(meaning, done, service_fn, *args, **kwargs)`: the prompt shows the meaning in the operator's
language, the PIN is masked, and Enter posts `service_fn(*args, pin=PIN, **kwargs)` (arguments evaluated now,
on the event loop). A wrong PIN stays on the step with one red line, and a locked badge leaves the step with one;
the operation's own refusal goes back where signing began. Esc goes back there too, nothing signed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from console.flow import FlowScreen, Step, handles
from core.errors import LinesideError, SignatureRefused, SignInThrottled
from core.i18n import N_, _
from core.reasons import Meaning

SIGN = "sign"


def signature_steps(prompt: str = N_("Sign: {meaning} — re-enter your PIN")) -> tuple[Step, ...]:
    """The signature's one step: the meaning (the prompt's `{meaning}`), then the masked PIN; Enter alone waits."""
    return (Step(SIGN, prompt, password=True),)


@dataclass(frozen=True)
class Signing:
    """A confirmation waiting for its signature: what it means, where signing began, what posts it."""

    meaning: Meaning
    began_at: str
    done: Callable[[Any], None]
    fn: Callable[..., object]
    args: tuple[object, ...]
    kwargs: dict[str, object]


class SignatureFlow(FlowScreen):
    """A flow some of whose confirmations are signed (see the module's docstring)."""

    def __init__(self, scan: object = None) -> None:
        super().__init__(scan)
        self.signing: Signing | None = None

    def sign(self, meaning: Meaning, done: Callable[[Any], None], fn: Callable[..., object], *args: object,
             **kwargs: object) -> None:
        """Ask for the signature under `meaning`; with it, post `fn(*args, pin=PIN, **kwargs)` and hand `done` the
        answer."""
        self.signing = Signing(meaning, self.step, done, fn, args, kwargs)
        self.go(SIGN)

    def prompt_values(self) -> dict[str, object]:
        return {**super().prompt_values(), "meaning": _(self.signing.meaning.label) if self.signing else ""}

    @handles(SIGN)
    def pin_typed(self, pin: str) -> None:
        s = self.signing
        if s is None:  # nothing to sign (cannot happen from the keys): back to the start
            self.go(self.STEPS[0].name)
            return
        self.post(self._signed, s.fn, *s.args, pin=pin, refused=self._signature_refused, **s.kwargs)

    def _signed(self, result: object) -> None:
        done, self.signing = self.signing.done, None
        done(result)

    def _signature_refused(self, error: LinesideError) -> None:
        """A wrong PIN (or a throttled terminal) asks the PIN again; anything else ends the signing with its red
        line: a locked badge signs nothing more, and the operation's own refusal belongs to where it began."""
        if self.signing is not None and (type(error) is SignatureRefused or isinstance(error, SignInThrottled)):
            self.refuse(error)
            return
        began = self.signing.began_at if self.signing else self.STEPS[0].name
        self.signing = None
        self.go(began)
        self.refuse(error)

    def back_from(self, step: str) -> str | None:
        if step == SIGN:
            return self.signing.began_at if self.signing else self.STEPS[0].name
        return super().back_from(step)

    def go_back(self, step: str) -> None:
        if self.step == SIGN:
            self.signing = None  # Esc: nothing signed, nothing posted
        super().go_back(step)

