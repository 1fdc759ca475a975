"""The base of the production flows: a step machine whose service answers go to `done_<tag>` handlers."""

from __future__ import annotations

import uuid

from textual.widgets import DataTable, Static

from console.screens.base import FlowScreen
from core.errors import LinesideError


class OrderFlowScreen(FlowScreen):
    """`step` names the current step; `go(step)` redraws it; a refusal raised in a handler is the red line."""

    CSS_PATH = "production.tcss"
    TABLE_ID = ""  # the screen's table under the panel, if it has one

    def __init__(self, scan=None) -> None:
        super().__init__()
        self.initial_scan = scan  # a work order scanned on the home screen opens the flow on it
        self.step = "wo"
        self.key: str | None = None

    def compose_body(self):
        yield Static(id="detail")
        if self.TABLE_ID:
            table = DataTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
            table.can_focus = False  # the scan field keeps the focus
            yield table

    def on_mount(self) -> None:
        super().on_mount()
        if self.initial_scan is not None and self.initial_scan.kind == "work_order":
            self.open_order(self.initial_scan.code)

    def open_order(self, wo: str) -> None:
        """Load the work order a scan named."""

    def translate(self) -> None:
        self.go(self.step)

    def go(self, step: str) -> None:
        """Show a step: prompt, keys, panel and table."""
        self.step = step

    def confirmation_key(self) -> str:
        """One idempotency key per confirmation, kept until its posting succeeds so a retried Enter reuses it."""
        self.key = self.key or str(uuid.uuid4())
        return self.key

    def service_done(self, tag: str, value: object) -> None:
        try:
            getattr(self, f"done_{tag}")(value)
        except LinesideError as exc:
            self.message.error(str(exc))
