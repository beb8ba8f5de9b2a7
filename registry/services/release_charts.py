"""A stored release's package, and its Helm chart rendered for an environment.

Plans render a release's chart with the environment's values to find out,
before anyone installs, whether Helm accepts them; bundles render it again
for the files they hand out. Both read the package from the artifact store,
checked against its sha256.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from registry.errors import RegistryError
from registry.models import Environment, Release
from registry.services.plan_checks import environment_values
from registry.storage import ArtifactStore
from sdk.archive import open_package, sha256_file
from sdk.helm import HelmUnavailable, RenderFailure
from sdk.helm.bundle import ChartNotRendered, chart_documents, environment_namespace
from sdk.package import PackageView


def open_release(store: ArtifactStore, release: Release) -> PackageView:
    """The release's package as stored; a damaged one is the curators' problem."""
    local = store.path(release.artifact_sha256)
    with tempfile.TemporaryDirectory() as folder:
        if local is None:  # an object store: fetch a copy first
            local = Path(folder) / release.artifact.filename
            with store.open(release.artifact_sha256) as source, local.open("wb") as target:
                shutil.copyfileobj(source, target)
        if sha256_file(local) != release.artifact_sha256:
            raise RegistryError(f"The stored package of {release.app.slug} {release.version} is damaged; "
                                "tell the registry's curators (appstore-registry fsck).")
        view, _ = open_package(local, filename=release.artifact.filename, sha256=release.artifact_sha256)
    return view


def rendered_chart(view: PackageView, environment: Environment, app: str) -> list[dict[str, str]]:
    """The chart's documents for ``environment`` (``[]`` without a chart).

    Raises ``ChartNotRendered`` when the environment's values break a template,
    ``HelmUnavailable`` or ``RenderFailure`` when the registry cannot render.
    """
    values = environment_values(environment, app, view.manifest or {})
    return chart_documents(view, values, environment_namespace(environment.name, environment.config))


def chart_problem(store: ArtifactStore, environment: Environment, release: Release) -> tuple[str, str] | None:
    """``(severity, message)`` when the release's chart does not render for the environment."""
    view = open_release(store, release)
    try:
        rendered_chart(view, environment, release.app.slug)
    except ChartNotRendered as exc:
        return "error", f"{exc} Change the environment's values, or choose another release."
    except (HelmUnavailable, RenderFailure) as exc:
        return "warning", f"The registry could not render the chart to try the environment's values: {exc}"
    return None
