"""Shared pieces of the commands: registry options, JSON output, findings as text."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import click

from sdk import config
from sdk.checking import CheckReport, file_of
from sdk.client import RegistryClient
from sdk.findings import Finding, Kind, Severity, sorted_findings
from sdk.verdicts import Verdict, nowhere_reason, runs_nowhere

F = TypeVar("F", bound=Callable[..., Any])

SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}

format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="text for people, json for scripts.")


def registry_options(func: F) -> F:
    """``--registry`` and ``--token``, falling back on the environment and the settings file."""
    func = click.option(
        "--token", metavar="TOKEN", default=None,
        help=f"API token; default: ${config.TOKEN_ENV}, then the one `appstore login` stored.")(func)
    func = click.option(
        "--registry", metavar="URL", default=None,
        help=f"Registry URL; default: ${config.REGISTRY_ENV}, then the one `appstore login` used, "
             f"then {config.DEFAULT_REGISTRY}.")(func)
    return func


def make_client(registry: str | None, token: str | None) -> RegistryClient:
    settings = config.resolve(registry, token)
    return RegistryClient(settings.registry, settings.token)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False))


def severity_label(severity: Severity) -> str:
    return click.style(f"{severity.value:<7}", fg=SEVERITY_STYLE[severity], bold=severity is Severity.ERROR)


def finding_line(finding: Finding, file: str = "") -> str:
    """``error   key: message  [code]``, with the file name taken off the key."""
    key = finding.key
    if file and key.startswith(file):
        key = key[len(file):].lstrip(".")
    where = f"{key}: " if key else ""
    return f"  {severity_label(finding.severity)} {where}{finding.message}  " + click.style(
        f"[{finding.code}]", dim=True)


def print_findings(findings: Iterable[Finding], files: Iterable[str] = ()) -> None:
    """Findings grouped by the file they are about, errors first within each."""
    names = list(files)
    groups: dict[str, list[Finding]] = {}
    for finding in sorted_findings(findings):
        groups.setdefault(file_of(finding, names), []).append(finding)
    for file, items in sorted(groups.items(), key=lambda item: (item[0].startswith("("), item[0])):
        click.secho(file, bold=True)
        for finding in items:
            click.echo(finding_line(finding, file))


def summary_line(findings: Iterable[Finding]) -> str:
    counts = {severity: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity] += 1
    return ", ".join(f"{counts[s]} {s.value}{'' if counts[s] == 1 else 's'}" for s in Severity)


def verdict_line(verdict: Verdict) -> str:
    colour = "green" if verdict.runs and verdict.meets_policy else "yellow" if verdict.runs else "red"
    return click.style(verdict.words(), fg=colour, bold=True)


def print_verdicts(verdicts: Sequence[Verdict], *, details: bool = True) -> None:
    """Each profile's verdict, then (with ``details``) its findings by kind: what stops it
    running, the policies it misses, and advice."""
    if runs_nowhere(verdicts):
        click.secho("It runs on no platform yet, because " + nowhere_reason(verdicts), fg="red", bold=True)
    for verdict in verdicts:
        click.echo(verdict_line(verdict))
        if not details:
            continue
        for kind, label in ((Kind.RUNS, "does not run"), (Kind.POLICY, "policy"), (Kind.ADVICE, "advice")):
            findings = [f for f in verdict.findings if f.kind is kind]
            if findings:
                click.echo(f"  {label}:")
                for finding in findings:
                    click.echo("  " + finding_line(finding))


def print_report(report: CheckReport) -> None:
    """A check report as text: the verdict per platform first, then findings by file."""
    verdicts = report.verdicts()
    if verdicts:
        print_verdicts(verdicts)
        click.echo()
    if report.findings:
        print_findings(report.findings, report.files)
        click.echo()
    verdict = (
        click.style("The registry would reject this package.", fg="red", bold=True)
        if report.has_errors else click.style("The registry's checks pass.", fg="green", bold=True)
    )
    click.echo(f"{report.source}: {summary_line(report.findings)}. {verdict}")
