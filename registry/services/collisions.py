"""Apps of one environment that would overwrite each other's objects or claim the same host.

A plan renders every app the environment will run (those it keeps and those
it installs) with the environment's values, in the namespace each app goes
to, and compares: two objects of one kind with one name in one namespace
(or cluster-wide), or two Ingresses or HTTPRoutes that claim one host. The
second app to apply would take over the first's object or traffic without a
word, so a collision blocks the plan and names both apps.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import App, Environment, Installation, Release
from registry.services.namespaces import app_namespace
from registry.services.plan_checks import environment_values
from registry.services.release_charts import rendered_chart
from registry.services.stored_packages import open_stored_package
from registry.storage import ArtifactStore
from sdk.helm import HelmUnavailable, RenderFailure
from sdk.helm.bundle import ChartNotRendered
from sdk.jsonstream import is_json_stream, load_json_stream
from sdk.render import render_text
from sdk.yamldoc import load_yaml_stream

MAX_OBJECTS = 2000  # per app; packages hold at most this many documents anyway
CLUSTER_SCOPED = frozenset({
    "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
    "StorageClass", "PriorityClass", "IngressClass", "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration", "APIService", "GatewayClass",
})


@dataclass(frozen=True)
class Claim:
    """Something only one app may hold: an object, or a host."""

    what: str  # "object" or "host"
    key: tuple[str, ...]

    def describe(self) -> str:
        if self.what == "host":
            return f"host {self.key[0]}"
        kind, namespace, name = self.key
        return f"{kind} {name} in namespace {namespace}" if namespace else f"{kind} {name} (cluster-wide)"

    def data(self) -> dict[str, str]:
        """The claim for the message catalogues: ``claim`` (host, namespaced or cluster) and its parts."""
        if self.what == "host":
            return {"claim": "host", "host": self.key[0]}
        kind, namespace, name = self.key
        if namespace:
            return {"claim": "namespaced", "objectKind": kind, "name": name, "namespace": namespace}
        return {"claim": "cluster", "objectKind": kind, "name": name}


class CollisionCheck:
    def __init__(self, session: Session, store: ArtifactStore) -> None:
        self.session = session
        self.store = store

    def check(self, environment: Environment, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``plan.collision`` problems, one per claim two apps share.

        The apps are those the plan names and those installed that it leaves alone;
        installed apps come first, so the message names the newcomer second.
        """
        planned = {step["app"]: step["releaseId"] for step in steps}
        kept = [(slug, release_id) for slug, release_id in self.session.execute(
            select(App.slug, Installation.release_id).join(App, Installation.app_id == App.id)
            .where(Installation.environment_id == environment.id).order_by(Installation.id))
            if slug not in planned]
        holders: dict[Claim, str] = {}
        problems = []
        for app, release_id in [*kept, *planned.items()]:
            release = self.session.get(Release, release_id)
            if release is None:
                continue
            for claim in sorted(set(self._claims(environment, release)), key=lambda c: (c.what, c.key)):
                first = holders.setdefault(claim, app)
                if first != app:
                    problems.append(_collision(first, app, claim))
        return problems

    def _claims(self, environment: Environment, release: Release) -> Iterator[Claim]:
        app = release.app.slug
        namespace = app_namespace(environment, app)
        for document in self._documents(environment, release):
            yield from claims(document, namespace)

    def _documents(self, environment: Environment, release: Release) -> list[Any]:
        app = release.app.slug
        view = open_stored_package(self.store, release)
        values = environment_values(environment, app, release.manifest)
        texts = []
        for path in view.deploy_files():
            text = view.text(path)
            if text is not None:
                texts.append((path, render_text(text, values).text))
        try:
            texts += [(f["path"], f["content"]) for f in rendered_chart(view, environment, app)]
        except (ChartNotRendered, HelmUnavailable, RenderFailure):
            pass  # the chart check reports these
        documents: list[Any] = []
        for path, text in texts:
            room = MAX_OBJECTS - len(documents)
            if room <= 0:
                break
            if is_json_stream(text):
                try:
                    documents += load_json_stream(text, room)
                except (ValueError, RecursionError):
                    continue
            else:
                documents += load_yaml_stream(text.encode("utf-8"), path, limit=room)[0]
        return documents


def claims(document: Any, namespace: str) -> Iterator[Claim]:
    """What one Kubernetes object claims in ``namespace`` (its own, when it names one)."""
    if not isinstance(document, Mapping) or not isinstance(document.get("kind"), str):
        return
    kind = document["kind"]
    metadata = _mapping(document.get("metadata"))
    name = metadata.get("name")
    if isinstance(name, str) and name:
        where = "" if kind in CLUSTER_SCOPED else str(metadata.get("namespace") or namespace)
        yield Claim("object", (kind, where, name))
    for host in hosts(document):
        yield Claim("host", (host.lower(),))


def hosts(document: Mapping[str, Any]) -> list[str]:
    """The hosts an Ingress (``spec.rules[].host``) or HTTPRoute (``spec.hostnames``) claims."""
    spec = _mapping(document.get("spec"))
    if document.get("kind") == "Ingress":
        rules = _list(spec.get("rules"))
        return [r["host"] for r in rules if isinstance(r, Mapping) and isinstance(r.get("host"), str) and r["host"]]
    if document.get("kind") == "HTTPRoute":
        return [h for h in _list(spec.get("hostnames")) if isinstance(h, str) and h]
    return []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _collision(first: str, second: str, claim: Claim) -> dict[str, Any]:
    hint = (f"give each app its own value (`appConfig.{second}`), e.g. its own hostname" if claim.what == "host"
            else "put the apps in their own namespaces (`namespaces.mode: per-app`) or give them other names")
    return {"code": "plan.collision", "severity": "error", "app": second, "apps": [first, second],
            "message": f"{first} and {second} both claim {claim.describe()}; only one can have it: {hint}.",
            "data": {"first": first, "second": second, **claim.data()}}
