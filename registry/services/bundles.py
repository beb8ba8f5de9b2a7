"""Install bundles: a ready plan's releases, rendered with the environment's config values.

Each release's deploy/ files are read from its stored package (checked
against its sha256) and their ``${name}`` placeholders filled, per app and in
the plan's order, ready for ``kubectl apply``. A bundle holds exactly the files
that verification checked (``PackageView.deploy_files()``), nothing else of
deploy/. A release's Helm chart is rendered with the environment's values
(``sdk.helm.bundle``): release name = app id, namespace = the environment's.
"""

from __future__ import annotations

import io
import json
import tarfile
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from registry.errors import Conflict, RegistryError
from registry.models import Environment, InstallPlanRecord, Release
from registry.services.download_log import BUNDLE
from registry.services.namespaces import app_namespace
from registry.services.package_content import PackageContent
from registry.services.plan_checks import CHANGES, environment_values, missing_config
from registry.services.planning import READY
from registry.services.release_charts import rendered_chart
from registry.services.secrets import secret_problems, step_secrets
from registry.services.stored_packages import open_stored_package
from registry.services.tokens import Caller
from registry.storage import ArtifactStore
from sdk.helm import HelmUnavailable, RenderFailure
from sdk.helm.bundle import ChartNotRendered
from sdk.package import DEPLOY_DIR
from sdk.render import render_text


@dataclass
class BundleItem:
    """One app's rendered manifests."""

    app: str
    version: str
    action: str
    sha256: str
    namespace: str = ""
    secrets: list[dict[str, Any]] = field(default_factory=list)  # name, shown, reference; markers to fill
    files: list[dict[str, str]] = field(default_factory=list)  # path (below deploy/), content
    warnings: list[str] = field(default_factory=list)


class BundleService:
    def __init__(self, session: Session, store: ArtifactStore) -> None:
        self.session = session
        self.store = store

    def bundle(self, environment: Environment, plan: InstallPlanRecord, caller: Caller,
               *, method: str = "GET") -> list[BundleItem]:
        """The plan's rendered manifests, for ``caller`` (of the environment's organisation).

        Every release goes through the download door: one that ``caller`` may no longer
        have (its entitlement was revoked since the plan was made) refuses the whole
        bundle, naming the app; each commercial release sent is logged as a bundle.
        """
        if plan.status != READY:
            raise Conflict(f"Plan {plan.id} is {plan.status}; solve its problems and make a new plan.")
        steps = [s for s in plan.result["steps"] if s["action"] in CHANGES]
        releases = [self.session.get(Release, s["releaseId"]) for s in steps]
        door = PackageContent(self.session)
        admissions = door.admit_all([r for r in releases if r is not None], caller, BUNDLE)
        items = []
        for step, release in zip(steps, releases, strict=True):
            if release is None:  # releases are never deleted; a damaged database is told, not assumed away
                raise Conflict(f"Plan {plan.id} names a release that is gone; make a new plan.")
            missing = missing_config(environment, step["app"], release.manifest)
            if missing:
                names = ", ".join(f"`{m['name']}`" for m in missing)
                raise Conflict(f"{step['app']} needs config value(s) {names} that `{environment.name}` no "
                               "longer sets; set them and make a new plan.")
            for _code, message, _name in secret_problems(environment, step["app"], release.manifest):
                raise Conflict(f"{step['app']}: {message} Then make a new plan.")
            items.append(self._render(environment, release, step["action"]))
        for admission in admissions:
            door.sent(admission, method)
        return items

    def _render(self, environment: Environment, release: Release, action: str) -> BundleItem:
        app = release.app.slug
        values = environment_values(environment, app, release.manifest)
        view = open_stored_package(self.store, release)
        item = BundleItem(app, release.version, action, release.artifact_sha256, app_namespace(environment, app),
                          step_secrets(environment, app, release.manifest))
        for path in view.deploy_files():
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
            item.files += rendered_chart(view, environment, app)
        except ChartNotRendered as exc:  # the environment's values break the chart: fix them
            raise Conflict(f"{app} {release.version}: {exc}") from exc
        except (HelmUnavailable, RenderFailure) as exc:
            raise RegistryError(f"{app} {release.version}: the chart cannot be rendered here: {exc}") from exc
        return item


def bundle_archive(root: str, items: list[BundleItem]) -> bytes:
    """``root/NN-app/<file>`` per app in the plan's order, and ``root/plan.json`` with the
    secrets each app takes (as references; the files hold a marker where each goes)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for number, item in enumerate(items, start=1):
            for file in item.files:
                _add(archive, f"{root}/{number:02d}-{item.app}/{file['path']}", file["content"])
        summary = [{"app": i.app, "version": i.version, "action": i.action, "sha256": i.sha256,
                    "namespace": i.namespace, "secrets": i.secrets, "warnings": i.warnings} for i in items]
        _add(archive, f"{root}/plan.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return buffer.getvalue()


def _add(archive: tarfile.TarFile, path: str, text: str) -> None:
    data = text.encode("utf-8")
    member = tarfile.TarInfo(path)
    member.size, member.mode = len(data), 0o600
    archive.addfile(member, io.BytesIO(data))
