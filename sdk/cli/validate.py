"""``appstore validate FILE...``: findings for standalone documents.

publiccode.yml files run only the ``appstore_verify_publiccode`` hook, with the
files beside the document as the package (so a logo path resolves next to it);
appstore.yaml files run only ``appstore_verify_manifest``. Exit status 1 when any
file has an error.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click
import pluggy

from sdk.findings import Finding, has_errors, sorted_findings
from sdk.hookspecs import SourceDocument, VerificationContext
from sdk.package import MANIFEST_PATH, FolderFiles, PackageView
from sdk.verification import call_each, create_plugin_manager, verify_publiccode_file
from sdk.yamldoc import MAX_DOCUMENT_BYTES, load_yaml

KINDS = ("publiccode", "appstore")


@dataclass(frozen=True)
class FileResult:
    """The findings about one file, under the path as the user gave it."""

    path: str
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "findings": [f.to_dict() for f in self.findings]}


def detect_kind(path: Path) -> str | None:
    """``publiccode`` for publiccode*.yml/yaml, ``appstore`` for appstore.yaml, else ``None``."""
    name = path.name.lower()
    if name.startswith("publiccode") and name.endswith((".yml", ".yaml")):
        return "publiccode"
    if name in (MANIFEST_PATH, "appstore.yml"):
        return "appstore"
    return None


def validate_files(
    paths: Sequence[str],
    kind: str | None = None,
    pm: pluggy.PluginManager | None = None,
    context: VerificationContext | None = None,
) -> list[FileResult]:
    """Validate each file; problems reading a file become findings, never exceptions."""
    pm = pm or create_plugin_manager()
    context = context or VerificationContext()
    return [_validate_one(Path(p), p, kind, pm, context) for p in paths]


def _validate_one(
    path: Path, shown: str, kind: str | None, pm: pluggy.PluginManager, context: VerificationContext
) -> FileResult:
    file_kind = kind or detect_kind(path)
    if file_kind is None:
        unknown = Finding.error("validate.unknown-kind", data={"file": path.name})
        return FileResult(shown, (unknown.stamped("validate"),))
    raw, problem = _read(path)
    if problem is not None or raw is None:
        return FileResult(shown, (problem,) if problem else ())
    if file_kind == "publiccode":
        package = PackageView(files=FolderFiles(path.resolve().parent), filename=path.name, origin="folder")
        findings = verify_publiccode_file(pm, SourceDocument(path.name, raw), package, context)
    else:
        findings = _verify_manifest(pm, raw, context)
    return FileResult(shown, tuple(findings))


def _read(path: Path) -> tuple[bytes | None, Finding | None]:
    """The file's bytes, or a finding that says why it cannot be read (``case`` in its data)."""
    data: dict[str, object] = {"file": str(path)}
    try:
        if path.stat().st_size <= MAX_DOCUMENT_BYTES:
            return path.read_bytes(), None
        data.update(case="too-large", limitKib=MAX_DOCUMENT_BYTES // 1024)
    except FileNotFoundError:
        data.update(case="missing")
    except IsADirectoryError:
        data.update(case="folder")
    except OSError as exc:
        data.update(problem=exc.strerror or str(exc))  # the system's own words
    return None, Finding.error("validate.unreadable", data=data).stamped("validate")


def _verify_manifest(pm: pluggy.PluginManager, raw: bytes, context: VerificationContext) -> list[Finding]:
    data, findings = load_yaml(raw, MANIFEST_PATH, read_past_duplicates=True)
    stamped = [f.stamped("manifest") for f in findings]
    if data is None and findings:
        return sorted_findings(stamped)
    if not isinstance(data, dict):
        return [Finding.error("manifest.not-a-mapping").stamped("manifest")]
    return sorted_findings(stamped + call_each(pm, "appstore_verify_manifest", manifest=data, context=context))


def render_text(results: Sequence[FileResult]) -> str:
    """One block per file: a verdict line, then one line per finding."""
    lines: list[str] = []
    for result in results:
        errors = sum(f.is_error for f in result.findings)
        verdict = "invalid" if errors else ("valid with warnings" if result.findings else "valid")
        lines.append(f"{result.path}: {verdict}")
        for f in result.findings:
            where = f" {f.key}:" if f.key else ""
            lines.append(f"  {f.severity.value:<7} {f.code}{where} {f.message}")
    return "\n".join(lines)


def register(group: click.Group) -> None:
    group.add_command(validate)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default=None,
    help="What the files are; detected from the file name when left out.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def validate(files: tuple[str, ...], kind: str | None, fmt: str) -> None:
    """Validate publiccode.yml or appstore.yaml files on their own."""
    results = validate_files(files, kind)
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(results))
    if any(has_errors(r.findings) for r in results):
        raise SystemExit(1)
