"""Operations (`o`, the shop floor): work centre -> work order -> `1` start / `2` finish.

A finish asks the good quantity, the scrap (Enter = 0), a scrap reason when there is scrap, then each
characteristic of the operation's QC plan as a measured value. More than the previous operation passed (+ the
tolerance) is refused; F2 then asks a supervisor's approval and the same finish posts again with it. A value out
of its limits still posts: the order's output goes on hold and a nonconformance is raised, said in yellow.
After a posting the same work centre takes the next work order, until Esc.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rich.text import Text
from textual.widgets import Static

from console.compact import Lines
from console.flow import Approval, ApprovalFlow, Step, approval_steps, handles
from console.screens import shopfloor_panels as panels
from console.words import parse_qty, qty_text
from core.errors import InvalidInput, LinesideError
from core.i18n import N_, _
from core.reasons import OverOutputReason, ScrapReason
from core.services import operations, shopfloor_views
from core.services.operations import OperationDone
from core.services.shopfloor_views import WorkCenterView

APPROVING = ("approver", "approver_pin", "approval_reason")  # the finish waits for a supervisor: still shown


class OperationsScreen(ApprovalFlow):
    """Steps `wc` -> `wo` -> `action` -> (finish) `good` -> `scrap` -> `scrap_reason` -> `measure` (each check)."""

    TITLE_MSGID = N_("Operations")
    CSS_PATH = "shopfloor.tcss"
    STEPS = (
        Step("wc", N_("Scan the work centre")),
        Step("wo", N_("Scan the work order at {work_center}"), back="wc"),
        Step("action", N_("1: start · 2: finish, then Enter"), back="wo"),
        Step("good", N_("Good quantity made, then Enter"), back="action", blank=True),
        Step("scrap", N_("Scrap quantity"), back="good", default=N_("Enter = 0")),
        Step("scrap_reason", N_("Scrap: type the reason number, then Enter"), back="scrap", reasons=ScrapReason),
        Step("measure", N_("{characteristic} ({limits}): the measured value, then Enter"), back="scrap"),
        *approval_steps(OverOutputReason, N_("Over-output: type the reason number, then Enter")),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.center: WorkCenterView | None = None
        self.op: OperationDone | None = None  # the order's operation here, as it was read
        self.good = Decimal(0)
        self.scrap = Decimal(0)
        self.scrap_reason: ScrapReason | None = None
        self.m = 0  # the characteristic being measured
        self.measured: dict[str, str] = {}

    def compose_body(self):
        yield Static(id="detail")

    def prompt_values(self) -> dict[str, object]:
        values = {**super().prompt_values(), "work_center": self.center.code if self.center else ""}
        chars = self.op.characteristics if self.op else ()
        if chars:
            c = chars[min(self.m, len(chars) - 1)]
            values |= {"characteristic": c.characteristic, "limits": panels.limits_text(c)}
        return values

    def draw(self, step: Step) -> None:
        detail = self.query_one("#detail", Static)
        text = panels.center_line(self.center)
        if self.op is not None:
            text.append("\n").append_text(panels.operation_line(self.op))
            if step.name in ("scrap", "scrap_reason", "measure", *APPROVING):
                text.append("\n")
                panels.label(text, N_("Good"), qty_text(self.good))
                if step.name != "scrap":
                    panels.label(text.append("  "), N_("Scrap"), qty_text(self.scrap))
                    if self.scrap_reason:
                        text.append(f" ({_(self.scrap_reason.label)})")
            if step.name in ("action", "measure", *APPROVING) and self.op.characteristics:
                text.append("\n\n").append_text(panels.checks(self.op.characteristics, self.measured,
                                                              self.m if step.name == "measure" else None))
        if step.reasons:
            text.append("\n\n").append_text(self.reason_list(step.reasons))
        detail.update(text)

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: the work centre, the order's operation, then what the finish has been given so far; while
        measuring, which check of how many and the values already typed (the check's limits are in the prompt)."""
        lines = Lines()
        if self.center is not None:
            lines.add("Work centre", self.center.code)
        op = self.op
        if op is None:
            return lines
        lines.add("Work order", op.wo_number)
        head = Text(f"{_('Op')} ", style="dim").append(str(op.op_no), style="bold")
        if op.rework:
            head.append(f" {_('(rework)')}", style="yellow")
        if step.name == "action":  # the finish steps run only on a running operation: no status to say there
            head.append(f" {_(panels.OP_STATUS.get(op.status, op.status))}",
                        style="green" if op.status == "running" else "bold")
        lines.text(head)
        if step.name in ("action", "good"):  # what the operation has made so far, who works on it
            if op.good or op.scrap:
                lines.pair(f"{_('Good')} {qty_text(op.good)}", f"{_('Scrap')} {qty_text(op.scrap)}", style="")
            if step.name == "action":
                lines.add("Operators", " ".join(op.operators), style="")
            return lines
        lines.add("Good", qty_text(self.good))
        if step.name != "scrap":
            why = f" ({_(self.scrap_reason.label)})" if self.scrap_reason else ""
            lines.add("Scrap", qty_text(self.scrap) + why)
        chars = op.characteristics
        if step.name == "measure" and chars:
            lines.add("Checks", f"{self.m + 1}/{len(chars)}")
            if self.m:  # the value typed last (Esc goes back to it)
                c = chars[self.m - 1]
                lines.text(Text(f"{c.characteristic} ", style="dim").append(self.measured.get(c.characteristic, "")))
        return lines

    # Work centre, work order, start ------------------------------------------------------------------------

    @handles("wc")
    def wc_scanned(self, value: str) -> None:
        self.read(self.center_found, shopfloor_views.work_center, self.app.services.db, self.app.actor, value)

    def center_found(self, center: WorkCenterView) -> None:
        self.center = center
        self.go("wo")

    @handles("wo")
    def wo_scanned(self, value: str) -> None:
        self.read(self.op_found, operations.characteristics, self.app.services.db, self.app.actor,
                  work_center=self.center.code, wo_number=value)

    def op_found(self, op: OperationDone) -> None:
        self.op = op
        self.go("action")

    @handles("action")
    def action_chosen(self, value: str) -> None:
        op = self.op
        if value == "1":
            key = self.key.for_payload(("start", op.work_center, op.wo_number))
            self.post(self.started, operations.start, self.app.services.db, self.app.actor, key=key,
                      work_center=op.work_center, wo_number=op.wo_number)
        elif value == "2":
            if op.status != "running":
                raise InvalidInput(N_("Op {op_no} of {wo} was not started"), op_no=op.op_no, wo=op.wo_number)
            self.good, self.scrap, self.scrap_reason = Decimal(0), Decimal(0), None
            self.go("good")
        else:
            raise InvalidInput(N_("No choice {key}"), key=value)

    def started(self, done: OperationDone) -> None:
        self.key.spent()
        self.op = None
        self.go("wo")
        self.message.info(lambda: _("{wo} op {op_no} started at {work_center}: {operators}").format(
            wo=done.wo_number, op_no=done.op_no, work_center=done.work_center, operators=" ".join(done.operators)))

    # Finish ------------------------------------------------------------------------------------------------

    @handles("good")
    def good_typed(self, value: str) -> None:
        if not value:
            raise InvalidInput("Type the good quantity (0 when only scrap)")
        self.good = parse_qty(value, zero=True)
        self.go("scrap")

    @handles("scrap")
    def scrap_typed(self, value: str) -> None:
        scrap = parse_qty(value, zero=True) if value else Decimal(0)
        if self.good + scrap <= 0:
            raise InvalidInput("Quantity must be greater than zero")
        self.scrap, self.scrap_reason = scrap, None
        if scrap > 0:
            self.go("scrap_reason")
        else:
            self.measure_first()

    @handles("scrap_reason")
    def scrap_reason_chosen(self, reason: ScrapReason) -> None:
        self.scrap_reason = reason
        self.measure_first()

    def measure_first(self) -> None:
        self.m, self.measured = 0, {}
        if self.op.characteristics:
            self.go("measure")
        else:
            self.finish()

    @handles("measure")
    def value_typed(self, value: str) -> None:
        """One measured value; the last one posts (retyped after a refusal, it posts again)."""
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise InvalidInput(N_("Not a number: {value}"), value=value[:40])
        chars = self.op.characteristics
        self.measured[chars[self.m].characteristic] = value
        if self.m + 1 < len(chars):
            self.m += 1
            self.go("measure")
        else:
            self.finish()

    def finish(self, approval: Approval | None = None) -> None:
        """Post the finish (with a supervisor's approval once an overrun was refused)."""
        op, good, scrap, why = self.op, self.good, self.scrap, self.scrap_reason
        measured = dict(self.measured)
        approver = approval.approver if approval else None
        reason = approval.reason if approval else None
        key = self.key.for_payload(("finish", op.work_center, op.wo_number, good, scrap, why,
                                    tuple(sorted(measured.items())), getattr(approver, "badge", None), reason))
        self.post(self.finished, operations.finish, self.app.services.db, self.app.actor, key=key,
                  work_center=op.work_center, wo_number=op.wo_number, good=good, scrap=scrap, scrap_reason=why,
                  measurements=measured, approver=approver, reason=reason,
                  refused=self.finish_refused if approval else None)

    def approved(self, approval: Approval) -> None:
        """F2, badge, PIN and reason given: the refused finish again, with the approver."""
        try:
            self.finish(approval)
        except LinesideError as exc:
            self.finish_refused(exc)

    def finish_refused(self, error: LinesideError) -> None:
        self.approval_done()
        self.refuse(error)

    def finished(self, done: OperationDone) -> None:
        self.key.spent()
        self.approval_done()
        self.op, self.measured, self.m = None, {}, 0
        self.go("wo")
        if done.failed:
            self.message.warning(lambda: _("Out of limits: {failed}. {wo} output held, nonconformance raised").format(
                failed=", ".join(done.failed), wo=done.wo_number))
        elif done.rework:
            self.message.info(lambda: _("{wo} rework op {op_no} passed: nonconformance closed").format(
                wo=done.wo_number, op_no=done.op_no))
        else:
            self.message.info(lambda: _("{wo} op {op_no} finished: {good} good, {scrap} scrap").format(
                wo=done.wo_number, op_no=done.op_no, good=qty_text(done.good), scrap=qty_text(done.scrap)))

    # Esc ---------------------------------------------------------------------------------------------------

    def back_from(self, step: str) -> str | None:
        if step == "measure":
            if self.m > 0:
                return "measure"
            return "scrap_reason" if self.scrap > 0 else "scrap"
        return super().back_from(step)

    def forget(self, step: str) -> None:
        if step == "measure" and self.m > 0:
            self.m -= 1
        elif step == "action":
            self.op = None
        elif step == "wo":
            self.center = None
