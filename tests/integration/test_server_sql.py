"""The server functions, trigger functions and views in the database are exactly the files in core/sql.

Each file is installed again into a scratch schema and its catalogue definition compared with the installed
one (pg_get_functiondef / pg_get_viewdef, schema names taken out): a file edited without a migration that
installs it, or a definition changed in the database behind the files' back, fails here.
"""

from sqlalchemy import text

from migrations.replaceable import definition, names

SCRATCH = "lineside_scratch"

# Every function and view of a schema, by signature; extension members left out.
_DEFS = """
    SELECT p.oid::regprocedure::text AS sig, pg_get_functiondef(p.oid) AS def
    FROM pg_proc p WHERE p.pronamespace = CAST(:schema AS regnamespace)
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    UNION ALL
    SELECT 'view ' || c.relname, pg_get_viewdef(c.oid) FROM pg_class c
    WHERE c.relnamespace = CAST(:schema AS regnamespace) AND c.relkind = 'v'
"""


def _definitions(conn, schema: str) -> dict[str, str]:
    rows = conn.execute(text(_DEFS), {"schema": schema}).all()
    strip = (f"{SCRATCH}.", "public.")

    def clean(s: str) -> str:
        for prefix in strip:
            s = s.replace(prefix, "")
        return s

    return {clean(sig): clean(body) for sig, body in rows}


def _installed_and_files(db):
    with db.engine.connect() as conn:
        installed = _definitions(conn, "public")
        conn.execute(text(f"CREATE SCHEMA {SCRATCH}"))
        conn.execute(text(f"SET LOCAL search_path = {SCRATCH}, public"))
        for name in sorted(names(), key=lambda n: "CREATE OR REPLACE VIEW" in definition(n)):  # views last
            conn.execute(text(definition(name)))
        conn.execute(text("SET LOCAL search_path = public"))
        files = _definitions(conn, SCRATCH)
        conn.rollback()
    return installed, files


def test_every_installed_definition_is_its_file(owner_db):
    installed, files = _installed_and_files(owner_db)
    assert files, "core/sql holds no definitions"
    assert sorted(installed) == sorted(files)  # nothing in the server without a file, no file not installed
    for sig, body in files.items():
        assert installed[sig] == body, f"{sig} in the database differs from its file in core/sql"


def test_each_file_holds_what_it_is_named_for():
    for name in names():
        assert name in definition(name), f"core/sql/{name}.sql does not define {name}"
