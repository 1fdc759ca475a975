"""One browser session's console: `python -m console.web_session --terminal ID --lang L` (started by
`lineside serve web` through textual-serve, one process per tab, on textual's web driver: stdin is a pipe,
not a terminal, so this does not go through `lineside console`)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="console.web_session")
    parser.add_argument("--terminal", required=True)
    parser.add_argument("--lang", required=True)
    args = parser.parse_args(argv)

    from console.app import LinesideApp
    from console.services import ConsoleServices
    from core.db import open_database
    from core.errors import LinesideError
    from core.i18n import set_language

    set_language(args.lang)
    try:
        db = open_database(one_connection=True)  # one session, one connection, as `lineside console`
    except LinesideError as exc:
        print(str(exc).splitlines()[0], file=sys.stderr)
        return 1
    LinesideApp(ConsoleServices.from_database(db, args.terminal), lang=args.lang, terminal=args.terminal).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
