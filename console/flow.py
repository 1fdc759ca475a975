"""The one flow module every floor screen runs on: steps declared as data, typed answers, safe workers.

A flow screen declares its steps (`STEPS`: prompt, Enter default, where Esc goes, F-keys, reason list,
password), handles each step's input in one method marked `@handles("step")`, and calls services with
`read()` (a look-up: a newer read replaces an older one) or `post()` (a stock change: never cancelled, one
idempotency key per payload). Arguments are evaluated here, on the event loop, before the worker starts, so an
Esc or a logout meanwhile cannot change what is posted. The answer comes back as `Answered` (the typed result,
to the handler named in the call) or `Refused` (a typed error: one red line and the bell, by default).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from sqlalchemy.exc import InterfaceError, OperationalError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from console.compact import Lines
from console.widgets import KeyHints, MessageLine, ScanField, StatusBar
from console.words import parse_qty
from core.errors import ApprovalNeeded, AuthFailed, DatabaseUnavailable, KeyReused, LinesideError, NotSuggested
from core.i18n import N_, _
from core.reasons import Reason
from core.services import packs

log = logging.getLogger(__name__)

Key = tuple[str, str]  # (key as shown, label msgid)
BACK: Key = ("Esc", N_("Back"))
LOG_OUT: Key = ("F10", N_("Log out"))
LANGUAGE: Key = ("F9", N_("Switch to 中文"))
APPROVE: Key = ("F2", N_("Supervisor approval"))
SHORT: Key = ("F2", N_("Short pick"))
CHANGE: Key = ("F3", N_("Change location"))
REPRINT: Key = ("F4", N_("Reprint label"))
CLOSE: Key = ("F5", N_("Close location"))

# The RF-gun layout (20x16, 40x8): narrower than COMPACT_WIDTH or lower than COMPACT_HEIGHT, the screen's own
# panels and tables give way to `#compact`: a few short lines of what the step needs (FlowScreen.compact_lines).
COMPACT_WIDTH = 60
COMPACT_HEIGHT = 12

# Refusals that an F-key can lift: the message line names the key, since core messages never do.
REFUSAL_KEYS: dict[type[LinesideError], Key] = {ApprovalNeeded: APPROVE, NotSuggested: CHANGE}


@dataclass(frozen=True)
class Step:
    """One step of a flow: one scan or one typed value, then Enter.

    `prompt` is a msgid formatted with the screen's `prompt_values()`; `default` is a msgid such as
    "Enter = {qty}" appended to the prompt when Enter alone has a meaning; `back` the step Esc returns to
    (None: leave the flow); `keys` the F-keys offered here; `reasons` makes this a numbered reason choice.
    """

    name: str
    prompt: str
    back: str | None = None
    default: str | None = None
    keys: tuple[Key, ...] = ()
    reasons: type[Reason] | None = None
    password: bool = False
    blank: bool = False  # Enter alone is passed to the handler (else ignored)
    short: str | None = None  # the prompt in the RF-gun layout, where `prompt` would take three rows


def handles(*steps: str) -> Callable[[Callable], Callable]:
    """Mark the method that takes these steps' scan or typed value (a reason step gets the chosen Reason)."""

    def mark(fn: Callable) -> Callable:
        fn.__flow_steps__ = (*getattr(fn, "__flow_steps__", ()), *steps)
        return fn

    return mark


class Answered(Message):
    """A worker returned: `result` goes to `handler` on the event loop."""

    def __init__(self, handler: Callable[[Any], None], result: object) -> None:
        super().__init__()
        self.handler, self.result = handler, result


class Refused(Message):
    """A worker raised a typed refusal: `handler` (or the default red line) takes it on the event loop."""

    def __init__(self, handler: Callable[[LinesideError], None] | None, error: LinesideError) -> None:
        super().__init__()
        self.handler, self.error = handler, error


def as_refusal(exc: BaseException, what: str) -> LinesideError:
    """Any worker exception as the typed refusal the operator reads (a lost database is said as such)."""
    if isinstance(exc, LinesideError):
        return exc
    if isinstance(exc, OperationalError | InterfaceError):
        log.warning("database call %s failed: %s", what, exc)
        return DatabaseUnavailable()
    log.exception("service call %s failed", what, exc_info=exc)
    return LinesideError(N_("Unexpected error: {error}"), error=type(exc).__name__)


@dataclass
class ConfirmationKey:
    """One idempotency key per payload: a retried Enter of the same confirmation reuses it; another payload or
    a success makes a new one."""

    _key: str | None = None
    _payload: object = field(default=None, repr=False)

    def for_payload(self, payload: object) -> str:
        """The key for this payload (the same as last time while the payload has not changed)."""
        if self._key is None or self._payload != payload:
            self._key, self._payload = str(uuid.uuid4()), payload
        return self._key

    def spent(self) -> None:
        """The confirmation posted: the next one gets a new key."""
        self._key, self._payload = None, None


class CompactPanel(Static):
    """#compact: drawn again for the rows it really has whenever they change (a message that wraps to a second
    row, a prompt that got shorter), so its lines are packed for what shows, not for an estimate."""

    def on_resize(self) -> None:
        screen = self.screen
        if isinstance(screen, FlowScreen) and screen.STEPS and screen.is_mounted and self.display:
            screen.redraw_compact()


class FlowScreen(Screen):
    """A screen whose one input is the scan field, running the steps it declares."""

    AUTO_FOCUS = "ScanField"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (COMPACT_WIDTH, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-low"), (COMPACT_HEIGHT, "-high")]
    BINDINGS = [Binding("escape", "back", "Back", show=False)]
    TITLE_MSGID = ""
    SHORT_TITLE_MSGID: str | None = None  # the title in the RF-gun layout where TITLE_MSGID is wider than the terminal
    STEPS: ClassVar[tuple[Step, ...]] = ()
    HINTS: ClassVar[list[Key]] = [BACK, LOG_OUT, LANGUAGE]  # the keys every step shows after its own
    _handlers: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers = {}
        for klass in reversed(cls.__mro__):
            for name, fn in vars(klass).items():
                for step in getattr(fn, "__flow_steps__", ()) if callable(fn) else ():
                    handlers[step] = name
        cls._handlers = handlers
        missing = [s.name for s in cls.STEPS if s.name not in handlers]
        if missing:
            raise TypeError(f"{cls.__name__}: no @handles for steps {missing}")
        cls._steps = {s.name: s for s in cls.STEPS}

    def __init__(self, scan: object = None) -> None:
        super().__init__()
        self.initial_scan = scan  # what was scanned on the home screen to open this flow
        self.pack_note: str | None = None  # "3 CASE = 72 EA" of the quantity step's pack scan, until posted
        self.step = self.STEPS[0].name if self.STEPS else ""
        self.key = ConfirmationKey()
        self.refusal: LinesideError | None = None  # the last refusal, while an F-key may lift it

    # Layout ------------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static(id="title")
        yield CompactPanel(id="compact")  # shown instead of #body in the RF-gun layout
        with Vertical(id="body"):
            yield from self.compose_body()
        yield Static(id="prompt")
        yield ScanField(id="scan")
        yield MessageLine()
        yield KeyHints(self.HINTS)

    def compose_body(self) -> Iterable[Widget]:
        """The screen's own widgets between the title and the prompt."""
        return ()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._language_changed)
        self.watch(self.app, "db_state", self._draw_title, init=False)

    def _draw_title(self, *_args: object) -> None:
        """The flow's name (its short form where the RF layout has no room for it); at 40x8, where the status bar
        is gone, a lost database is said here too."""
        title = Text(_(self.TITLE_MSGID))
        if self.SHORT_TITLE_MSGID and self.compact and title.cell_len > self.app.size.width:
            title = Text(_(self.SHORT_TITLE_MSGID))
        if self.app.size.height < COMPACT_HEIGHT and getattr(self.app, "db_state", "") == "reconnecting":
            title.append("  ● " + _("DB reconnecting…"), style="bold red")
        self.query_one("#title", Static).update(title)

    @property
    def compact(self) -> bool:
        """True in the RF-gun layout (the terminal is narrower than COMPACT_WIDTH or lower than COMPACT_HEIGHT)."""
        width, height = self.app.size
        return width < COMPACT_WIDTH or height < COMPACT_HEIGHT

    def on_resize(self) -> None:
        """Another size may change the layout: the step is drawn again for it (keys, compact lines)."""
        if self.is_mounted:
            self._draw_title()
        if self.STEPS and self.is_mounted:
            self.show(self.step)

    def _language_changed(self, *_args: object) -> None:
        self._draw_title()
        self.translate()

    def translate(self) -> None:
        """Redraw every text of the screen in the current language (a refusal on the message line too: it is
        typed, so it can be said again; and a notice given as a function)."""
        if self.STEPS:
            self.show(self.step)
        if self.refusal is not None and self.message.is_error:
            self.message.error(self._refusal_text(), bell=False)
        else:
            self.message.say_again()

    # Steps -------------------------------------------------------------------------------------------------

    @property
    def current(self) -> Step:
        return self._steps[self.step]

    def go(self, step: str) -> None:
        """Ask a step: its prompt, keys and panels; a refusal the last step left no longer applies."""
        self.refusal = None
        self.show(step)

    def show(self, step: str) -> None:
        """Draw a step without changing what the flow holds (language switch, a redraw after an answer)."""
        self.step = step
        spec = self.current
        values = self.prompt_values()
        prompt = _(spec.short if spec.short and self.compact else spec.prompt).format(**values)
        if spec.default and self.has_default(spec):
            prompt += " (" + _(spec.default).format(**values) + ")"
        self.query_one("#prompt", Static).update(Text(prompt))
        self._prompt_cells = cell_len(prompt)
        self.scan_field.password = spec.password
        self._set_hints()
        self.draw(spec)
        self.redraw_compact()

    def redraw_compact(self) -> None:
        """Fill the RF-gun layout's lines for the step at hand (a screen whose panels change between steps, after
        an answer, calls this when it redraws them)."""
        spec = self.current
        lines = self.compact_lines(spec)
        if spec.reasons:  # the numbered choices first, packed where the rows run out (40x8); the step's values after
            lines = Lines().extend(self.compact_reasons(spec.reasons)).extend(lines)
        panel = self.query_one("#compact", Static)
        rows = panel.content_size.height if panel.display and panel.content_size.height else self.compact_rows()
        panel.update(lines.build(self.app.size.width, rows))

    def compact_reasons(self, reasons: type[Reason]) -> Lines:
        """A reason list for the RF layout: `1 Damaged` a line, sharing rows where they run out."""
        lines = Lines()
        for n, reason in enumerate(reasons.choices(), 1):
            lines.text(Text(str(n), style="bold reverse").append(f" {_(reason.label)}", style=""))
        return lines

    def compact_rows(self) -> int:
        """About how many rows #compact has: the terminal's less the status bar (not at 40x8), the title, the prompt
        as it wraps (at most 4 at 20x16, 3 at 40x8), the scan field, the message line and the keys."""
        width, height = self.app.size
        low = height < COMPACT_HEIGHT
        prompt = min(3 if low else 4, -(-getattr(self, "_prompt_cells", 0) // max(width, 1)))
        return height - (0 if low else 1) - 1 - max(1, prompt) - 1 - (1 if low else 2) - 1

    def compact_lines(self, step: Step) -> Lines:
        """What the RF-gun layout shows for a step: the values it needs, a short line each, no tables."""
        return Lines()

    def _set_hints(self) -> None:
        """The step's keys, then the screen's own; the RF-gun layout leaves out the language key (F9 still works)."""
        common = [key for key in self.HINTS if not (self.compact and key == LANGUAGE and len(self.HINTS) > 1)]
        self.query_one(KeyHints).set_hints(self.keys_for(self.current) + common)

    def keys_for(self, step: Step) -> list[Key]:
        """The F-keys this step offers now (a refusal that a key can lift adds that key)."""
        keys = list(step.keys)
        lift = self.lifting_key()
        if lift is not None and lift not in keys:
            keys.insert(0, lift)
        return keys

    def prompt_values(self) -> dict[str, object]:
        """The values the prompts' placeholders name."""
        return {}

    def has_default(self, step: Step) -> bool:
        """True when Enter alone means the step's default now (a step whose default can be absent says so)."""
        return True

    def draw(self, step: Step) -> None:
        """Fill the screen's own panels for a step."""

    def reason_list(self, reasons: type[Reason]) -> Text:
        """A numbered reason list in the operator's language."""
        lines = Text()
        for n, reason in enumerate(reasons.choices(), 1):
            lines.append(f"  {n} ", style="bold reverse").append(f"  {_(reason.label)}\n")
        return lines

    @property
    def scan_field(self) -> ScanField:
        return self.query_one(ScanField)

    @property
    def message(self) -> MessageLine:
        return self.query_one(MessageLine)

    @on(ScanField.Scanned)
    def _scanned(self, event: ScanField.Scanned) -> None:
        event.stop()
        self.message.clear()
        self.pack_note = None
        self.scanned(event.value)

    def quantity(self, value: str, sku: str, then: Callable[[Decimal], None], *, zero: bool = False) -> None:
        """A quantity step's input for `sku`: a typed number goes to `then` at once; a pack barcode (its GTIN,
        (02)+(37)) or a typed `3 CASE` is converted to base units in a worker first, and "3 CASE = 72 EA" is shown
        with the answer to the posting that follows."""
        if not packs.looks_like_pack(value):
            then(parse_qty(value, zero=zero))
            return
        self.read(partial(self._pack_converted, then), packs.base_quantity, self.app.services.db, sku, value)

    def _pack_converted(self, then: Callable[[Decimal], None], converted: packs.PackQty) -> None:
        self.pack_note = converted.text
        self.message.info(converted.text)
        then(converted.qty)

    def scanned(self, value: str) -> None:
        """A whole scan (or typed value): to the current step's handler; a refusal it raises is the red line."""
        if not self.STEPS:
            return
        spec = self.current
        value = value if spec.password else value.strip()
        if not value and not (spec.blank or (spec.default and self.has_default(spec))):
            return
        handler = getattr(self, self._handlers[spec.name])
        try:
            handler(spec.reasons.by_number(value) if spec.reasons else value)
        except Exception as exc:  # whatever was typed, the terminal stays up: a red line (and the log for a bug)
            self.refuse(as_refusal(exc, f"{type(self).__name__}.{spec.name}"))

    def action_back(self) -> None:
        """Esc: the step this one declares as its way back (what a step filled is forgotten); from the first, home."""
        self.message.clear()
        target = self.back_from(self.step)
        if target is None:
            self.leave()
        else:
            self.forget(self.step)
            self.go_back(target)

    def go_back(self, step: str) -> None:
        """Ask again the step Esc returned to."""
        self.go(step)

    def back_from(self, step: str) -> str | None:
        """Where Esc goes from a step (its declaration, unless the flow knows better)."""
        return self._steps[step].back if step in self._steps else None

    def forget(self, step: str) -> None:
        """Drop what a step (and the ones after it) filled, as Esc leaves it."""

    def leave(self) -> None:
        """Leave the flow for the screen below (home)."""
        self.app.pop_screen()

    # Refusals ----------------------------------------------------------------------------------------------

    def refuse(self, error: LinesideError) -> None:
        """One red line and the bell; the flow stays on the same step. A liftable refusal offers its key."""
        self.refusal = error
        self.message.error(self._refusal_text())
        if self.STEPS:
            self._set_hints()

    def _refusal_text(self) -> str:
        """The last refusal in the current language, with the F-key that can lift it."""
        text = str(self.refusal)
        lift = self.lifting_key()
        if lift is not None:
            text += f" · {lift[0]} {_(lift[1])}"
        return text

    def lifting_key(self) -> Key | None:
        """The F-key that may lift the last refusal on this screen, if the screen binds it."""
        if self.refusal is None:
            return None
        for kind, key in REFUSAL_KEYS.items():
            if isinstance(self.refusal, kind) and self.offers(key):
                return key
        return None

    def offers(self, key: Key) -> bool:
        """True when this screen binds the F-key."""
        return key[0].lower() in self._bindings.key_to_bindings

    # Workers -----------------------------------------------------------------------------------------------

    def read(self, then: Callable[[Any], None], fn: Callable[..., object], *args: object,
             refused: Callable[[LinesideError], None] | None = None, **kwargs: object) -> None:
        """A look-up in a thread; a newer read replaces one still running (its answer would be stale)."""
        self._read_worker(then, refused, fn, args, kwargs)

    def post(self, then: Callable[[Any], None], fn: Callable[..., object], *args: object,
             refused: Callable[[LinesideError], None] | None = None, **kwargs: object) -> None:
        """A confirmation in a thread of its own group: never cancelled, so its answer always arrives."""
        self._post_worker(then, refused, fn, args, kwargs)

    @work(thread=True, exclusive=True, exit_on_error=False, group="read")
    def _read_worker(self, then, refused, fn, args, kwargs) -> None:
        self._answer(then, refused, fn, args, kwargs, cancellable=True)

    @work(thread=True, exclusive=False, exit_on_error=False, group="post")
    def _post_worker(self, then, refused, fn, args, kwargs) -> None:
        self._answer(then, refused, fn, args, kwargs, cancellable=False)

    def _answer(self, then, refused, fn, args, kwargs, *, cancellable: bool) -> None:
        from textual.worker import get_current_worker

        try:
            outcome: Message = Answered(then, fn(*args, **kwargs))
        except Exception as exc:  # a bug must not kill the terminal: a red line, and the log has the rest
            outcome = Refused(refused, as_refusal(exc, getattr(fn, "__name__", "call")))
        if not (cancellable and get_current_worker().is_cancelled):
            self.post_message(outcome)

    def on_answered(self, message: Answered) -> None:
        message.stop()
        self.app.database_answered()
        try:
            message.handler(message.result)
        except Exception as exc:
            self.refuse(as_refusal(exc, getattr(message.handler, "__name__", "answer")))
            return
        note = self.pack_note
        if note and not isinstance(message.handler, partial) and not self.message.is_error:
            said = self.message.text  # what the pack scan was, then the posting's own line
            if said and note not in said:
                self.message.info(f"{note} · {said}")
                self.pack_note = None
            elif not said:
                self.message.info(note)

    def on_refused(self, message: Refused) -> None:
        message.stop()
        if isinstance(message.error, DatabaseUnavailable):
            self.app.database_lost()
        if isinstance(message.error, KeyReused):  # the key is burnt: the next confirmation gets a new one
            self.key.spent()
        if message.handler is not None:
            message.handler(message.error)
        else:
            self.refuse(message.error)


def approval_steps(reasons: type[Reason], reason_prompt: str) -> tuple[Step, ...]:
    """The three steps of a supervisor's approval after F2: badge, PIN, reason (Esc returns where F2 was)."""
    return (Step("approver", N_("Supervisor: scan your badge")),
            Step("approver_pin", N_("PIN for badge {approver}"), back="approver", password=True, blank=True),
            Step("approval_reason", reason_prompt, reasons=reasons))


APPROVAL_STEPS = ("approver", "approver_pin", "approval_reason")


@dataclass(frozen=True)
class Approval:
    """A second person's approval of a refused confirmation: who, with which reason."""

    approver: object  # core.permissions.Actor
    reason: Reason


class ApprovalFlow(FlowScreen):
    """A flow whose refusal `ApprovalNeeded` F2 lifts: the flow declares `approval_steps(...)` among its STEPS
    and implements `approved(Approval)`, which posts again with the approver."""

    BINDINGS = [Binding("f2", "approve", show=False)]

    def __init__(self, scan: object = None) -> None:
        super().__init__(scan)
        self.approval_from: str | None = None  # the step where F2 was pressed
        self._lifted: LinesideError | None = None  # the refusal F2 was pressed on
        self.approving_badge = ""
        self.approving = None  # the approver's Actor once badge and PIN are checked

    def prompt_values(self) -> dict[str, object]:
        return {"approver": self.approving_badge}

    def action_approve(self) -> None:
        """F2 after a refusal that an approval lifts: the supervisor's badge, PIN, then a reason."""
        if isinstance(self.refusal, ApprovalNeeded) and self.step not in APPROVAL_STEPS:
            self.message.clear()
            self._lifted = self.refusal
            self.approval_from, self.approving_badge, self.approving = self.step, "", None
            self.go("approver")

    def back_from(self, step: str) -> str | None:
        if step in APPROVAL_STEPS:
            return self.approval_from if step != "approver_pin" else "approver"
        return super().back_from(step)

    def go_back(self, step: str) -> None:
        if self.step in APPROVAL_STEPS and step not in APPROVAL_STEPS:
            self.approval_done()  # out of the approval: back where F2 was pressed, the refusal still liftable
            self.go(step)
            self.refusal = self._lifted
            self.show(step)
            return
        super().go_back(step)

    @handles("approver")
    def approver_scanned(self, value: str) -> None:
        self.approving_badge = value
        self.go("approver_pin")

    @handles("approver_pin")
    def approver_pin_typed(self, value: str) -> None:
        from core.services import auth

        self.read(self._approver_checked, auth.approver, self.app.services.db, self.app.actor,
                  self.approving_badge, value, self.app.terminal, refused=self._approver_refused)

    def _approver_checked(self, approver: object) -> None:
        self.approving = approver
        self.go("approval_reason")

    def _approver_refused(self, error: LinesideError) -> None:
        """A wrong PIN is typed again; a badge that may not approve (or is locked) makes way for another badge."""
        if not isinstance(error, AuthFailed):
            self.approving_badge = ""
            self.go("approver")
        self.message.error(lambda: str(error))  # said again in the new language on F9

    @handles("approval_reason")
    def approval_reason_chosen(self, reason: Reason) -> None:
        approval = Approval(self.approving, reason)
        self.show(self.approval_from)
        self.approved(approval)

    def approval_done(self) -> None:
        """The approved confirmation posted or was refused: the approval is spent either way."""
        self.approval_from, self.approving_badge, self.approving = None, "", None

    def approved(self, approval: Approval) -> None:
        """Post the refused confirmation again, with the approval."""
        raise NotImplementedError
