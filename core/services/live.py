"""Live delivery: PostgreSQL LISTEN on a dedicated connection, so nobody polls tables to see a change."""

from __future__ import annotations

import psycopg
from sqlalchemy.engine import make_url

from core.db import Database

ALERTS = "lineside_alerts"


def listen_conninfo(db: Database) -> str:
    """Where LISTEN connects: `db.listen_url` (LINESIDE_LISTEN_DATABASE_URL), straight to PostgreSQL. A LISTEN
    needs a session of its own; through PgBouncer in transaction pooling the server connection under it would
    change between transactions and the notifications go to whoever holds it."""
    return make_url(db.listen_url).set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """A connection of its own that LISTENs on one channel; notifications between waits are kept, not lost."""

    def __init__(self, db: Database, channel: str) -> None:
        self.channel = channel
        self.conn = psycopg.connect(listen_conninfo(db), autocommit=True, application_name="lineside-listen")
        self.conn.execute(f'LISTEN "{channel}"')  # a fixed identifier of ours, never user input

    def wait(self, timeout: float) -> bool:
        """True as soon as a notification arrives (all that queued meanwhile are drained), False after timeout."""
        got = False
        for _ in self.conn.notifies(timeout=timeout, stop_after=1):
            got = True
        if got:  # several commits in a burst are one refresh
            for _ in self.conn.notifies(timeout=0):
                pass
        return got

    def close(self) -> None:
        """Drop the connection (the server forgets the LISTEN with it)."""
        self.conn.close()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
