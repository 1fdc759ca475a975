"""Reusable console widgets."""

from console.widgets.key_hints import KeyHints
from console.widgets.message_line import MessageLine
from console.widgets.scan_field import ScanField
from console.widgets.status_bar import StatusBar

__all__ = ["KeyHints", "MessageLine", "ScanField", "StatusBar"]
