"""Run Spectral with the API Design Rules ruleset on an OpenAPI document and
turn its JSON output into violations that a person can act on."""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RULESET = HERE / "adr-ruleset.yaml"
SPECTRAL = HERE / "node_modules" / ".bin" / "spectral"
DOCUMENTATION = "https://developer.overheid.nl/kennisbank/apis/api-design-rules"

# Spectral's numeric severities in its JSON output.
SEVERITIES = {0: "error", 1: "warning", 2: "info", 3: "hint"}
# Spectral itself starts in about a second; a busy machine may take ten times that.
TIMEOUT_SECONDS = 120


class LinterMissing(RuntimeError):
    """Spectral is not installed beside the ruleset."""


@dataclass(frozen=True)
class Violation:
    rule: str
    severity: str
    path: str
    message: str

def lint(document: Mapping[str, Any]) -> list[Violation]:
    """Every finding of the ruleset on `document`, errors first."""
    if not SPECTRAL.exists():
        raise LinterMissing(
            f"Spectral is not installed at {SPECTRAL.relative_to(HERE.parent.parent)}: "
            "run `make install-test` (it runs `npm ci` in tests/api_design_rules)"
        )
    with tempfile.TemporaryDirectory(prefix="api-design-rules-") as folder:
        target = Path(folder) / "openapi.json"
        target.write_text(json.dumps(document, indent=2), encoding="utf-8")
        completed = subprocess.run(
            [str(SPECTRAL), "lint", "--quiet", "--format", "json", "--fail-severity", "error",
             "--ruleset", str(RULESET), str(target)],
            capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False,
        )
    # Exit status 0: no errors, 1: errors found; anything else means Spectral
    # could not lint (a broken ruleset or document), which is not a verdict.
    if completed.returncode not in (0, 1):
        raise RuntimeError(f"Spectral failed (exit status {completed.returncode}): {completed.stderr.strip()}")
    return parse(completed.stdout)


def parse(output: str) -> list[Violation]:
    """Spectral's JSON output as violations, errors first, then by path."""
    violations = [
        Violation(
            rule=str(result["code"]),
            severity=SEVERITIES.get(result.get("severity"), "error"),
            path=".".join(str(part) for part in result.get("path", [])),
            message=str(result["message"]),
        )
        for result in (json.loads(output) if output.strip() else [])
    ]
    order = list(SEVERITIES.values())
    return sorted(violations, key=lambda v: (order.index(v.severity), v.rule, v.path))


def summary(violations: Iterable[Violation]) -> str:
    """Counts per severity, then each rule and message once with the paths
    where it fires, errors first."""
    violations = list(violations)
    if not violations:
        return "The OpenAPI document follows every API Design Rule that the linter checks."
    per_severity = Counter(v.severity for v in violations)
    counts = ", ".join(f"{n} {severity}(s)" for severity, n in per_severity.items())
    lines = [f"API Design Rules linter: {counts} (rules explained at {DOCUMENTATION})"]
    groups: dict[tuple[str, str, str], list[str]] = {}
    for v in violations:
        groups.setdefault((v.severity, v.rule, v.message), []).append(v.path or "(document)")
    for (severity, rule, message), paths in groups.items():
        lines.append(f"{severity} {rule} ({len(paths)}x): {message}")
        lines += [f"    at {path}" for path in paths]
    return "\n".join(lines)


def errors(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.severity == "error"]


def others(violations: Iterable[Violation]) -> list[Violation]:
    """Warnings and hints: printed, never failing."""
    return [v for v in violations if v.severity != "error"]
