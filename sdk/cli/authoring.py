"""``appstore init``, ``check`` and ``build``: working on a project folder, offline."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from sdk.builder import build_package, describe
from sdk.checking import check_path, choose_profiles, offline_context
from sdk.cli.output import emit_json, format_option, print_report
from sdk.client import RegistryClient
from sdk.config import normalise_url
from sdk.errors import AppstoreError
from sdk.findings import Severity
from sdk.manifest import LAYERS
from sdk.scaffold import DEFAULT_LICENCE, InitAnswers, scaffold
from sdk.verdicts import runs_nowhere


def register(group: click.Group) -> None:
    group.add_command(init)
    group.add_command(check)
    group.add_command(build)


def _interactive() -> bool:
    return sys.stdin.isatty()


def _slug_from(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug if re.match(r"^[a-z]", slug) else ""


@click.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--id", "app_id", help="App id: lower case, digits and dashes, e.g. zaakafhandelcomponent.")
@click.option("--name", help="Display name, e.g. Zaakafhandelcomponent.")
@click.option("--publisher", help="Slug of your organisation in the registry, e.g. dimpact.")
@click.option("--layer", type=click.Choice(LAYERS), help="Common Ground layer.")
@click.option("--license", "licence", help=f"SPDX licence expression, e.g. {DEFAULT_LICENCE}.")
@click.option("--summary", help="One sentence about what the app does (at most 150 characters).")
@click.option("--url", help="URL of the source code repository, for publiccode.yml.")
@click.option("--helm", is_flag=True, help="Deploy with a Helm chart in chart/ instead of deploy/.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def init(folder: Path, app_id: str | None, name: str | None, publisher: str | None,
         layer: str | None, licence: str | None, summary: str | None, url: str | None,
         helm: bool, force: bool) -> None:
    """Start a new app in FOLDER (default: here).

    Writes appstore.yaml, publiccode.yml, an example deploy/ (or, with --helm,
    a Helm chart in chart/) and a README that pass the registry's checks. Asks for what is missing when run in a
    terminal; without one, --id, --name, --publisher, --layer and --license are
    required. Never overwrites a file without --force.
    """
    given = {"id": app_id, "name": name, "publisher": publisher, "layer": layer, "license": licence}
    if any(v is None for v in given.values()) and not _interactive():
        missing = ", ".join(f"--{k}" for k, v in given.items() if v is None)
        raise AppstoreError(f"Missing {missing}.", hint="Give every option when not running in a terminal.")
    values = _ask(folder, given)  # asks only for what is missing
    answers = InitAnswers(app_id=values["id"], name=values["name"], publisher=values["publisher"],
                          layer=values["layer"], license=values["license"], summary=summary or "",
                          url=url or "", helm=helm)
    written = scaffold(folder, answers, force=force)
    for path in written:
        click.echo(f"wrote {path}")
    where = "chart/values.yaml" if helm else "deploy/deployment.yaml"
    click.echo(f"\nNext: replace the image in {where} by yours, edit the summary and "
               "descriptions, then run `appstore check`.")


def _ask(folder: Path, values: dict[str, str | None]) -> dict[str, str]:
    """Prompt for each missing value, with a sensible default where there is one."""
    if values["id"] is None:
        values["id"] = click.prompt("App id", default=_slug_from(folder.resolve().name) or None)
    if values["name"] is None:
        values["name"] = click.prompt("Name", default=str(values["id"]).replace("-", " ").title())
    if values["publisher"] is None:
        values["publisher"] = click.prompt("Publisher (your organisation's slug)")
    if values["layer"] is None:
        values["layer"] = click.prompt("Common Ground layer", type=click.Choice(LAYERS))
    if values["license"] is None:
        values["license"] = click.prompt("Licence (SPDX)", default=DEFAULT_LICENCE)
    return {k: str(v) for k, v in values.items()}


@click.command()
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option("--profile", "profiles", multiple=True, metavar="ID|FILE",
              help="Judge against this platform profile: a profile file, a profile shipped with the SDK, "
                   "or (with --registry) one the registry keeps. Repeat for several; default: the shipped ones.")
@click.option("--kubernetes", "kubernetes", multiple=True, metavar="1.NN",
              help="Judge only for this Kubernetes minor version (repeatable).")
@click.option("--registry", metavar="URL", default=None,
              help="Registry whose platform profiles --profile may name.")
@click.option("--strict", is_flag=True,
              help="Also fail on warnings, on missed policies and on any platform the app does not run on.")
@format_option
def check(path: Path, profiles: tuple[str, ...], kubernetes: tuple[str, ...], registry: str | None,
          strict: bool, fmt: str) -> None:
    """Run the registry's checks on a project folder or a package archive, offline.

    A folder is checked as `appstore build` would pack it. The verdict per
    platform profile comes first: runs, runs but misses a policy, or does not
    run. Exit status 1 when the registry would reject it (errors) or when it
    runs on none of the profiles checked; with --strict also on warnings, on a
    missed policy and on any profile it does not run on.
    """
    fetch = RegistryClient(normalise_url(registry)).profile if registry else None
    context = offline_context(choose_profiles(profiles, kubernetes, fetch))
    report = check_path(path, context=context)
    if fmt == "json":
        emit_json(report.to_dict())
    else:
        print_report(report)
    verdicts = report.verdicts()
    if report.has_errors or not report.accepted or runs_nowhere(verdicts):
        sys.exit(1)
    if strict and (any(f.severity is Severity.WARNING for f in report.findings)
                   or not all(v.runs and v.meets_policy for v in verdicts)):
        sys.exit(1)


@click.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--dist", "dist_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the archive (default: FOLDER/dist).")
@format_option
def build(folder: Path, dist_dir: Path | None, fmt: str) -> None:
    """Pack FOLDER into dist/<id>-<version>.tar.gz, byte for byte reproducibly.

    Leaves out .git, dist/, what .appstoreignore lists and secret files
    (.env, *.pem, *.key, id_rsa*); in chart/, what its .helmignore lists.
    Chart dependencies pinned in chart/Chart.lock but missing from
    chart/charts/ are packed from the local Helm cache.
    """
    built = build_package(folder, dist_dir)
    if fmt == "json":
        emit_json(describe(built))
        return
    for secret in built.secrets_left_out:
        click.secho(f"left out {secret}: it looks like a secret", fg="yellow", err=True)
    for archive in built.vendored:
        click.echo(f"vendored {archive} from the local Helm cache (Chart.lock)", err=True)
    click.echo(f"{built.path}")
    click.echo(f"sha256 {built.sha256}  ({built.size} bytes)")
