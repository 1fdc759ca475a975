"""One browser session's console: `python -m console.web_session --terminal ID --lang L` (started by
`lineside serve web` through textual-serve, one process per tab, on textual's web driver: stdin is a pipe,
not a terminal, so this does not go through `lineside console`)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from console.services import ConsoleServices, SignedIn
from core.errors import AuthFailed, SignInThrottled
from core.services import auth


def address_of(terminal: str) -> str:
    """`web:<client address>` of a session's terminal id `web:<client address>:<hex>`."""
    return terminal.rsplit(":", 1)[0]


class WebConsoleServices(ConsoleServices):
    """A browser session's services. Its terminal id is new with every tab, so the per-terminal sign-in throttle
    (failures across badges, core.services.auth) alone would start afresh with each reload: failed sign-ins also
    count against the client's address, `web:<address>`, shared by every tab from it."""

    def login(self, badge: str, pin: str) -> SignedIn:
        address = address_of(self.terminal)
        with self.db.uow() as uow:
            wait = auth._throttled(uow, address, datetime.now(UTC))
        if wait:
            raise SignInThrottled(seconds=wait)
        try:
            return super().login(badge, pin)
        except AuthFailed:  # a wrong PIN, an unknown or a locked badge: one more failure from this address
            with self.db.uow() as uow:
                auth._count_failure(uow, address, datetime.now(UTC))
                uow.commit()
            raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="console.web_session")
    parser.add_argument("--terminal", required=True)
    parser.add_argument("--lang", required=True)
    args = parser.parse_args(argv)

    from console.app import LinesideApp
    from core.db import open_database
    from core.errors import LinesideError
    from core.i18n import set_language

    set_language(args.lang)
    try:
        db = open_database(one_connection=True)  # one session, one connection, as `lineside console`
    except LinesideError as exc:
        print(str(exc).splitlines()[0], file=sys.stderr)
        return 1
    LinesideApp(WebConsoleServices.from_database(db, args.terminal), lang=args.lang, terminal=args.terminal).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
