"""At run time, not only in import-linter's static graph: core loads without the console, the CLI or the benchmarks.

Each probe runs in a fresh interpreter, so what the test process has already imported cannot hide a leak.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Import `core`, then every module under it one by one; report, for each forbidden top-level package that
# appeared, the first module whose import brought it in.
CORE_PROBE = """
import importlib, json, pkgutil, sys

FORBIDDEN = ("textual", "typer", "console", "cli", "bench")

def leaks():
    return {n for n in sys.modules if n.split(".")[0] in FORBIDDEN}

import core
found = {n: "core" for n in leaks()}
names = sorted(m.name for m in pkgutil.walk_packages(core.__path__, "core."))
for name in names:
    importlib.import_module(name)
    for leak in leaks() - found.keys():
        found[leak] = name
print(json.dumps({"imported": names, "leaks": found}))
"""

CLI_PROBE = """
import json, sys
from cli.main import app  # the whole command tree
assert len(app.registered_commands) + len(app.registered_groups) > 20
print(json.dumps(sorted(n for n in sys.modules if n.split(".")[0] == "bench")))
"""


def _probe(code: str):
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_core_and_every_service_import_without_console_cli_or_bench():
    result = _probe(CORE_PROBE)
    assert "core.services.ledger" in result["imported"]  # the walk really reached the services
    assert sum(n.startswith("core.services.") for n in result["imported"]) > 20
    tops = {name: by for name, by in result["leaks"].items() if "." not in name}  # a package comes with its modules
    assert not tops, "; ".join(f"{name} first imported by {by}" for name, by in sorted(tops.items()))


def test_loading_the_cli_loads_no_benchmark():
    assert _probe(CLI_PROBE) == []  # cli.cmd_bench imports bench inside each command


# What a clerk's session never runs: XLSX reading, label rendering, charts, the AMQP client, migrations, settings
# validation, and biip until the first GS1 string. Importing the CLI and the console (what `lineside console` does
# before the login is drawn) must not load them.
LEAN_SESSION = ("openpyxl", "PIL", "barcode", "segno", "plotext", "textual_plotext", "pika", "alembic", "mako",
                "pydantic", "pydantic_settings", "biip", "bench")
SESSION_PROBE = """
import json, sys
import cli.main, cli.cmd_console, console.app
print(json.dumps(sorted({n.split(".")[0] for n in sys.modules})))
"""


def test_a_console_session_loads_none_of_what_a_clerk_never_runs():
    loaded = set(_probe(SESSION_PROBE))
    assert {"textual", "sqlalchemy", "psycopg", "console", "cli"} <= loaded  # the probe really loaded a console
    assert not loaded & set(LEAN_SESSION), sorted(loaded & set(LEAN_SESSION))


GS1_PROBE = """
import json, sys
from core.scan import parse_gs1
before = "biip" in sys.modules
parsed = parse_gs1("(01)09501101530003(10)ABC(17)261231(30)12")
import biip.gs1_prefixes
print(json.dumps({"before": before, "after": "biip" in sys.modules, "lot": parsed.lot, "gtin": parsed.gtin,
                  "trie": len(biip.gs1_prefixes._GS1_COMPANY_PREFIX_TRIE)}))
"""


def test_biip_loads_at_the_first_gs1_scan_without_its_company_prefix_table():
    result = _probe(GS1_PROBE)
    assert result == {"before": False, "after": True, "lot": "ABC", "gtin": "09501101530003", "trie": 0}
