"""Messages that carry a worker's outcome back to the event loop, where only handlers touch widgets."""

from __future__ import annotations

from textual.message import Message


class DatabaseState(Message):
    """The periodic ping's answer."""

    def __init__(self, online: bool) -> None:
        super().__init__()
        self.online = online
