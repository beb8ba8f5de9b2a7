"""``appstore publish``: build, check locally and upload, with a progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TransferSpeedColumn,
)

from sdk.cli.output import emit_json, make_client, print_findings, print_verdicts, registry_options
from sdk.errors import AppstoreError, PackageRejected
from sdk.publishing import PublishOutcome
from sdk.publishing import publish as publish_paths
from sdk.signatures import load_private_key
from sdk.verdicts import Verdict, runs_nowhere


def register(group: click.Group) -> None:
    group.add_command(publish)


@contextmanager
def _progress_bars(enabled: bool) -> Iterator[Callable[[Path], Callable[[int, int], None] | None]]:
    """A factory of per-package progress callbacks, drawing on stderr."""
    if not enabled:
        yield lambda path: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  console=Console(stderr=True), transient=True) as bars:
        def for_path(path: Path) -> Callable[[int, int], None]:
            tasks: list[TaskID] = []  # made at the first byte, so building shows no empty bar

            def update(sent: int, total: int) -> None:
                if not tasks:
                    tasks.append(bars.add_task(f"uploading {path.name}", total=total))
                # A retry starts again from zero: the bar follows.
                bars.update(tasks[0], completed=sent, total=total)
            return update
        yield for_path


def _report(outcome: PublishOutcome, dry_run: bool) -> None:
    if dry_run or outcome.result is None:  # a dry run has no result
        click.echo(f"{outcome.archive}: checked, not uploaded (dry run); sha256 {outcome.sha256}")
        return
    release = outcome.result.release
    name = f"{release.get('app', '')} {release.get('version', '')}".strip() or outcome.archive.name
    verdicts = [Verdict.from_api(entry) for entry in release.get("compatibility") or ()]
    if outcome.already_published:
        click.secho(f"{name} is already published with identical content; nothing to do.", fg="green")
    elif runs_nowhere(verdicts):
        # Accepted, but nothing a municipality can install yet: never announced as a success.
        click.secho(f"Published {name}, but it runs on no platform yet.", fg="yellow", bold=True)
    else:
        click.secho(f"Published {name}.", fg="green", bold=True)
    if outcome.result.url:
        click.echo(outcome.result.url)
    print_verdicts(verdicts, details=False)
    if outcome.result.findings:
        print_findings(outcome.result.findings)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-check", is_flag=True,
              help="Upload without checking locally first; the registry still verifies everything.")
@click.option("--dry-run", is_flag=True, help="Build and check, but do not upload.")
@click.option("--sign", "key_file", type=click.Path(path_type=Path), default=None,
              help="Sign each package with this Ed25519 private key (from `appstore keygen`); its public key "
                   "must be registered for your organisation.")
@registry_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def publish(paths: tuple[Path, ...], no_check: bool, dry_run: bool, key_file: Path | None, registry: str | None,
            token: str | None, fmt: str) -> None:
    """Publish project folders or package archives (default: this folder).

    A folder is built first. Local errors stop the publish before anything is
    uploaded, unless --no-check. Uploads retry network failures. An archive
    identical to an existing release counts as already published.
    """
    sign_with = load_private_key(key_file) if key_file is not None else None  # a bad key fails before building
    client = None if dry_run else make_client(registry, token)
    if client is not None:
        client.require_token("publish")  # fail before building when there is no token at all
    outcomes: list[PublishOutcome] = []
    show_bars = fmt == "text" and sys.stderr.isatty()
    try:
        with _progress_bars(show_bars) as progress_for:
            publish_paths(paths or (Path("."),), client, check=not no_check,
                          progress_for=progress_for, on_done=outcomes.append, sign_with=sign_with)
    except AppstoreError as failure:
        # Say what was published before the failure, then the failure itself.
        findings = failure.findings if isinstance(failure, PackageRejected) else []
        if fmt == "json":
            emit_json({"results": [_outcome_json(o) for o in outcomes], "error": failure.message,
                       "findings": [f.to_dict() for f in findings]})
        else:
            _report_all(outcomes, dry_run)
            if findings:
                print_findings(findings)
                click.echo()
        raise
    if fmt == "json":
        emit_json({"results": [_outcome_json(o) for o in outcomes], "error": None, "findings": []})
    else:
        _report_all(outcomes, dry_run)


def _report_all(outcomes: list[PublishOutcome], dry_run: bool) -> None:
    # Called after the progress bars are gone, so that output and bars never mix.
    for outcome in outcomes:
        _report(outcome, dry_run)


def _outcome_json(outcome: PublishOutcome) -> dict[str, object]:
    return {
        "source": outcome.source,
        "archive": str(outcome.archive),
        "sha256": outcome.sha256,
        "uploaded": outcome.result is not None,
        "alreadyPublished": outcome.already_published,
        "release": outcome.result.release if outcome.result else None,
    }
