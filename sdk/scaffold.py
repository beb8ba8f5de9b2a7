"""``appstore init``: a new project folder that passes the built-in checks.

The files come from templates in ``sdk/templates/init``. Answers are checked
with the registry's own manifest rules before anything is written, and no
existing file is overwritten unless asked: an author's work is never lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from string import Template

from sdk.errors import AppstoreError
from sdk.findings import Finding
from sdk.folder import IGNORE_FILE
from sdk.hookspecs import VerificationContext
from sdk.manifest import LAYERS, load_manifest
from sdk.verification import call_each, create_plugin_manager

#: Template name -> path in the new project. Hidden files are stored without
#: their dot, because package data globs skip dot files.
TEMPLATES = {
    "appstore.yaml": "appstore.yaml",
    "publiccode.yml": "publiccode.yml",
    "deploy/deployment.yaml": "deploy/deployment.yaml",
    "deploy/service.yaml": "deploy/service.yaml",
    "README.md": "README.md",
    "appstoreignore": IGNORE_FILE,
}
#: ``appstore init --helm``: the same project with a Helm chart in chart/ instead of deploy/.
HELM_TEMPLATES = {
    "appstore-helm.yaml": "appstore.yaml",
    "publiccode.yml": "publiccode.yml",
    "chart/Chart.yaml": "chart/Chart.yaml",
    "chart/helmignore": "chart/.helmignore",
    "chart/values.yaml": "chart/values.yaml",
    "chart/ci/ingress-values.yaml": "chart/ci/ingress-values.yaml",
    "chart/templates/_helpers.tpl": "chart/templates/_helpers.tpl",
    "chart/templates/deployment.yaml": "chart/templates/deployment.yaml",
    "chart/templates/service.yaml": "chart/templates/service.yaml",
    "chart/templates/ingress.yaml": "chart/templates/ingress.yaml",
    "README.md": "README.md",
    "appstoreignore": IGNORE_FILE,
}
#: The image of the example Deployment: a placeholder that is clearly not real.
PLACEHOLDER_DIGEST = "sha256:" + "0" * 64
#: How the template's summary ends when the author gave none; never published as it is.
TEMPLATE_SUMMARY_TAIL = "describe in one sentence what it does for municipalities."
DEFAULT_LICENCE = "EUPL-1.2"


@dataclass(frozen=True)
class InitAnswers:
    """What ``appstore init`` asks for."""

    app_id: str
    name: str
    publisher: str
    layer: str
    license: str = DEFAULT_LICENCE
    summary: str = ""
    url: str = ""
    helm: bool = False  # a Helm chart in chart/ instead of manifests in deploy/
    today: date = field(default_factory=date.today)

    @property
    def effective_summary(self) -> str:
        return self.summary or f"{self.name}: {TEMPLATE_SUMMARY_TAIL}"

    @property
    def effective_url(self) -> str:
        return self.url or f"https://git.example.org/{self.publisher}/{self.app_id}"


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar: JSON strings are valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def render(answers: InitAnswers) -> dict[str, str]:
    """The new project's files, path -> text."""
    values = {
        "app_id": answers.app_id,
        "publisher": answers.publisher,
        "layer": answers.layer,
        "name": _quoted(answers.name),
        "plain_name": answers.name,
        "summary": _quoted(answers.effective_summary),
        "plain_summary": answers.effective_summary,
        "license": _quoted(answers.license),
        "url": _quoted(answers.effective_url),
        "contact": _quoted(f"Team {answers.name}"),
        "today": answers.today.isoformat(),
        "image": f"ghcr.io/{answers.publisher}/{answers.app_id}@{PLACEHOLDER_DIGEST}",
    }
    folder = resources.files("sdk") / "templates" / "init"
    templates = HELM_TEMPLATES if answers.helm else TEMPLATES
    return {
        target: Template(folder.joinpath(source).read_text(encoding="utf-8")).substitute(values)
        for source, target in templates.items()
    }


def validate_answers(answers: InitAnswers, files: dict[str, str]) -> None:
    """Refuse answers the registry would refuse, with every problem at once."""
    problems: list[str] = []
    if answers.layer not in LAYERS:
        problems.append(f"layer must be one of {', '.join(LAYERS)} (got {answers.layer!r})")
    manifest, findings = load_manifest({"appstore.yaml": files["appstore.yaml"].encode()})
    if manifest is not None:
        findings += call_each(create_plugin_manager(), "appstore_verify_manifest",
                              manifest=manifest, context=VerificationContext())
    problems += [_describe(f) for f in findings if f.is_error and f.key != "layer"]
    if problems:
        raise AppstoreError(
            "These answers cannot make a valid app: " + "; ".join(problems) + ".",
            hint="Run `appstore init` again with other values.",
        )


def _describe(finding: Finding) -> str:
    option = {"id": "--id", "publisher": "--publisher", "license": "--license",
              "name": "--name", "summary": "--summary"}.get(finding.key, finding.key)
    return f"{option}: {finding.message.rstrip('.')}"


def scaffold(folder: Path, answers: InitAnswers, *, force: bool = False) -> list[Path]:
    """Write a new project into ``folder``; returns the files written.

    Existing files are left alone and reported all at once, unless ``force``.
    """
    folder = Path(folder)
    files = render(answers)
    validate_answers(answers, files)
    targets = {folder / relative: text for relative, text in files.items()}
    existing = [path for path in targets if path.exists()]
    if existing and not force:
        names = ", ".join(path.relative_to(folder).as_posix() for path in existing)
        raise AppstoreError(
            f"{folder} already has {names}; nothing was written.",
            hint="Use --force to overwrite them, or run `appstore init` in an empty folder.",
        )
    written = []
    try:
        for path, text in targets.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise AppstoreError(f"Cannot write {exc.filename}: {exc.strerror}.",
                            hint="Check that the folder is writable.") from exc
    return written
