"""``appstore download`` and ``appstore trust init``: packages verified against signed metadata."""

from __future__ import annotations

from pathlib import Path

import click

from sdk import config
from sdk.cli.output import emit_json, format_option, make_client, registry_options
from sdk.cli.remote import parse_ref
from sdk.errors import AppstoreError
from sdk.trust import RegistryTrust
from sdk.verified import download_verified


def register(group: click.Group) -> None:
    group.add_command(download)
    group.add_command(trust)


def warn_unsigned(text: str) -> None:
    """Say on stderr that the registry signs nothing, so nothing was verified against signatures."""
    click.secho(f"warning: {text}", err=True, fg="yellow")


@click.command()
@click.argument("ref", metavar="APP@VERSION")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to save it; default ./APP-VERSION.tar.gz.")
@registry_options
@format_option
def download(ref: str, output: Path | None, registry: str | None, token: str | None, fmt: str) -> None:
    """Download a release's package, verified against the registry's signed metadata."""
    app_id, version = parse_ref(ref)
    if not version:
        raise AppstoreError(f"Say which version of {app_id} to download.",
                            hint=f"e.g. appstore download {app_id}@1.0.0")
    client = make_client(registry, token)
    target = output or Path(f"{app_id}-{version}.tar.gz")
    download_verified(client, RegistryTrust(client.base_url), app_id, version, target, warn_unsigned)
    if fmt == "json":
        emit_json({"app": app_id, "version": version, "path": str(target)})
    else:
        click.echo(f"Saved {app_id} {version} to {target}.")


@click.group()
def trust() -> None:
    """The registry's signing keys this computer trusts."""


@trust.command("init")
@click.option("--root", "root_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A root.json handed over by the registry's administrators; default: the registry's first "
                   "root, trusted on first use.")
@click.option("--registry", metavar="URL", default=None, help=f"Registry URL; default: ${config.REGISTRY_ENV}.")
def trust_init(root_file: Path | None, registry: str | None) -> None:
    """Pin the registry's root of trust (again), and check its metadata."""
    trusted = RegistryTrust(config.resolve(registry).registry)
    root = trusted.init(root_file)
    click.echo(f"Trusting {trusted.registry}: root version {root.version}, root key(s) {', '.join(root.keyids)}.")
    click.echo("Compare the key ids with the ones the registry's administrators publish.")
