"""`lineside audit anchor [--json]`: the audit chain's head recorded outside the database."""

from __future__ import annotations

import typer

from cli.common import database, emit_json, refusals
from core.config import settings
from core.i18n import _
from core.services import anchors

audit_app = typer.Typer(no_args_is_help=True, help="The audit trail.")


@audit_app.command("anchor")
def anchor(as_json: bool = typer.Option(False, "--json", help="Print one JSON document")) -> None:
    """Record the chain's head in LINESIDE_HOME/audit-anchors.jsonl (and publish audit.anchored)."""
    # Read-mostly and harmless to repeat: it acts as the system, like the periodic anchor of a console or relay.
    with refusals():
        done = anchors.anchor(database(), terminal=f"cli:{settings().terminal}")
    if as_json:
        emit_json(done.json())
    else:
        typer.echo(_("Anchored the audit chain at row {seq}: {hash}").format(seq=done.seq, hash=done.hash))


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
