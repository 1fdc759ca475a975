"""Nonconformance (`n`, quality and supervisors): pick one -> `1` scrap / `2` rework / `3` use as is -> signed.

The first step lists what waits for a disposition, newest first, numbered. Rework asks the work centre (checked
before signing), use as is asks why (free text, shown literally). The signature shows its meaning (Scrapped, Sent
to rework, Used as is) before the PIN; after the posting, the list again.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Static

from console.compact import Lines
from console.flow import Step, handles
from console.screens import shopfloor_panels as panels
from console.signing import SignatureFlow, signature_steps
from console.words import qty_text
from core.errors import InvalidInput
from core.i18n import N_, _, ngettext
from core.reasons import Disposition, UseAsIsReason
from core.services import nonconformance, shopfloor_views
from core.services.nonconformance import MEANINGS, Disposed
from core.services.shopfloor_views import NonconformanceRow, WorkCenterView

COLUMNS = (N_("No."), N_("Work order"), N_("Op"), N_("Lot"), N_("Characteristic"), N_("Measured"), N_("Qty"))
SIGNING = {Disposition.SCRAP: N_("Scrap: the held quantity is scrapped"),
           Disposition.REWORK: N_("Rework at {work_center}: the stock stays held until it passes"),
           Disposition.USE_AS_IS: N_("Use as is: the held stock is released ({reason})")}


def waiting(db, actor) -> list[NonconformanceRow]:
    """Open nonconformances with no disposition yet (a rework under way is decided), newest first."""
    return [r for r in reversed(shopfloor_views.nonconformance_rows(db, actor)) if r.disposition is None]


class NonconformanceScreen(SignatureFlow):
    """Steps `pick` -> `disposition` -> `work_center` (rework) or `reason` (use as is) -> `sign`."""

    TITLE_MSGID = N_("Nonconformance")
    CSS_PATH = "shopfloor.tcss"
    STEPS = (
        Step("pick", N_("Type the nonconformance's number, then Enter")),
        Step("disposition", N_("1: scrap · 2: rework · 3: use as is, then Enter"), back="pick",
             reasons=Disposition),
        Step("work_center", N_("Rework: scan the work centre"), back="disposition"),
        Step("reason", N_("Use as is: type the reason number, then Enter"), back="disposition",
             reasons=UseAsIsReason),
        *signature_steps(),
    )

    def __init__(self, scan=None) -> None:
        super().__init__(scan)
        self.rows: list[NonconformanceRow] = []
        self.nc: NonconformanceRow | None = None

    def compose_body(self):
        yield Static(id="detail")
        table = DataTable(id="list", cursor_type="none", zebra_stripes=True)
        table.can_focus = False  # the scan field keeps the focus
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        self.read_list()

    def read_list(self) -> None:
        self.read(self.listed, waiting, self.app.services.db, self.app.actor)

    def listed(self, rows: list[NonconformanceRow]) -> None:
        self.rows = list(rows)
        if self.step == "pick":
            self.show("pick")

    def draw(self, step: Step) -> None:
        table = self.query_one("#list", DataTable)
        detail = self.query_one("#detail", Static)
        table.display = step.name == "pick"
        detail.styles.height = "auto" if step.name == "pick" else "1fr"
        if step.name == "pick":
            n = len(self.rows)
            detail.update(Text(ngettext("{n} nonconformance waits for a disposition, newest first",
                                        "{n} nonconformances wait for a disposition, newest first", n).format(n=n)
                               if n else _("No nonconformance waits for a disposition")))
            self.draw_list(table)
            return
        text = self.nc_text(self.nc) if self.nc else Text()
        if step.reasons:
            text.append("\n\n").append_text(self.reason_list(step.reasons))
        if self.signing is not None:
            kw = self.signing.kwargs
            text.append("\n\n").append(_(SIGNING[Disposition(kw["disposition"])]).format(
                work_center=kw.get("work_center") or "",
                reason=_(UseAsIsReason(kw["reason"]).label) if kw.get("reason") else ""), style="bold")
        detail.update(text)

    def draw_list(self, table: DataTable) -> None:
        table.clear(columns=True)
        for column in COLUMNS:
            table.add_column(Text(_(column), justify="right" if column in ("No.", "Measured", "Qty") else "left"))
        for n, r in enumerate(self.rows, 1):
            table.add_row(Text(str(n), justify="right"), r.wo_number or "", str(r.op_no or ""), r.lot or "",
                          r.characteristic or r.reason or "",
                          Text(qty_text(r.value) if r.value is not None else "", justify="right"),
                          Text(qty_text(r.qty) if r.qty is not None else "", justify="right"))

    @staticmethod
    def nc_text(nc: NonconformanceRow) -> Text:
        """The chosen nonconformance: where it comes from, what failed, how much is held."""
        text = panels.label(Text(), N_("Nonconformance"), str(nc.id))
        if nc.wo_number:
            panels.label(text.append("  "), N_("Work order"), nc.wo_number)
            if nc.op_no:
                panels.label(text.append("  "), N_("Op"), str(nc.op_no))
        if nc.lot:
            panels.label(text.append("  "), N_("Lot"), nc.lot)
        text.append("\n")
        if nc.characteristic:
            panels.label(text, N_("Characteristic"), nc.characteristic, "")
            if nc.value is not None:
                panels.label(text.append("  "), N_("Measured"), qty_text(nc.value), "bold red")
            text.append("\n")
        if nc.reason:
            panels.label(text, N_("Reason"), _(nc.reason), "").append("\n")
        if nc.qty is not None:
            panels.label(text, N_("Held"), qty_text(nc.qty), "yellow")
        return text

    def compact_lines(self, step: Step) -> Lines:
        """RF gun: how many wait and the first few by number (order, what failed, its value); once one is chosen,
        its facts a short line each, and while signing what the signature does."""
        lines = Lines()
        if step.name == "pick":
            n = len(self.rows)
            if not n:
                return lines.text(_("No nonconformance waits for a disposition"), style="dim")
            lines.text(ngettext("{n} waiting", "{n} waiting", n).format(n=n), style="dim")
            for number, r in enumerate(self.rows[:max(1, self.compact_rows() - 1)], 1):
                entry = Text(str(number), style="bold reverse").append(f" {r.wo_number or r.lot or ''}")
                entry.append(f" {r.characteristic or _(r.reason or '')}", style="dim")
                if r.value is not None:
                    entry.append(f" {qty_text(r.value)}", style="red")
                lines.text(entry)
            return lines
        if self.signing is not None:  # what the signature does comes first: 40x8 may not show the rest
            kw = self.signing.kwargs
            lines.text(_(SIGNING[Disposition(kw["disposition"])]).format(
                work_center=kw.get("work_center") or "",
                reason=_(UseAsIsReason(kw["reason"]).label) if kw.get("reason") else ""), style="bold")
        nc = self.nc
        if nc is not None:
            head = Text(f"#{nc.id}", style="bold")
            if nc.wo_number:
                head.append(f" {nc.wo_number}", style="bold")
                if nc.op_no:
                    head.append(f" {_('Op')} ", style="dim").append(str(nc.op_no), style="bold")
            lines.text(head)
            lines.add("Lot", nc.lot)
            if nc.characteristic:
                lines.text(Text(nc.characteristic).append(
                    f" {qty_text(nc.value)}" if nc.value is not None else "", style="bold red"))
            if nc.reason:
                lines.add("Reason", _(nc.reason), style="")
            if nc.qty is not None:
                lines.add("Held", qty_text(nc.qty), style="yellow")
        return lines

    @handles("pick")
    def picked(self, value: str) -> None:
        if not value.isdigit() or not 1 <= int(value) <= len(self.rows):
            raise InvalidInput(N_("No choice {key}"), key=value)
        self.nc = self.rows[int(value) - 1]
        self.go("disposition")

    @handles("disposition")
    def disposition_chosen(self, disposition: Disposition) -> None:
        if disposition == Disposition.REWORK:
            self.go("work_center")
        elif disposition == Disposition.USE_AS_IS:
            self.go("reason")
        else:
            self.dispose(disposition)

    @handles("work_center")
    def work_center_scanned(self, value: str) -> None:
        self.read(self.rework_at, shopfloor_views.work_center, self.app.services.db, self.app.actor, value)

    def rework_at(self, center: WorkCenterView) -> None:
        self.dispose(Disposition.REWORK, work_center=center.code)

    @handles("reason")
    def reason_chosen(self, reason: UseAsIsReason) -> None:
        self.dispose(Disposition.USE_AS_IS, reason=str(reason))

    def dispose(self, disposition: Disposition, *, work_center: str | None = None, reason: str | None = None) -> None:
        nc_id = self.nc.id
        key = self.key.for_payload((nc_id, disposition, work_center, reason))
        self.sign(MEANINGS[disposition], self.disposed, nonconformance.dispose, self.app.services.db,
                  self.app.actor, key=key, nc_id=nc_id, disposition=str(disposition), reason=reason,
                  work_center=work_center)

    def disposed(self, done: Disposed) -> None:
        self.key.spent()
        self.nc = None
        self.go("pick")
        if done.disposition == Disposition.SCRAP:
            line = _("Nonconformance {id} scrapped: {qty}; signed {meaning}")
        elif done.disposition == Disposition.REWORK:
            line = _("Nonconformance {id}: rework op {op_no} at {work_center}; signed {meaning}")
        else:
            line = _("Nonconformance {id} used as is: {qty} released; signed {meaning}")
        self.message.info(lambda: line.format(id=done.id, qty=qty_text(done.qty), op_no=done.op_no,
                                      work_center=done.work_center, meaning=_(MEANINGS[Disposition(
                                          done.disposition)].label)))
        self.read_list()

    def forget(self, step: str) -> None:
        if step == "disposition":
            self.nc = None
