"""Rendering Helm charts with real Helm code, behind one small interface.

Everything else in the project talks to a :class:`ChartRenderer`: give it a
chart's files, a release name, a namespace and value sets, get back the
manifests each template produced. The implementation that ships
(:class:`sdk.helm.isolated.IsolatedRenderer`) runs Helm's own Go engine
(``helm-python-sdk``) in a child process with a time limit, a memory limit and
an output cap, so a chart that loops or explodes cannot hang or exhaust the
registry. Another implementation (a ``helm`` binary, a service) only has to
satisfy the same protocol.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

#: The distribution that brings Helm's engine, and how to install it.
HELM_DISTRIBUTION = "helm-python-sdk"
INSTALL_HINT = "pip install 'gemeente-appstore[helm]' (or: pip install helm-python-sdk)"


@dataclass(frozen=True)
class RenderedManifest:
    """The output of one template: ``template_path`` is ``templates/app.yaml``
    relative to the chart root (``charts/redis/templates/...`` for a subchart)."""

    template_path: str
    text: str


@dataclass(frozen=True)
class ValueSet:
    """Values to render with, and what findings call them: ``defaults``, ``config``,
    ``environment`` or the path of a values file.

    ``values_yaml`` is a values file as written (Helm parses it); ``settings``
    are values paths (``("ingress", "hosts", 0, "host")``) set on the chart's
    defaults as :func:`sdk.helm.values_path.apply_values` does; ``values``
    are plain values. Later ones win, top-level key by key.
    """

    label: str
    values_yaml: str = ""
    settings: tuple[tuple[tuple[str | int, ...], Any], ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)

    def to_request(self) -> dict[str, Any]:
        return {"yaml": self.values_yaml, "settings": [[list(p), v] for p, v in self.settings],
                "values": dict(self.values)}


@dataclass(frozen=True)
class RenderResult:
    """What one value set produced: manifests, or Helm's error message."""

    value_set: ValueSet
    manifests: tuple[RenderedManifest, ...] = ()
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


class HelmUnavailable(Exception):
    """Helm's engine is not installed; the message says what to install."""

    def __init__(self, detail: str = "") -> None:
        message = f"Rendering Helm charts needs {HELM_DISTRIBUTION}: {INSTALL_HINT}."
        super().__init__(f"{message} ({detail})" if detail else message)


class RenderFailure(Exception):
    """The renderer itself failed, not a template.

    ``reason`` is a stable slug: ``timeout`` and ``out-of-memory`` and
    ``too-large`` (with ``limit``: seconds or MiB), ``bad-path``, ``crashed``.
    """

    def __init__(self, message: str, reason: str = "crashed", limit: int = 0) -> None:
        super().__init__(message)
        self.reason = reason
        self.limit = limit


class ChartRenderer(Protocol):
    """Renders a chart offline, as ``helm template`` would."""

    def render(
        self,
        chart_files: Mapping[str, bytes],
        release: str,
        namespace: str,
        value_sets: Sequence[ValueSet],
    ) -> list[RenderResult]:
        """Render the chart (files keyed by path relative to its root) once per value set.

        A template error is a :class:`RenderResult` with ``error``; a renderer
        that cannot run raises :class:`HelmUnavailable` or :class:`RenderFailure`.
        """
        ...


def default_renderer() -> ChartRenderer:
    """The renderer the registry and ``appstore check`` use."""
    from sdk.helm.isolated import IsolatedRenderer

    return IsolatedRenderer()
