"""Every user-visible string has a zh_CN translation, as Babel's extractor finds them in core, console and cli.

The keywords are the gettext ones (`_`, `N_`, `gettext`, `ngettext`, `pgettext`) and every typed error class,
whose first argument is a msgid (`raise NotFound("Unknown lot {lot}", lot=...)`). A small AST pass adds what
Babel's keywords cannot express: the error classes' `message = "..."` and `hint="..."`, and keyword calls inside
an f-string (`f"{_('FEFO lot')} "`), which Babel's tokenizer does not look into before Python 3.12. It also
drops a typed error's keyword parameters (`NotFound(what="quarantine")`): data, which Babel reads as the msgid.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from core import errors
from core.i18n import LOCALE_DIR, catalog, po_catalog

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("core", "console", "cli")
ERROR_NAMES = sorted(name for name, obj in vars(errors).items() if isinstance(obj, type) and issubclass(obj, Exception))
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            **dict.fromkeys(ERROR_NAMES)}
PLACEHOLDER = re.compile(r"{\w*}")

Key = tuple[str | tuple[str, str], str | None]  # (msgid or (singular, plural), msgctxt)


def extracted(folder: Path, keywords: dict = KEYWORDS) -> dict[Key, str]:
    """(msgid, context) -> where, for every message under `folder`: Babel's extraction and the AST pass."""
    found: dict[Key, str] = {}
    params: set[tuple[str, str]] = set()
    for path in folder.rglob("*.py"):
        texts, data = ast_texts(path, keywords)
        found.update((key, f"{path.relative_to(folder.parent)}:{line}") for key, line in texts.items())
        params |= {(str(path.relative_to(folder)), value) for value in data}
    for filename, lineno, message, _comments, context in extract_from_dir(
            folder, method_map=[("**.py", "python")], keywords=keywords, comment_tags=()):
        if (filename, message) not in params:
            found[(message, context)] = f"{folder.name}/{filename}:{lineno}"
    return found


def _name(call: ast.Call) -> str:
    return getattr(call.func, "id", getattr(call.func, "attr", ""))


def _text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def ast_texts(path: Path, keywords: dict) -> tuple[dict[Key, int], set[str]]:
    """What Babel misses in `path` (msgid -> line), and the typed errors' keyword parameters Babel mistakes for one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: dict[Key, int] = {}
    params: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and path.name == "errors.py":
            for stmt in node.body:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else []
                is_message = any(getattr(t, "id", "") == "message" for t in targets)
                if is_message and (text := _text(stmt.value)) is not None:
                    found[(text, None)] = stmt.lineno
        elif isinstance(node, ast.Call) and _name(node) in ERROR_NAMES:
            for kw in node.keywords:
                if kw.arg == "hint" and (text := _text(kw.value)) is not None:
                    found[(text, None)] = kw.lineno
                elif kw.arg != "hint":
                    params |= {text for n in ast.walk(kw.value) if (text := _text(n)) is not None}
        elif isinstance(node, ast.JoinedStr):
            for call in (n for n in ast.walk(node) if isinstance(n, ast.Call) and _name(n) in keywords):
                args = [_text(a) for a in call.args]
                if _name(call) == "ngettext" and len(args) >= 2 and None not in args[:2]:
                    found[((args[0], args[1]), None)] = call.lineno
                elif _name(call) == "pgettext" and len(args) >= 2 and None not in args[:2]:
                    found[(args[1], args[0])] = call.lineno
                elif args and args[0] is not None and _name(call) not in ("ngettext", "pgettext"):
                    found[(args[0], None)] = call.lineno
    return found, params


def all_messages() -> dict[Key, str]:
    found: dict[Key, str] = {}
    for folder in FOLDERS:
        found.update(extracted(ROOT / folder))
    return found


def untranslated(messages: dict[Key, str], lang: str = "zh_CN") -> dict[Key, str]:
    """The messages whose entry in `lang` is missing or empty (a plural entry: msgstr[0])."""
    cat = po_catalog(lang)
    missing = {}
    for (msgid, context), where in messages.items():
        if not msgid:
            continue
        entry = cat.get(msgid[0] if isinstance(msgid, tuple) else msgid, context)
        string = entry.string if entry is not None else None
        if isinstance(string, tuple):
            string = string[0] if isinstance(msgid, tuple) else None  # a plural use needs a plural entry
        elif isinstance(msgid, tuple):
            string = None
        if not string:
            missing[(msgid, context)] = where
    return missing


def test_every_message_has_a_chinese_translation():
    messages = all_messages()
    assert len(messages) > 200  # the extractor really ran over the packages
    missing = untranslated(messages)
    assert not missing, "missing zh_CN translations:\n" + "\n".join(f"{w}: {m!r}" for m, w in missing.items())


@pytest.mark.parametrize("source", [
    'from core.i18n import _\nprint(_("A brand new sentence nobody translated"))\n',
    'from core.i18n import N_\nSTEPS = {"x": N_("A prompt kept in data nobody translated")}\n',
    'from core.i18n import ngettext\nngettext("{n} widget", "{n} widgets", 2)\n',
    'from core.i18n import ngettext\nngettext("Sign in", "Sign ins", 2)\n',  # singular known, not as a plural
    'from core.errors import NotFound\nraise NotFound("An error nobody translated {x}", x=1)\n',
    'from core.i18n import pgettext\npgettext("a context nobody used", "Required")\n',
    'from core.i18n import _\nprint(f"{_(\'Inside an f-string nobody translated\')}: 1")\n',
])
def test_an_untranslated_string_is_caught(tmp_path, source):
    (tmp_path / "mod.py").write_text(source, encoding="utf-8")
    found = extracted(tmp_path)
    assert found and untranslated(found)


@pytest.mark.parametrize("source", [
    'from core.i18n import _\nprint(_("Sign in"))\n',
    'from core.i18n import N_\nSTEPS = {"x": N_("Scan your badge")}\n',
    'from core.errors import NotFound\nraise NotFound("Not found: {what}", what="x")\n',
    'from core.errors import NotFound\nraise NotFound(what="data, not a msgid")\n',
    'from core.i18n import pgettext\npgettext("import error", "Required")\n',
    'from core.i18n import _\nprint(f"{_(\'FEFO lot\')}: 1")\n',
])
def test_a_translated_string_passes(tmp_path, source):
    (tmp_path / "mod.py").write_text(source, encoding="utf-8")
    assert not untranslated(extracted(tmp_path))


def test_placeholders_survive_translation():
    for msgid, msgstr in catalog("zh_CN").items():
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), msgid
    for message in po_catalog("zh_CN"):
        if isinstance(message.id, tuple):
            wanted = set(PLACEHOLDER.findall(message.id[0])) | set(PLACEHOLDER.findall(message.id[1]))
            for form in message.string:
                assert set(PLACEHOLDER.findall(form)) == wanted, message.id


def test_each_po_file_declares_the_plural_forms_and_no_msgid_is_translated_twice():
    from babel.messages.pofile import read_po

    seen: dict[Key, tuple[str, object]] = {}
    for path in sorted((LOCALE_DIR / "zh_CN").glob("*.po")):
        with path.open("rb") as fh:
            part = read_po(fh)
        assert part.mime_headers and dict(part.mime_headers).get("Plural-Forms") == "nplurals=1; plural=0;", path.name
        for message in part:
            if not message.id:
                continue
            key = (message.id, message.context)
            if key in seen:
                assert seen[key][1] == message.string, f"{message.id!r} in {seen[key][0]} and {path.name}"
            seen[key] = (path.name, message.string)
