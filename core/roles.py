"""The two database roles: the owner (migrations) and the runtime role (console, CLI, relay).

The owner owns every table, trigger and function; only `lineside db upgrade|downgrade` connects as it. The
runtime role may read and write what the floor needs, but cannot change or disable any table, trigger or function
(it owns nothing and may not CREATE in the schema), and may only INSERT into the append-only ledger and audit: no
UPDATE, DELETE or TRUNCATE on `movement`, `audit_log` or `audit_head`. The audit seal, which moves the chain's
head, runs with its owner's rights (SECURITY DEFINER, core/sql/audit_seal.sql), so the runtime role never writes
`audit_head` itself.

`grant_runtime` is what the DBA's `lineside db grant ROLE` runs; every `db upgrade` re-applies it to each role
that already holds the runtime grants, so tables a later migration creates are covered too.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

APPEND_ONLY = ("movement", "audit_log")  # INSERT and SELECT only
HEAD = ("audit_head",)  # SELECT only: moved by the seal, with the owner's rights
READ_ONLY = ("alembic_version",)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def owner_of_schema(conn: Connection) -> str | None:
    """The role owning the ledger (`movement`), i.e. the one migrations ran as; None before the first one."""
    return conn.execute(text(
        "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('movement')")).scalar()


def runtime_roles(conn: Connection) -> list[str]:
    """Roles other than the owner that hold the runtime grants (INSERT on the ledger marks them)."""
    return list(conn.execute(text(
        "SELECT grantee FROM information_schema.role_table_grants"
        " WHERE table_schema = current_schema() AND table_name = 'movement' AND privilege_type = 'INSERT'"
        " AND grantee NOT IN (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('movement'))"
        " AND grantee <> 'PUBLIC' ORDER BY grantee")).scalars())


def grant_runtime(conn: Connection, role: str) -> None:
    """Give `role` the runtime rights on every table, sequence and function of this schema, and nothing more.

    Runs as the owner, in the caller's transaction. Idempotent.
    """
    r = quote(role)
    schema = quote(conn.execute(text("SELECT current_schema()")).scalar_one())
    tables = list(conn.execute(text(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
        " AND c.relkind IN ('r', 'p', 'v', 'm')")).scalars())
    run = [f"GRANT USAGE ON SCHEMA {schema} TO {r}"]
    if conn.execute(text("SELECT pg_has_role(current_user, nspowner, 'USAGE') FROM pg_namespace"
                         " WHERE oid = current_schema()::regnamespace")).scalar():
        run = [f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC", f"REVOKE ALL ON SCHEMA {schema} FROM {r}", *run]
    for table in tables:
        t = quote(table)
        run.append(f"REVOKE ALL ON {t} FROM {r}")
        if table in APPEND_ONLY:
            run.append(f"GRANT SELECT, INSERT ON {t} TO {r}")
        elif table in HEAD or table in READ_ONLY:
            run.append(f"GRANT SELECT ON {t} TO {r}")
        else:
            run.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO {r}")
    run += [f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {r}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {r}"]
    for sql in run:
        conn.execute(text(sql))


def refresh_grants(conn: Connection, also: str | None = None, *, migrated: bool = True) -> list[str]:
    """After migrating: re-apply the runtime grants to every runtime role (and to `also`, when it is not the
    owner). With nothing migrated, only a role not granted yet is. Returns the roles granted."""
    owner = owner_of_schema(conn)
    if owner is None:
        return []
    if not migrated and (also is None or also == owner or also in runtime_roles(conn)):
        return []
    me = conn.execute(text("SELECT current_user")).scalar_one()
    if me != owner and not conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar():
        return []  # not ours to grant (a runtime role ran an upgrade that had nothing to do)
    roles = set(runtime_roles(conn))
    if also and also != owner:
        roles.add(also)
    for role in sorted(roles):
        grant_runtime(conn, role)
    return sorted(roles)


def violations(conn: Connection) -> list[str]:
    """What the connected (runtime) role may do that it must not: the `runtime_role` invariant of `check`."""
    found: list[str] = []
    me, superuser = conn.execute(text(
        "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")).one()
    if superuser:
        return [f"{me} is a superuser"]
    owner = owner_of_schema(conn)
    if owner is None:
        return []
    if conn.execute(text("SELECT pg_has_role(current_user, :o, 'USAGE')"), {"o": owner}).scalar():
        found.append(f"{me} is (or acts as) the owner {owner}")
    if conn.execute(text("SELECT has_schema_privilege(current_user, current_schema(), 'CREATE')")).scalar():
        found.append(f"{me} may create objects in the schema")
    for table in (*APPEND_ONLY, *HEAD):
        if conn.execute(text("SELECT to_regclass(:t) IS NULL"), {"t": table}).scalar():
            continue
        for right in ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER"):
            if conn.execute(text("SELECT has_table_privilege(current_user, :t, :p)"),
                            {"t": table, "p": right}).scalar():
                found.append(f"{me} may {right} {table}")
    owned = conn.execute(text(
        "SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
        " AND pg_has_role(current_user, relowner, 'USAGE')")).scalar_one()
    if owned:
        found.append(f"{me} owns {owned} tables or sequences")
    return found
