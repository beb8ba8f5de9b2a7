"""The child process that runs Helm's engine: ``python worker.py REQUEST OUTPUT``.

Kept apart from the caller because Helm's Go code runs in-process and cannot be
interrupted: a template that loops, or one that produces gigabytes, must cost
only this process, which the parent limits and kills. The request is JSON
(``chart``, ``release``, ``namespace``, ``valueSets``, ``maxOutput``); the
answer, written to OUTPUT, is JSON with one entry per value set. Exit status
3 means Helm's engine is not installed. It runs as a script, so it needs
nothing of the SDK but its sibling ``values_path``.
"""

from __future__ import annotations

import json
import resource
import sys
from typing import Any

if __package__:
    from sdk.helm.values_path import apply_values, merged
else:  # run as a script: the sibling module is on the path
    from values_path import apply_values, merged  # type: ignore[import-not-found,no-redef]

MISSING_ENGINE = 3
OUTPUT_TOO_LARGE = 4


def _render_all(request: dict[str, Any]) -> list[dict[str, Any]]:
    import helm_python as helm

    results: list[dict[str, Any]] = []
    budget = int(request["maxOutput"])
    try:
        chart = helm.Chart.load(request["chart"])
    except helm.HelmError as exc:
        return [{"error": str(exc)} for _ in request["valueSets"]]
    with chart:
        crds = {f"crds/{c.get('filename') or c.get('name')}": c.get("data", "") for c in chart.crds}
        for value_set in request["valueSets"]:
            try:
                values = _values(helm, chart, value_set)
                if chart.schema is not None:
                    chart.validate_schema(values)  # as `helm install` and `helm template` do
                manifests = chart.render(values, name=request["release"],
                                         namespace=request["namespace"], is_install=True)
            except helm.HelmError as exc:
                results.append({"error": str(exc)})
                continue
            manifests = {**crds, **manifests}
            budget -= sum(len(text) for text in manifests.values())
            if budget < 0:
                sys.exit(OUTPUT_TOO_LARGE)
            results.append({"manifests": manifests})
    return results


def _values(helm: Any, chart: Any, value_set: dict[str, Any]) -> dict[str, Any]:
    """One value set's values: its file (parsed by Helm), its paths, its plain values."""
    values = helm.values_from_yaml(value_set["yaml"]) if value_set["yaml"].strip() else {}
    settings = {tuple(path): value for path, value in value_set["settings"]}
    if settings:
        values.update(apply_values(merged(chart.values, values), settings))
    values.update(value_set["values"])
    return values


def _limit(which: int, value: int) -> None:
    """Set here rather than by the parent (no preexec_fn in a threaded server), so a
    runaway chart costs only this process. Where the system refuses (macOS and
    RLIMIT_AS), the parent's time limit still holds."""
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def main(argv: list[str]) -> int:
    request_path, output_path = argv[1], argv[2]
    with open(request_path, encoding="utf-8") as handle:
        request = json.load(handle)
    _limit(resource.RLIMIT_AS, request["maxMemory"])
    _limit(resource.RLIMIT_CPU, request["cpuSeconds"])
    try:
        import helm_python

        helm_python.helm_sdk_version()  # loads the native library, which may be missing
    except Exception as exc:  # ImportError, or a native library that will not load
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return MISSING_ENGINE
    results = _render_all(request)
    with open(output_path, "w", encoding="utf-8") as handle:
        json.dump({"results": results}, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
