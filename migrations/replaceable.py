"""Server functions, trigger functions and views installed from `core/sql/*.sql` (Alembic cookbook, "replaceable
objects").

The files hold the current definitions, each a `CREATE OR REPLACE`; a migration that changes one edits the file
and calls `install(...)` for it. Revisions before 0010 keep their own frozen copies. A file is read when its
migration runs, so a fresh database gets the newest text at the revision that first installs it: a definition
may therefore only rely on schema that existed at that revision (or be installed again by a later one).
"""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

from alembic import op


def definition(name: str) -> str:
    """The text of core/sql/NAME.sql."""
    return resources.files("core").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def names() -> list[str]:
    """Every definition in core/sql, by file name without `.sql`."""
    return sorted(p.name[:-4] for p in resources.files("core").joinpath("sql").iterdir() if p.name.endswith(".sql"))


def install(*objects: str) -> None:
    """Run each file's CREATE OR REPLACE, in the order given (a view after the functions it calls)."""
    for name in objects:
        op.execute(definition(name))


def frozen(revision_file: str, name: str) -> str:
    """A definition as an older revision froze it (for a downgrade), as CREATE OR REPLACE: `name` is the module
    constant in migrations/versions/<revision_file>.py."""
    path = Path(__file__).parent / "versions" / f"{revision_file}.py"
    spec = importlib.util.spec_from_file_location(f"_lineside_frozen_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
