"""``appstore login``, ``logout``, ``search``, ``show`` and ``yank``: talking to a registry."""

from __future__ import annotations

import sys
from typing import Any

import click

from sdk import config
from sdk.cli.output import emit_json, finding_line, format_option, make_client, registry_options, verdict_line
from sdk.errors import AppstoreError
from sdk.findings import Finding
from sdk.manifest import LAYERS
from sdk.verdicts import Verdict


def register(group: click.Group) -> None:
    for command in (login, logout, search, show, yank):
        group.add_command(command)


@click.command()
@registry_options
def login(registry: str | None, token: str | None) -> None:
    """Store a token for a registry, readable only by you.

    The token is asked for in a terminal, or read from the first line of
    standard input (`echo $TOKEN | appstore login --registry URL`). The
    registry becomes the default for later commands.
    """
    url = config.resolve(registry).registry
    if not token:
        if sys.stdin.isatty():
            token = click.prompt(f"Token for {url}", hide_input=True)
        else:
            token = sys.stdin.readline().strip()
    if not token:
        raise AppstoreError("No token given.",
                            hint="Pass --token, or give it on standard input; your registry's "
                                 "administrator creates one for your organisation.")
    path = config.store_token(url, token.strip())
    click.echo(f"Stored the token for {url} in {path} (readable only by you).")


@click.command()
@click.option("--registry", metavar="URL", default=None, help="Registry whose token to forget.")
def logout(registry: str | None) -> None:
    """Forget the stored token of a registry."""
    url = config.resolve(registry).registry
    if config.forget_token(url):
        click.echo(f"Forgot the token for {url}.")
    else:
        click.echo(f"No token was stored for {url}.")


@click.command()
@click.argument("query", default="")
@click.option("--layer", type=click.Choice(LAYERS), help="Only apps of this Common Ground layer.")
@click.option("--category", help="Only apps in this category.")
@click.option("--publisher", help="Only apps of this organisation (slug).")
@click.option("--license", "licence", help="Only apps under this licence (SPDX).")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--page-size", type=click.IntRange(1, 100), default=20, show_default=True)
@registry_options
@format_option
def search(query: str, layer: str | None, category: str | None, publisher: str | None,
           licence: str | None, page: int, page_size: int, registry: str | None,
           token: str | None, fmt: str) -> None:
    """Find apps in the registry by words and filters."""
    client = make_client(registry, token)
    result = client.search(query, layer=layer, category=category, publisher=publisher,
                           license=licence, page=page, page_size=page_size)
    if fmt == "json":
        emit_json(result)
        return
    items = result.get("items") or []
    if not items:
        click.echo("No apps found.")
        return
    width = max(len(str(app.get("id", ""))) for app in items)
    for app in items:
        version = app.get("latestVersion") or "-"
        name = click.style(str(app.get("id", "")).ljust(width), bold=True)
        click.echo(f"{name}  {version:<12} {app.get('layer') or '':<12} "
                   f"{app.get('publisher') or '':<16} {app.get('summary') or ''}")
    total = int(result.get("total", len(items)))
    shown_to = (page - 1) * page_size + len(items)
    more = f"; --page {page + 1} for more" if shown_to < total else ""
    click.echo(f"\n{shown_to} of {total} apps{more}")


def parse_ref(ref: str) -> tuple[str, str | None]:
    """``id`` or ``id@version``."""
    app_id, _, version = ref.partition("@")
    if not app_id or (ref.endswith("@") and not version):
        raise AppstoreError(f"{ref!r} is not an app reference.",
                            hint="Use ID or ID@VERSION, e.g. open-zaak@1.2.0.")
    return app_id, version or None


@click.command()
@click.argument("ref", metavar="ID[@VERSION]")
@registry_options
@format_option
def show(ref: str, registry: str | None, token: str | None, fmt: str) -> None:
    """Show an app and its releases, or one release in full."""
    app_id, version = parse_ref(ref)
    client = make_client(registry, token)
    data = client.release(app_id, version) if version else client.app(app_id)
    if fmt == "json":
        emit_json(data)
    elif version:
        _print_release(data)
    else:
        _print_app(data)


def _print_app(app: dict[str, Any]) -> None:
    click.secho(f"{app.get('name', app.get('id'))} ({app.get('id')})", bold=True)
    if app.get("summary"):
        click.echo(app["summary"])
    for label, key in (("publisher", "publisher"), ("layer", "layer"), ("licence", "license"),
                       ("latest", "latestVersion"), ("updated", "updatedAt")):
        if app.get(key):
            click.echo(f"  {label:<10} {app[key]}")
    if app.get("categories"):
        click.echo(f"  {'categories':<10} {', '.join(app['categories'])}")
    releases = app.get("releases") or []
    if releases:
        click.secho("Releases", bold=True)
        for rel in releases:
            status = rel.get("status", "")
            colour = "yellow" if status == "yanked" else None
            click.echo(f"  {rel.get('version', ''):<14} " + click.style(f"{status:<10}", fg=colour)
                       + f" {rel.get('publishedAt') or ''}")


def _print_release(rel: dict[str, Any]) -> None:
    manifest = rel.get("manifest") or {}
    click.secho(f"{manifest.get('name', rel.get('app'))} {rel.get('version')} ({rel.get('app')})", bold=True)
    status = rel.get("status", "")
    click.echo(f"  {'status':<10} " + click.style(status, fg="yellow" if status == "yanked" else "green"))
    yank = rel.get("yank") or {}
    if yank:
        click.echo(f"  {'yanked':<10} {yank.get('yankedAt', '')}: {yank.get('reason', '')}")
    for label, key in (("publisher", "publisher"), ("published", "publishedAt"),
                       ("sha256", "sha256"), ("size", "size")):
        if rel.get(key) not in (None, ""):
            click.echo(f"  {label:<10} {rel[key]}")
    links = rel.get("links") or {}
    if links.get("package"):
        click.echo(f"  {'package':<10} {links['package']}")
    for compat in rel.get("compatibility") or []:
        click.echo("  " + verdict_line(Verdict.from_api(compat)))
    findings = [Finding.from_dict(f) for f in rel.get("findings") or []]
    if findings:
        click.secho("Findings", bold=True)
        for finding in findings:
            click.echo(finding_line(finding))


@click.command()
@click.argument("app_id", metavar="ID")
@click.argument("version")
@click.option("--reason", required=True, help="Why: shown to every municipality that runs it.")
@registry_options
@format_option
def yank(app_id: str, version: str, reason: str, registry: str | None, token: str | None, fmt: str) -> None:
    """Yank a release: it stays downloadable but installs no longer pick it."""
    if not reason.strip():
        raise AppstoreError("The reason is empty.",
                            hint="Say why, e.g. --reason 'data loss on upgrade, use 1.4.1'.")
    release = make_client(registry, token).yank(app_id, version, reason.strip())
    if fmt == "json":
        emit_json(release)
        return
    click.echo(f"Yanked {app_id} {version}: {reason.strip()}")
