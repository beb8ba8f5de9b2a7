"""A release's chart rendered for one environment, as a bundle's files.

Rendered at bundle time, never earlier, so the namespace and values are the
environment's: release name = app id, namespace = the environment's
``namespace`` config value, else its name. Config values reach the chart
through the values paths their manifest entries name (``helmValue``).
Documents come in install order (:mod:`sdk.helm.install_order`), each with
the template it came from as its path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdk.helm import ChartRenderer, ValueSet, default_renderer
from sdk.helm.install_order import install_order
from sdk.helm.package_chart import CHART_DIR, chart_files, config_settings, has_chart
from sdk.package import PackageView

NAMESPACE_KEY = "namespace"
MAX_NAMESPACE = 63  # a DNS label


class ChartNotRendered(Exception):
    """A template fails with the environment's values; the message is Helm's."""


def environment_namespace(name: str, config: Mapping[str, Any] | None) -> str:
    """The namespace an environment installs into."""
    value = (config or {}).get(NAMESPACE_KEY)
    return str(value) if isinstance(value, str) and value else name[:MAX_NAMESPACE]


def chart_documents(
    package: PackageView, values: Mapping[str, str | None], namespace: str,
    renderer: ChartRenderer | None = None,
) -> list[dict[str, str]]:
    """``[{"path": "chart/templates/x.yaml", "content": ...}]`` in install order; ``[]`` without a chart."""
    if not has_chart(package):
        return []
    manifest = package.manifest or {}
    release = str(manifest.get("id") or "app")
    value_set = ValueSet("environment", settings=config_settings(manifest, values))
    # HelmUnavailable and RenderFailure pass through: they are the registry's problem.
    (result,) = (renderer or default_renderer()).render(chart_files(package), release, namespace, [value_set])
    if not result.ok:
        raise ChartNotRendered(f"Helm cannot render the chart with the environment's values: {result.error}")
    return [{"path": CHART_DIR + d.template_path, "content": d.text} for d in install_order(result.manifests)]
