"""Install bundles: a ready plan's releases, rendered with the environment's config values.

Each release's deploy/ files are read from its stored package (checked
against its sha256) and their ``${name}`` placeholders filled, per app and in
the plan's order, ready for ``kubectl apply``. A release's Helm chart is
rendered with the environment's values (``sdk.helm.bundle``): release name =
app id, namespace = the environment's.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from registry.errors import Conflict, RegistryError
from registry.models import Environment, InstallPlanRecord, Release
from registry.services.plan_checks import CHANGES, config_value, missing_config
from registry.services.planning import READY
from registry.storage import ArtifactStore
from sdk.archive import open_package, sha256_file
from sdk.helm import HelmUnavailable, RenderFailure
from sdk.helm.bundle import ChartNotRendered, chart_documents, environment_namespace
from sdk.package import DEPLOY_DIR
from sdk.render import render_text


@dataclass
class BundleItem:
    """One app's rendered manifests."""

    app: str
    version: str
    action: str
    sha256: str
    files: list[dict[str, str]] = field(default_factory=list)  # path (below deploy/), content
    warnings: list[str] = field(default_factory=list)


class BundleService:
    def __init__(self, session: Session, store: ArtifactStore) -> None:
        self.session = session
        self.store = store

    def bundle(self, environment: Environment, plan: InstallPlanRecord) -> list[BundleItem]:
        if plan.status != READY:
            raise Conflict(f"Plan {plan.id} is {plan.status}; solve its problems and make a new plan.")
        items = []
        for step in plan.result["steps"]:
            if step["action"] not in CHANGES:
                continue
            release = self.session.get(Release, step["releaseId"])
            assert release is not None  # releases are never deleted
            missing = missing_config(environment, step["app"], release.manifest)
            if missing:
                names = ", ".join(f"`{m['name']}`" for m in missing)
                raise Conflict(f"{step['app']} needs config value(s) {names} that `{environment.name}` no "
                               "longer sets; set them and make a new plan.")
            items.append(self._render(environment, release, step["action"]))
        return items

    def _render(self, environment: Environment, release: Release, action: str) -> BundleItem:
        app = release.app.slug
        values = _values(environment, app, release.manifest)
        view = self._package(release)
        item = BundleItem(app, release.version, action, release.artifact_sha256)
        for path in view.under(DEPLOY_DIR):
            text = view.text(path)
            if text is None:
                item.warnings.append(f"{path} is not UTF-8 text; it was left out.")
                continue
            rendered = render_text(text, values)
            for placeholder in rendered.unfilled:
                item.warnings.append(f"{path} line {placeholder.line}: `{placeholder.name}` has no value; "
                                     "set it in the environment to fill it.")
            item.files.append({"path": path.removeprefix(DEPLOY_DIR), "content": rendered.text})
        try:
            item.files += chart_documents(view, values, environment_namespace(environment.name,
                                                                              environment.config))
        except ChartNotRendered as exc:  # the environment's values break the chart: fix them
            raise Conflict(f"{app} {release.version}: {exc}") from exc
        except (HelmUnavailable, RenderFailure) as exc:
            raise RegistryError(f"{app} {release.version}: the chart cannot be rendered here: {exc}") from exc
        return item

    def _package(self, release: Release) -> Any:
        local = self.store.path(release.artifact_sha256)
        with tempfile.TemporaryDirectory() as folder:
            if local is None:  # an object store: fetch a copy first
                local = Path(folder) / release.artifact.filename
                with self.store.open(release.artifact_sha256) as source, local.open("wb") as target:
                    shutil.copyfileobj(source, target)
            if sha256_file(local) != release.artifact_sha256:
                raise RegistryError(f"The stored package of {release.app.slug} {release.version} is damaged; "
                                    "tell the registry's curators (appstore-registry fsck).")
            view, _ = open_package(local, filename=release.artifact.filename, sha256=release.artifact_sha256)
        return view


def _values(environment: Environment, app: str, manifest: dict[str, Any]) -> dict[str, str | None]:
    """Each declared config value: the environment's, else the manifest's default, else none."""
    values: dict[str, str | None] = {}
    for item in manifest.get("config") or ():
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            value = config_value(environment, app, item["name"])
            if value is None and item.get("default") is not None:
                value = str(item["default"])
            values[item["name"]] = value
    return values
