"""``appstore install``, ``installed`` and ``outdated``: apps in a municipality's environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from sdk import config
from sdk.cli.output import emit_json, format_option, registry_options
from sdk.cli.remote import parse_ref
from sdk.cli.trust import warn_unsigned
from sdk.errors import AppstoreError
from sdk.installs import EnvironmentRef, InstallClient, plan_failure, write_bundle
from sdk.messages import render, text
from sdk.secret_values import needed_secrets, secret_values
from sdk.trust import RegistryTrust
from sdk.verified import verify_bundle

ACTION_STYLE = {"install": "green", "upgrade": "cyan", "downgrade": "yellow", "keep": None}
#: The code of an install that nobody confirmed (no terminal to ask in, and no --yes).
NOT_CONFIRMED = "install.not-confirmed"


def register(group: click.Group) -> None:
    for command in (install, installed, outdated):
        group.add_command(command)


def _client(registry: str | None, token: str | None) -> InstallClient:
    settings = config.resolve(registry, token)
    return InstallClient(settings.registry, settings.token)


env_option = click.option("--env", "env_ref", required=True, metavar="ORG/ENV",
                          help="The environment, e.g. utrecht/test.")


def _choices(pairs: tuple[str, ...]) -> dict[str, str]:
    choices = {}
    for pair in pairs:
        api, _, app = pair.partition("=")
        if not api or not app:
            raise AppstoreError(f"--choose {pair!r} is not API=APP.", hint="e.g. --choose zgw-catalogi=open-zaak")
        choices[api] = app
    return choices


@click.command()
@click.argument("ref", metavar="APP[@RANGE]")
@env_option
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the rendered manifests; default ./ORG-ENV.")
@click.option("--choose", multiple=True, metavar="API=APP", help="The app to provide an API (repeatable).")
@click.option("--secret", "secrets", multiple=True, metavar="NAME=@FILE|NAME=env:VAR",
              help="Where to read a secret config value (repeatable); else APPSTORE_SECRET_NAME.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@registry_options
@format_option
def install(ref: str, env_ref: str, output: Path | None, choose: tuple[str, ...], secrets: tuple[str, ...],
            yes: bool, registry: str | None, token: str | None, fmt: str) -> None:
    """Plan installing an app, write its rendered manifests in order, and record the install."""
    app_id, version = parse_ref(ref)
    env = EnvironmentRef.parse(env_ref)
    client = _client(registry, token)
    plan = client.plan(env, app_id, version, _choices(choose))
    if fmt == "text":
        print_plan(plan)
    if not plan.get("ready"):
        if fmt == "json":
            emit_json({"plan": plan, "written": [], "recorded": []})
        raise plan_failure(plan)
    changes = [s for s in plan["steps"] if s["action"] != "keep"]
    if not changes:
        if fmt == "json":
            emit_json({"plan": plan, "written": [], "recorded": []})
        else:
            click.echo(text("install.nothing", environment=str(env), ref=ref))
        return
    if not yes:
        if not sys.stdin.isatty():
            raise AppstoreError(render(NOT_CONFIRMED, {}) or NOT_CONFIRMED, code=NOT_CONFIRMED)
        click.confirm(text("install.confirm", environment=str(env)), abort=True)
    folder = output or Path(f"{env.organisation}-{env.name}")
    bundle = client.bundle(env, plan["id"])
    verify_bundle(client, RegistryTrust(client.base_url), bundle, warn_unsigned)
    values = secret_values(needed_secrets(bundle), secrets, os.environ)
    written = write_bundle(bundle, folder, values)
    recorded = client.record(env, plan["id"])
    if fmt == "json":
        emit_json({"plan": plan, "written": [str(p) for p in written], "recorded": recorded.get("items", [])})
        return
    click.echo(text("install.written", count=len(changes), folder=str(folder)))
    for number, item in enumerate(bundle.get("items") or [], start=1):
        namespace = item.get("namespace") or "default"
        click.echo(f"  kubectl create namespace {namespace} --dry-run=client -o yaml | kubectl apply -f -")
        click.echo(f"  kubectl apply -n {namespace} -f {folder}/{number:02d}-{item['app']}/ --recursive")
    click.echo(text("install.recorded", plan=plan["id"], environment=str(env)))


def print_plan(plan: dict[str, Any]) -> None:
    click.secho(f"Plan {plan.get('id')} for {plan.get('organisation')}/{plan.get('environment')} "
                f"(profile {plan.get('profile')}): {plan.get('status')}", bold=True)
    for step in plan.get("steps") or []:
        action = step["action"]
        line = f"  {click.style(f'{action:<9}', fg=ACTION_STYLE.get(action))} {step['app']} {step['version']}"
        if step.get("installedVersion") and action != "keep":
            line += f" (from {step['installedVersion']})"
        if step.get("requiredBy"):
            line += click.style(f"  <- {', '.join(step['requiredBy'])}", dim=True)
        click.echo(line)
    for choice in plan.get("choices") or []:
        click.echo(f"  choose a provider of API {choice['api']}: {', '.join(choice['providers'])}")
    for problem in plan.get("problems") or []:
        colour = "red" if problem.get("severity") == "error" else "yellow"
        click.echo("  " + click.style(f"{problem.get('severity', 'error'):<7}", fg=colour) + f" {problem['message']}")


@click.command()
@env_option
@registry_options
@format_option
def installed(env_ref: str, registry: str | None, token: str | None, fmt: str) -> None:
    """List the apps installed in an environment."""
    env = EnvironmentRef.parse(env_ref)
    result = _client(registry, token).installed(env)
    if fmt == "json":
        emit_json(result)
        return
    items = result.get("items") or []
    if not items:
        click.echo(f"Nothing is installed in {env}.")
    for item in items:
        yank = item.get("yank")
        note = click.style(f"  yanked: {yank['reason']}", fg="yellow") if yank else ""
        click.echo(f"{item['app']:<32} {item['version']:<14} {item.get('installedAt') or ''}{note}")


@click.command()
@env_option
@registry_options
@format_option
def outdated(env_ref: str, registry: str | None, token: str | None, fmt: str) -> None:
    """List newer releases (patch, minor, major), yanked installs and installs that security
    advisories affect in an environment; exit with status 1 when an advisory affects one."""
    env = EnvironmentRef.parse(env_ref)
    result = _client(registry, token).updates(env)
    items = result.get("items") or []
    if fmt == "json":
        emit_json(result)
    else:
        print_updates(items, env)
    affected = [item for item in items if item.get("advisories")]
    if affected:
        if fmt == "text":
            click.echo(text("outdated.affected", count=len(affected), environment=str(env)), err=True)
        sys.exit(1)


def print_updates(items: list[dict[str, Any]], env: EnvironmentRef) -> None:
    # Affected installs first: they are what to act on today.
    ordered = sorted(items, key=lambda item: not item.get("advisories"))
    shown = 0
    for item in ordered:
        newer = [f"{kind} {item[kind]}" for kind in ("patch", "minor", "major") if item.get(kind)]
        if not newer and not item.get("needsAttention"):
            continue
        shown += 1
        line = f"{item['app']:<32} {item['installed']:<14} {', '.join(newer) or '-'}"
        if item.get("yank"):
            line += click.style(f"  yanked: {item['yank']['reason']}", fg="yellow")
        elif item.get("runsOnProfile") is False:
            line += click.style("  no longer runs on the environment's profile", fg="yellow")
        click.echo(line)
        for advisory in item.get("advisories") or []:
            click.echo(click.style("  " + advisory_line(advisory, item.get("upgradeTo")), fg="red"))
    if not shown:
        click.echo(f"Everything in {env} is up to date.")


def advisory_line(advisory: dict[str, Any], upgrade_to: str | None) -> str:
    """One advisory on an install, in the reader's language (sdk/data/messages)."""
    severity = advisory.get("severity") or text("outdated.severity-unknown")
    fixed = text("outdated.fixed", version=advisory["fixed"]) if advisory.get("fixed") else text("outdated.no-fix")
    line = text("outdated.advisory", id=advisory["id"], severity=severity, summary=advisory["summary"], fixed=fixed)
    return line + (text("outdated.upgrade", version=upgrade_to) if upgrade_to else "")
