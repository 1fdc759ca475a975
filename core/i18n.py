"""Translation with Babel: `_()` / `ngettext()` for every user-visible string, catalogs in core/locale/*/*.po.

English is the source language (msgid); zh_CN comes from core/locale/zh_CN/*.po, one file per area
(core, console, cli, …), merged into one catalog per language. The .po files are the source of truth: they
are read with Babel and compiled in memory, so there is no .mo to keep in step.

The language belongs to the session, not the process: one process may serve several console sessions.
`language()` is, in order, the one set in this context (`use_language`), the one the registered resolver
finds (the console registers one that reads the active app), else the process default (`set_language`,
used by the CLI and tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "zh_CN")
SOURCE_LANGUAGE = "en"

_default = SOURCE_LANGUAGE
_context_language: ContextVar[str | None] = ContextVar("lineside_language", default=None)
_resolver: Callable[[], str | None] | None = None


# Which language ------------------------------------------------------------------------------------------

def set_language(lang: str) -> None:
    """Set the process default language (`en` or `zh_CN`); a session's own language takes precedence."""
    global _default
    _default = lang if lang in LANGUAGES else SOURCE_LANGUAGE


def set_language_resolver(resolver: Callable[[], str | None] | None) -> Callable[[], str | None] | None:
    """Register the hook that names the current session's language (None when it has no session); returns
    the hook it replaces, so a caller can put it back."""
    global _resolver
    previous, _resolver = _resolver, resolver
    return previous


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Within this block (and tasks and contexts copied from it), translate into `lang`."""
    token = _context_language.set(lang if lang in LANGUAGES else SOURCE_LANGUAGE)
    try:
        yield
    finally:
        _context_language.reset(token)


def language() -> str:
    """The language now in force: this context's, else the session's (resolver), else the process default."""
    lang = _context_language.get()
    if lang is None and _resolver is not None:
        lang = _resolver()
    return lang if lang in LANGUAGES else _default


# Catalogs ------------------------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def po_catalog(lang: str) -> Catalog:
    """The Babel catalog of a language: its .po files merged (a later file's entry wins); empty for English."""
    merged = Catalog(locale=lang, fuzzy=False)
    if lang == SOURCE_LANGUAGE:
        return merged
    for i, path in enumerate(sorted((LOCALE_DIR / lang).glob("*.po"))):
        with path.open("rb") as fh:
            part = read_po(fh, locale=lang)
        if i == 0:
            merged.mime_headers = part.mime_headers  # Plural-Forms and charset come from the files
        for message in part:
            if message.id:
                merged.delete(message.id, message.context)
                merged[message.id] = message
    return merged


@lru_cache(maxsize=4)
def _translations(lang: str) -> NullTranslations:
    if lang == SOURCE_LANGUAGE:
        return NullTranslations()
    buf = BytesIO()
    write_mo(buf, po_catalog(lang))
    buf.seek(0)
    return Translations(buf)


@lru_cache(maxsize=4)
def catalog(lang: str) -> dict[str, str]:
    """msgid -> msgstr (a plural entry: its singular -> msgstr[0]) of the context-free entries; empty for English."""
    entries: dict[str, str] = {}
    for message in po_catalog(lang):
        if not message.id or message.context:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        msgstr = message.string[0] if isinstance(message.string, tuple) else message.string
        if msgstr:
            entries[msgid] = msgstr
    return entries


# Translating ---------------------------------------------------------------------------------------------

def gettext(message: str) -> str:
    """Translate `message` into the current language (falls back to English)."""
    return _translations(language()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for `n`, by the language's Plural-Forms (English: one / other)."""
    return _translations(language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate `message` in `context`, for a word the catalog must tell apart (e.g. "Required")."""
    return _translations(language()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark a msgid kept in data (step prompts, reason labels) for the extractor; translated where it is shown."""
    return message


# Formatting ----------------------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def format_number(value: int | float | Decimal) -> str:
    """A number with the current language's separators; every decimal digit kept (quantities are exact)."""
    return format_decimal(value, locale=_locale(language()), decimal_quantization=False)


def format_date(d: dt.date, format: str = "medium") -> str:
    """A date in the current language (`short`, `medium`, `long`, `full` or a CLDR pattern)."""
    return _babel_format_date(d, format=format, locale=_locale(language()))
