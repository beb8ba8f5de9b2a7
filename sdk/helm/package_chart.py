"""The Helm chart of a package (``chart/``), rendered the way verification needs it.

Verification renders the chart once per value set: the chart's defaults, each
``chart/ci/*-values.yaml`` (the files chart-testing uses for the same purpose),
and, when ``appstore.yaml`` maps config values onto values paths, those
values with their defaults or examples. A rendered document that an earlier
value set already produced is not verified twice. Findings are keyed by the
template that produced the object, as ``chart/templates/<file>``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sdk.findings import Finding
from sdk.helm import (
    INSTALL_HINT,
    ChartRenderer,
    HelmUnavailable,
    RenderedManifest,
    RenderFailure,
    ValueSet,
)
from sdk.helm.values_path import Segment, ValuesPathError, parse_values_path, typed
from sdk.package import CHART_FILE, PackageView

CHART_DIR = "chart/"
CI_VALUES_SUFFIX = "-values.yaml"
#: Release name and namespace for verification; install plans use the app id
#: and the environment's namespace.
CHECK_NAMESPACE = "appstore-check"
MAX_CI_VALUE_FILES = 20


@dataclass(frozen=True)
class ChartRender:
    """Manifests of every value set (keyed by archive path) and what went wrong."""

    manifests: tuple[RenderedManifest, ...]
    findings: tuple[Finding, ...]


def has_chart(package: PackageView) -> bool:
    return package.exists(CHART_DIR + CHART_FILE)


def chart_files(package: PackageView) -> dict[str, bytes]:
    """The files of ``chart/``, keyed by their path inside the chart."""
    return {name.removeprefix(CHART_DIR): package.files[name] for name in package.under(CHART_DIR)}


def config_settings(
    manifest: Mapping[str, Any] | None, values: Mapping[str, str | None]
) -> tuple[tuple[tuple[Segment, ...], Any], ...]:
    """The values paths that ``config`` entries name (``helmValue``), set to ``values``.

    Entries without a value, or with a path that does not parse (the manifest
    schema check reports those), are left out.
    """
    settings: list[tuple[tuple[Segment, ...], Any]] = []
    for item in (manifest or {}).get("config") or ():
        if not isinstance(item, dict) or not isinstance(item.get("helmValue"), str):
            continue
        value = values.get(str(item.get("name")))
        if value is None:
            continue
        try:
            settings.append((parse_values_path(item["helmValue"]), typed(value)))
        except ValuesPathError:
            continue
    return tuple(settings)


def verification_value_sets(package: PackageView, samples: Mapping[str, str | None]) -> list[ValueSet]:
    """Defaults, each ``ci/*-values.yaml`` and the mapped config samples, in that order."""
    sets = [ValueSet("defaults")]
    ci_files = [n for n in package.under(CHART_DIR + "ci") if n.endswith(CI_VALUES_SUFFIX)
                and posixpath.dirname(n) == CHART_DIR + "ci"]
    for name in ci_files[:MAX_CI_VALUE_FILES]:
        sets.append(ValueSet(name, values_yaml=(package.read(name) or b"").decode("utf-8", "replace")))
    settings = config_settings(package.manifest, samples)
    if settings:
        sets.append(ValueSet("config", settings=settings))
    return sets


def render_for_verification(
    package: PackageView, renderer: ChartRenderer, samples: Mapping[str, str | None]
) -> ChartRender:
    """Render ``chart/`` with every verification value set; failures become findings."""
    release = str((package.manifest or {}).get("id") or "app")
    sets = verification_value_sets(package, samples)
    try:
        results = renderer.render(chart_files(package), release, CHECK_NAMESPACE, sets)
    except HelmUnavailable as exc:
        return ChartRender((), (Finding.error("helm.unavailable", key=CHART_DIR, data={
            "install": INSTALL_HINT, "detail": str(exc)}),))
    except RenderFailure as exc:
        return ChartRender((), (Finding.error("helm.renderer-stopped", key=CHART_DIR, data={
            "reason": exc.reason, "limit": exc.limit, "detail": str(exc)}),))
    seen: set[tuple[str, str]] = set()
    manifests: list[RenderedManifest] = []
    findings: list[Finding] = []
    errors: set[str] = set()
    for result in results:
        if not result.ok:
            if result.error not in errors:  # a chart that cannot load fails every value set alike
                errors.add(result.error)
                findings.append(render_error(result.value_set.label, result.error))
            continue
        for manifest in result.manifests:
            path = CHART_DIR + manifest.template_path
            if (path, manifest.text) not in seen:
                seen.add((path, manifest.text))
                manifests.append(RenderedManifest(path, manifest.text))
    return ChartRender(tuple(manifests), tuple(findings))


def render_error(label: str, message: str) -> Finding:
    """Helm's message as an error finding, keyed by the template it names.

    ``values`` in its data is ``defaults``, ``config`` or a values file's path.
    """
    key = template_in_message(message)
    return Finding.error("helm.render-failed", key=CHART_DIR + key if key else CHART_DIR,
                         data={"values": label, "helmMessage": message})


def template_in_message(message: str) -> str:
    """``templates/x.yaml`` from Helm's ``(objecten/templates/x.yaml:3:5)``, or ``""``.

    A scan over words, not a regular expression: Helm's messages are outside text.
    """
    for word in message[:4096].replace("(", " ").replace(")", " ").split():
        path = word.split(":", 1)[0]
        chart, _, inside = path.partition("/")
        if chart and (inside.startswith("templates/") or "/templates/" in inside):
            return inside
    return ""
