"""``appstore-registry org verify|unverify``: the admin verifies organisations as a curator would."""

from __future__ import annotations

import click

from registry.cli_context import ADMIN, command_app
from registry.db import database
from registry.errors import RegistryError
from registry.services.identifiers import KVK, OIN
from registry.services.organisation_verification import OrganisationVerification


@click.command("verify")
@click.argument("slug")
@click.option("--oin", help="The OIN (20 digits) of a municipality, cooperation or the registry.")
@click.option("--kvk", help="The KvK number (8 digits) of a vendor or cooperation.")
@click.pass_context
def org_verify(ctx: click.Context, slug: str, oin: str | None, kvk: str | None) -> None:
    """Mark an organisation verified after checking its OIN or KvK number."""
    if (oin is None) == (kvk is None):
        raise RegistryError("Give exactly one of --oin and --kvk.")
    kind, value = (OIN, oin) if oin is not None else (KVK, kvk)
    with database(command_app(ctx)).session() as session:
        record = OrganisationVerification(session).verify(slug, kind, value or "", ADMIN)
        click.echo(f"organisation {record.slug} verified ({kind} {record.identifier})")


@click.command("unverify")
@click.argument("slug")
@click.option("--reason", default="", help="Why, for the audit log.")
@click.pass_context
def org_unverify(ctx: click.Context, slug: str, reason: str) -> None:
    """Withdraw an organisation's verification."""
    with database(command_app(ctx)).session() as session:
        OrganisationVerification(session).withdraw(slug, ADMIN, reason)
    click.echo(f"organisation {slug} is no longer verified")
