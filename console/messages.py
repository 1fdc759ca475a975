"""Messages that carry a worker's outcome back to the event loop, where only handlers touch widgets."""

from __future__ import annotations

from textual.message import Message

from core.errors import LinesideError


class ServiceDone(Message):
    """A service call returned `value`; `tag` says which call it was."""

    def __init__(self, tag: str, value: object) -> None:
        super().__init__()
        self.tag = tag
        self.value = value


class ServiceRefused(Message):
    """A service call raised a typed refusal."""

    def __init__(self, tag: str, error: LinesideError) -> None:
        super().__init__()
        self.tag = tag
        self.error = error


class DatabaseState(Message):
    """The periodic ping's answer."""

    def __init__(self, online: bool) -> None:
        super().__init__()
        self.online = online
