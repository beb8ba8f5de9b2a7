"""A stored release's package, and its Helm chart rendered for an environment.

Plans render a release's chart with the environment's values to find out,
before anyone installs, whether Helm accepts them; bundles render it again
for the files they hand out. Both read the package from the artifact store,
checked against its sha256.
"""

from __future__ import annotations

from registry.models import Environment, Release
from registry.services.namespaces import app_namespace
from registry.services.plan_checks import environment_values
from registry.services.stored_packages import open_stored_package
from registry.storage import ArtifactStore
from sdk.helm import HelmUnavailable, RenderFailure
from sdk.helm.bundle import ChartNotRendered, chart_documents
from sdk.package import PackageView


def rendered_chart(view: PackageView, environment: Environment, app: str) -> list[dict[str, str]]:
    """The chart's documents for ``environment`` (``[]`` without a chart).

    Raises ``ChartNotRendered`` when the environment's values break a template,
    ``HelmUnavailable`` or ``RenderFailure`` when the registry cannot render.
    """
    values = environment_values(environment, app, view.manifest or {})
    return chart_documents(view, values, app_namespace(environment, app))


def chart_problem(store: ArtifactStore, environment: Environment, release: Release) -> tuple[str, str, str] | None:
    """``(severity, message, Helm's own words)`` when the release's chart does not render for the environment."""
    view = open_stored_package(store, release)
    try:
        rendered_chart(view, environment, release.app.slug)
    except ChartNotRendered as exc:
        return "error", f"{exc} Change the environment's values, or choose another release.", str(exc)
    except (HelmUnavailable, RenderFailure) as exc:
        return ("warning", f"The registry could not render the chart to try the environment's values: {exc}",
                str(exc))
    return None
