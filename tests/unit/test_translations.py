"""Every user-visible string has a zh_CN translation: `_()` literals and typed-error messages."""

import ast
from pathlib import Path

from core import errors
from core.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]
ERROR_NAMES = {name for name, obj in vars(errors).items() if isinstance(obj, type) and issubclass(obj, Exception)}


def _messages() -> dict[str, str]:
    found: dict[str, str] = {}
    for folder in ("core", "console", "cli"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                    func = node.func
                    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                    if (name == "_" or name in ERROR_NAMES) and isinstance(node.args[0].value, str):
                        found[node.args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
                if (isinstance(node, ast.Assign) and path.name == "errors.py"
                        and any(getattr(t, "id", "") == "message" for t in node.targets)):
                    found[node.value.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_message_has_a_chinese_translation():
    zh = catalog("zh_CN")
    missing = {msg: where for msg, where in _messages().items() if msg and msg not in zh}
    assert not missing, "missing zh_CN translations:\n" + "\n".join(f"{w}: {m!r}" for m, w in missing.items())


def test_placeholders_survive_translation():
    import re

    for msgid, msgstr in catalog("zh_CN").items():
        assert set(re.findall(r"{\w*}", msgid)) == set(re.findall(r"{\w*}", msgstr)), msgid
