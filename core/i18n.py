"""Gettext-style translation: `_()` for every user-visible string, catalogs in core/locale/*.po.

English is the source language (msgid); zh_CN comes from core/locale/zh_CN/*.po, one file per area
(core, console, cli, …). The .po files are read directly, so there is no compiled .mo to keep in step.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "zh_CN")
_current = "en"


def _unquote(chunk: str) -> str:
    return ast.literal_eval(chunk)


@lru_cache(maxsize=4)
def catalog(lang: str) -> dict[str, str]:
    """msgid -> msgstr for a language; empty for English."""
    entries: dict[str, str] = {}
    if lang == "en":
        return entries
    for path in sorted((LOCALE_DIR / lang).glob("*.po")):
        entries.update(_read_po(path))
    return entries


def _read_po(path: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    msgid: list[str] = []
    msgstr: list[str] = []
    target: list[str] | None = None

    def flush() -> None:
        mid, mstr = "".join(msgid), "".join(msgstr)
        if mid and mstr:
            entries[mid] = mstr
        msgid.clear()
        msgstr.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("msgid "):
            flush()
            target = msgid
            target.append(_unquote(line[6:]))
        elif line.startswith("msgstr "):
            target = msgstr
            target.append(_unquote(line[7:]))
        elif line.startswith('"') and target is not None:
            target.append(_unquote(line))
    flush()
    return entries


def set_language(lang: str) -> None:
    """Switch the process language (`en` or `zh_CN`)."""
    global _current
    _current = lang if lang in LANGUAGES else "en"


def language() -> str:
    """The language now in force."""
    return _current


def gettext(message: str) -> str:
    """Translate `message` into the current language (falls back to English)."""
    return catalog(_current).get(message, message)


_ = gettext


def N_(message: str) -> str:
    """Mark a msgid kept in data (step prompts, reason labels) for the extractor; translated where it is shown."""
    return message
