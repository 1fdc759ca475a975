"""`lineside relay [--once] [--inbound]`: the integration relay."""

from __future__ import annotations

import logging

import typer

from cli.common import AsBadge, PinStdin, database, fail, operator_actor, refusals
from core.config import settings
from core.i18n import _
from core.services.anchors import Periodic


def relay(
    once: bool = typer.Option(False, "--once", help="Publish what waits, then exit"),
    inbound: bool = typer.Option(False, "--inbound", help="Consume orders from the ERP queue lineside.inbound"),
    as_badge: AsBadge = None,
    pin_stdin: PinStdin = False,
) -> None:
    """Outbox -> RabbitMQ (exchange lineside.events), or ERP orders in with --inbound.

    The relay is a service of a named operator (the integration's own badge): it signs in once at start, on
    terminal `relay:<terminal>`; ERP orders are imported as that operator, so it needs the admin role.
    """
    url = settings().amqp_url
    if not url:
        raise fail(_("LINESIDE_AMQP_URL is not set; events wait in the outbox"))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    db = database()
    with refusals():
        acting = operator_actor(db, as_badge, pin_stdin, terminal=f"relay:{settings().terminal}")
    logging.getLogger(__name__).info("relay signed in as %s", acting.badge)
    # A relay that keeps running also anchors the audit chain outside the database, every anchor_minutes.
    anchoring = None if once else Periodic(db, settings().anchor_minutes, terminal=f"relay:{settings().terminal}")
    try:
        if inbound:
            from core.services import inbound as inbound_service

            stats = inbound_service.consume(db, acting, url, once=once, anchoring=anchoring)
            typer.echo(f"applied {stats.applied}, dead-lettered {stats.dead}", err=True)
            return
        from core.services import relay as relay_service

        stats = relay_service.run(db, url, once=once, anchoring=anchoring)
        typer.echo(f"published {stats.published}", err=True)
    except KeyboardInterrupt:
        return
    except Exception as exc:  # noqa: BLE001 — one line for the operator, exit 1
        raise fail(_("Relay stopped: {error}").format(error=exc)) from None


def register(app: typer.Typer) -> None:
    app.command("relay")(relay)
