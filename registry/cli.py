"""``appstore-registry``: administering a registry server."""

from __future__ import annotations

import ipaddress
import json
import os
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask

from registry import cli_backup, cli_organisations, cli_tuf, cli_webhooks
from registry.cli_context import ADMIN, command_app
from registry.db import database
from registry.errors import ConfigurationError, RegistryError
from registry.extensions import PLUGINS, STORE
from registry.migrations import migration_session, schema_lag, upgrade
from registry.models import ORGANISATION_KINDS
from registry.private_files import make_private, sqlite_files
from registry.services.compatibility import CompatibilityService
from registry.services.fsck import fsck
from registry.services.organisations import OrganisationService
from registry.services.profiles import ProfileService, as_profile
from registry.services.tokens import TokenService
from registry.serving.sizing import DEFAULT_THREADS, default_workers
from registry.signing.updates import SignedTargetsListener
from registry.storage import FileSystemStore
from registry.transactions import commit
from sdk.verification import describe_plugins

#: The registry's own event listeners on the plugin manager, listed as built in.
OWN_LISTENERS = (SignedTargetsListener.__module__,)


class RegistryGroup(click.Group):
    """Turns registry errors into one line and exit status 1, settings it cannot start with into 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RegistryError as exc:
            click.secho(f"error: {exc.detail}", err=True, fg="red")
            ctx.exit(1)
        except ConfigurationError as exc:
            click.secho(f"error: {exc}", err=True, fg="red")
            ctx.exit(2)


@click.group(cls=RegistryGroup)
@click.version_option(package_name="gemeente-appstore")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Administer a Gemeente App Store registry (settings from APPSTORE_* variables)."""
    ctx.ensure_object(dict)




@main.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the database, or upgrade it to this version."""
    app = command_app(ctx)
    url = app.config["DATABASE_URL"]
    # Servers that start together each run init: one at a time, so that the schema is
    # migrated and the default profiles are added once.
    with migration_session(url, on_wait=lambda: click.echo(
            "another process is initialising the database; waiting for it to finish", err=True)) as locked:
        upgrade(url, locked=locked)
        click.echo(f"database ready: {database(app).engine.url.render_as_string(hide_password=True)}")
        for line in make_private(_private_paths(app)):
            click.echo(line)
        with database(app).session() as session:
            for slug in ProfileService(session).seed_defaults(ADMIN):
                click.echo(f"platform profile {slug} added")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", type=int, help="Processes, each reading requests whole [default: processors + 1].")
@click.option("--threads", default=DEFAULT_THREADS, show_default=True, type=int,
              help="Threads per worker that run the app.")
@click.option("--header-timeout", type=float, help="Seconds a request's headers may take [SERVE_HEADER_TIMEOUT].")
@click.option("--body-timeout", type=float, help="Seconds an upload may pause [SERVE_BODY_TIMEOUT].")
@click.option("--min-upload-rate", type=int, help="Bytes per second an upload must average [SERVE_MIN_UPLOAD_RATE].")
@click.option("--upload-grace", type=float, help="Seconds before the upload rate counts [SERVE_UPLOAD_GRACE].")
@click.option("--dev", is_flag=True, help="Flask's development server with reloading; never in production.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int | None, threads: int, dev: bool,
          **deadlines: Any) -> None:
    """Serve the registry (gunicorn; Flask's development server with --dev).

    Slow clients are cut off by the deadlines; unset, they come from the
    APPSTORE_SERVE_* settings (README: Serving in production).
    """
    if dev:
        from registry.serving import collector

        _require_current_schema(command_app(ctx))
        collector.start()  # the development server answers each request in a thread of its own
        command_app(ctx).run(host=host, port=port, debug=True, use_reloader=False)
        return
    from registry.wsgi_server import run_gunicorn

    if not command_app(ctx).config["PUBLIC_URL"]:
        if not _is_loopback(host):
            raise RegistryError(
                "Set APPSTORE_PUBLIC_URL to the address people use to reach the registry, such as "
                "https://appstore.gemeente.example: links in the API and on the pages are built on it, "
                "never on the Host header that a client sends.")
        # Only this machine can connect, so its own address is the public one.
        os.environ["APPSTORE_PUBLIC_URL"] = f"http://{_url_host(host)}:{port}"

    _require_current_schema(command_app(ctx))
    overrides = {f"SERVE_{name.upper()}": value for name, value in deadlines.items() if value is not None}
    run_gunicorn(host=host, port=port, workers=default_workers() if workers is None else workers, threads=threads,
                 overrides=overrides, log_format=command_app(ctx).config["LOG_FORMAT"])


def _require_current_schema(app: Flask, command: str = "serve") -> None:
    """Serve (or check) only the schema this version was made for: ``init`` migrates, under a
    lock, so that servers that start together never migrate at once; ``serve`` never does."""
    lag = schema_lag(app.config["DATABASE_URL"])
    if lag:
        raise RegistryError(f"{lag}: run `appstore-registry init` with this version first, then {command}.")


def _private_paths(app: Flask) -> list[Path]:
    """What an older version may have left readable to every local user."""
    data_dir = Path(app.config["DATA_DIR"])
    paths = [data_dir, data_dir / "secret_key"]
    store = app.extensions[STORE]
    if isinstance(store, FileSystemStore):
        paths.append(store.root)  # a private folder keeps every package in it private
    engine_url = database(app).engine.url
    if engine_url.get_backend_name() == "sqlite" and engine_url.database not in (None, "", ":memory:"):
        paths += sqlite_files(Path(engine_url.database))
    return paths


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@main.group()
def org() -> None:
    """Organisations."""


@org.command("create")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--kind", required=True, type=click.Choice(ORGANISATION_KINDS))
@click.pass_context
def org_create(ctx: click.Context, slug: str, name: str, kind: str) -> None:
    """Register an organisation."""
    with database(command_app(ctx)).session() as session:
        OrganisationService(session).create(slug, name, kind, actor=ADMIN)
    click.echo(f"organisation {slug} created ({kind})")


@org.command("list")
@click.pass_context
def org_list(ctx: click.Context) -> None:
    """List organisations."""
    with database(command_app(ctx)).session() as session:
        for organisation in OrganisationService(session).list():
            mark = " (verified)" if organisation.verified else ""
            click.echo(f"{organisation.slug}\t{organisation.kind}\t{organisation.name}{mark}")


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.option("--org", "slug", required=True, help="The organisation the token acts for.")
@click.option("--description", default="", help="What the token is for, e.g. 'CI of zaken-app'.")
@click.pass_context
def token_create(ctx: click.Context, slug: str, description: str) -> None:
    """Create a token; it is printed once and only its hash is kept."""
    with database(command_app(ctx)).session() as session:
        organisation = OrganisationService(session).get(slug)
        record, secret = TokenService(session).create(organisation, description, actor=ADMIN)
        click.echo(secret)
        click.echo(f"token {record.id} for {slug}: store it now, it is not shown again", err=True)
        public_url = command_app(ctx).config["PUBLIC_URL"]
        if public_url:
            click.echo(f"use it with APPSTORE_REGISTRY={public_url} and APPSTORE_TOKEN set to it", err=True)


@token.command("list")
@click.option("--org", "slug", required=True)
@click.pass_context
def token_list(ctx: click.Context, slug: str) -> None:
    """List an organisation's tokens (prefixes only)."""
    with database(command_app(ctx)).session() as session:
        organisation = OrganisationService(session).get(slug)
        for record in TokenService(session).list(organisation):
            state = "revoked" if record.revoked_at else "active"
            click.echo(f"{record.id}\t{record.prefix}…\t{state}\tlast used {record.last_used_at or 'never'}"
                       f"\t{record.description}")


@token.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
def token_revoke(ctx: click.Context, token_id: int) -> None:
    """Revoke a token at once."""
    with database(command_app(ctx)).session() as session:
        TokenService(session).revoke(token_id, actor=ADMIN)
    click.echo(f"token {token_id} revoked")


@main.command("fsck")
@click.option("--repair", is_flag=True, help="Remove files that no release points at; take release images "
              "out of their intact packages; give back app ids claimed without a release.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def fsck_command(ctx: click.Context, repair: bool, fmt: str) -> None:
    """Check that every release has its package and images, intact, and no file is orphaned."""
    app = command_app(ctx)
    _require_current_schema(app, "fsck")
    with database(app).session() as session:
        report = fsck(session, app.extensions[STORE], repair=repair)
    if fmt == "json":
        click.echo(json.dumps({**report.__dict__, "clean": report.clean}, indent=2))
    else:
        click.echo(f"checked {report.checked} release(s)")
        for label, items in (("orphaned file", report.orphans), ("missing file", report.missing),
                             ("corrupt file", report.corrupt), ("stale upload", report.stale_staging),
                             ("claimed id without a release", report.unreleased_claims),
                             ("images not extracted", report.unextracted),
                             ("repaired", report.repaired)):
            for item in items:
                click.echo(f"{label}: {item}")
        click.echo("clean" if report.clean else "problems found" + ("" if repair else " (see --repair)"))
    if report.missing or report.corrupt or ((report.orphans or report.unreleased_claims) and not repair):
        sys.exit(1)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def plugins(ctx: click.Context, fmt: str) -> None:
    """List the verification and event plugins that are loaded."""
    rows = describe_plugins(command_app(ctx).extensions[PLUGINS], own=OWN_LISTENERS)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        origin = "built-in" if row["builtin"] else (row["distribution"] or row["module"])
        click.echo(f"{row['name']:<24} {origin:<24} {', '.join(row['hooks'])}")


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Load the demo catalogue (idempotent): organisations, tokens and apps."""
    from registry.demo import load_demo

    for line in load_demo(command_app(ctx)):
        click.echo(line)


@main.group()
def profile() -> None:
    """Platform profiles that releases are verified against."""


@profile.command("add")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.pass_context
def profile_add(ctx: click.Context, file: Any) -> None:
    """Add a profile, or change the one with the same id, and verify every release against it."""
    app = command_app(ctx)
    with database(app).session() as session:
        record, created = ProfileService(session).put(file.read(), ADMIN)
        click.echo(f"profile {record.slug} {'added' if created else 'changed'} (revision {record.revision})")
        _reverify(app, session, [record.slug])


@profile.command("list")
@click.pass_context
def profile_list(ctx: click.Context) -> None:
    """List profiles with their Kubernetes versions."""
    with database(command_app(ctx)).session() as session:
        for record in ProfileService(session).records():
            parsed = as_profile(record)
            click.echo(f"{record.slug}\t{record.status}\trevision {record.revision}\t"
                       f"kubernetes {', '.join(parsed.kubernetes_versions)}\t{record.name}")


@profile.command("retire")
@click.argument("slug")
@click.pass_context
def profile_retire(ctx: click.Context, slug: str) -> None:
    """Retire a profile: releases are no longer verified against it."""
    with database(command_app(ctx)).session() as session:
        ProfileService(session).retire(slug, ADMIN)
    click.echo(f"profile {slug} retired")


@main.command()
@click.option("--profile", "slugs", multiple=True, help="Only this profile (repeatable).")
@click.option("--due", is_flag=True, help="Only profiles with a policy that became binding since the last check.")
@click.pass_context
def reverify(ctx: click.Context, slugs: tuple[str, ...], due: bool) -> None:
    """Verify every release that is not yanked against the active profiles again."""
    app = command_app(ctx)
    with database(app).session() as session:
        wanted = CompatibilityService(session, app.extensions[STORE], app.extensions[PLUGINS]).due() if due \
            else (list(slugs) or None)
        if due and not wanted:
            click.echo("no profile is due")
            return
        _reverify(app, session, wanted)


def _reverify(app: Flask, session: Any, slugs: list[str] | None) -> None:
    service = CompatibilityService(session, app.extensions[STORE], app.extensions[PLUGINS])
    count = 0
    for line in service.reverify(slugs):
        commit(session)  # a batch: each release is a unit of work, so a long run keeps its progress
        count += 1
        click.echo(line)
    click.echo(f"verified {count} release(s)")


@main.group()
def user() -> None:
    """People who sign in to the web store, and their roles in organisations."""


@user.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's name, as shown in the web store.")
@click.password_option(envvar="APPSTORE_USER_PASSWORD",
                       help="At least 12 characters; asked for when not given (or set APPSTORE_USER_PASSWORD).")
@click.pass_context
def user_create(ctx: click.Context, email: str, name: str, password: str) -> None:
    """Create a user who can sign in with EMAIL and a password."""
    from registry.service_factories import account_service

    app = command_app(ctx)
    with database(app).session() as session:
        created = account_service(app, session).create_user(email, name, password, actor=ADMIN)
        click.echo(f"user {created.email} created")


@user.command("set-password")
@click.argument("email")
@click.password_option(envvar="APPSTORE_USER_PASSWORD",
                       help="At least 12 characters; asked for when not given (or set APPSTORE_USER_PASSWORD).")
@click.pass_context
def user_set_password(ctx: click.Context, email: str, password: str) -> None:
    """Give a user a new password; every browser where they are signed in is signed out."""
    from registry.service_factories import account_service
    from registry.services.accounts import normalise_email

    app = command_app(ctx)
    with database(app).session() as session:
        accounts = account_service(app, session)
        found = accounts.find(email)
        if found is None:
            raise RegistryError(f"There is no user {normalise_email(email)}; see `appstore-registry user create`.")
        accounts.set_password(found, password, actor=ADMIN)
    click.echo(f"password of {found.email} changed; their sessions are ended")


@user.command("add-member")
@click.argument("email")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.option("--role", required=True, type=click.Choice(["owner", "maintainer", "member"]))
@click.pass_context
def user_add_member(ctx: click.Context, email: str, slug: str, role: str) -> None:
    """Give a user a role in an organisation (or change it)."""
    from registry.services.accounts import AccountService

    with database(command_app(ctx)).session() as session:
        organisation = OrganisationService(session).get(slug)
        AccountService(session).add_member(email, organisation, role, actor=ADMIN)
    click.echo(f"{email} is {role} of {slug}")
org.add_command(cli_organisations.org_verify)
org.add_command(cli_organisations.org_unverify)
main.add_command(cli_backup.backup_command)
main.add_command(cli_backup.restore_command)
main.add_command(cli_tuf.tuf)
main.add_command(cli_webhooks.webhooks)
