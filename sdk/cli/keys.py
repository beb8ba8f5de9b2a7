"""``appstore keygen``, ``key-proof`` and ``register-key``: an organisation's keys for signing releases.

Registering a public key takes a proof that the registrant holds the private
key: a signature over a statement naming the organisation (``sdk.signatures``).
Both commands make it from the private key file; ``key-proof`` prints it for the
registry's Signing keys page.
"""

from __future__ import annotations

from pathlib import Path

import click

from sdk.cli.output import emit_json, format_option, make_client, registry_options
from sdk.messages import text
from sdk.signatures import load_private_key, prove_possession, public_pem, write_key_pair

ORGANISATION = click.option("--organisation", "--org", "organisation", required=True, metavar="SLUG",
                            help="The organisation that registers the key (its slug).")


def register(group: click.Group) -> None:
    group.add_command(keygen)
    group.add_command(key_proof)
    group.add_command(register_key)


@click.command()
@click.argument("key_file", type=click.Path(path_type=Path))
def keygen(key_file: Path) -> None:
    """Make an Ed25519 key pair for signing releases.

    The private key goes to KEY_FILE (readable by you alone; never
    overwritten); the public key is printed. Register it for your
    organisation with `register-key`, then publish with `--sign KEY_FILE`.
    """
    key = write_key_pair(key_file)
    click.echo(text("keygen.written", file=str(key_file)), err=True)
    click.echo(public_pem(key), nl=False)


@click.command("key-proof")
@click.argument("key_file", type=click.Path(path_type=Path))
@ORGANISATION
def key_proof(key_file: Path, organisation: str) -> None:
    """Print the proof that you hold KEY_FILE's private key, for registering it on the registry's page.

    The proof names the organisation: it registers the key for that
    organisation only, and signs no release.
    """
    click.echo(prove_possession(load_private_key(key_file), organisation))


@click.command("register-key")
@click.argument("key_file", type=click.Path(path_type=Path))
@ORGANISATION
@click.option("--label", default="", help="What the key is for, for people (e.g. our release pipeline).")
@registry_options
@format_option
def register_key(key_file: Path, organisation: str, label: str, registry: str | None, token: str | None,
                 fmt: str) -> None:
    """Register KEY_FILE's public key for your organisation, with the proof that you hold its private key."""
    key = load_private_key(key_file)
    registered = make_client(registry, token).register_key(organisation, public_pem(key),
                                                           prove_possession(key, organisation), label)
    if fmt == "json":
        emit_json(registered)
        return
    click.echo(text("key.registered", key=registered.get("fingerprint", ""), organisation=organisation))
