"""`lineside operator set-pin BADGE [--pin-stdin]`."""

from __future__ import annotations

import sys

import typer

from cli.common import AsBadge, PinStdin, database, fail, operator_actor, refusals
from core.i18n import _
from core.services.auth import set_pin

operator_app = typer.Typer(no_args_is_help=True, help="Operators.")


@operator_app.command("set-pin")
def set_pin_cmd(badge: str, as_badge: AsBadge = None, pin_stdin: PinStdin = False):
    """Set or reset an operator's PIN (clears a lockout): an admin anyone's, everyone their own.

    With --pin-stdin, stdin holds your PIN (with --as, unless LINESIDE_PIN holds it) and then the new one.
    """
    with refusals():
        db = database()
        acting = operator_actor(db, as_badge, pin_stdin)
    if pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = typer.prompt(_("New PIN"), hide_input=True)
        if typer.prompt(_("Repeat the PIN"), hide_input=True) != pin:
            raise fail(_("The two PINs differ"))
    with refusals():
        set_pin(db, acting, badge, pin)
    typer.echo(_("PIN set for {badge}").format(badge=badge), err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(operator_app, name="operator")
