"""What the install resolver may choose from: releases per app and providers per API.

The resolver asks for one app at a time; each miss loads that app together
with every app that releases loaded so far refer to, in one query, so a plan
over a closure of N apps costs about as many queries as the closure is deep,
not one per release. Each release comes with its verdict on one platform
profile (a left join on the compatibility matrix).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from registry.models import RELEASE_YANKED, ApiProvision, App, CompatibilityRecord, Release
from sdk.requirements import api_needs, host_app
from sdk.versions import parse_version, sort_key

Options = tuple[tuple[str, str | None], ...]  # (api, range) of which any one will do


@dataclass(frozen=True)
class ReleaseInfo:
    """One release as the resolver sees it."""

    release_id: int
    app: str
    version: str
    yanked: bool
    compatible: bool | None  # None: never verified on the profile
    runs: bool | None = None  # False: the cluster cannot run it; True with compatible False: a policy is missed
    requires_apps: tuple[tuple[str, str | None], ...] = ()
    requires_apis: tuple[tuple[str, str | None], ...] = ()
    provides: tuple[tuple[str, str], ...] = ()
    alternatives: tuple[Options, ...] = ()  # any one API of each will do
    optional_apis: tuple[Options, ...] = ()  # used when a provider runs already (one API, or alternatives)
    host: tuple[str, str | None] | None = None  # the app this one is a plugin of (also in requires_apps)

    @property
    def prerelease(self) -> bool:
        parsed = parse_version(self.version)
        return bool(parsed and parsed.prerelease)

    @property
    def viable(self) -> bool:
        """May a plan choose it: not yanked and verified to run on the profile."""
        return not self.yanked and self.compatible is True

    def provided_version(self, api: str) -> str | None:
        return next((v for a, v in self.provides if a == api), None)


def release_info(release_id: int, app: str, version: str, status: str, compatible: bool | None,
                 manifest: dict[str, Any] | None, runs: bool | None = None) -> ReleaseInfo:
    requires = (manifest or {}).get("requires") or {}
    needs = api_needs(manifest)
    host = host_app(manifest)
    return ReleaseInfo(
        release_id=release_id,
        app=app,
        version=version,
        yanked=status == RELEASE_YANKED,
        compatible=compatible,
        runs=runs,
        requires_apps=tuple((str(r.get("id")), r.get("version")) for r in requires.get("apps") or ()
                            if isinstance(r, dict) and r.get("id")) + ((host,) if host else ()),
        requires_apis=tuple(n.single for n in needs if n.single and not n.optional),
        alternatives=tuple(n.alternatives for n in needs if not n.single and not n.optional),
        optional_apis=tuple(n.alternatives for n in needs if n.optional),
        host=host,
        provides=tuple((str(p.get("api")), str(p.get("version"))) for p in (manifest or {}).get("provides") or ()
                       if isinstance(p, dict) and p.get("api") and p.get("version")),
    )


class CandidateIndex:
    """Releases and API providers of the catalogue, loaded on demand and kept for one plan."""

    def __init__(self, session: Session, profile_id: int) -> None:
        self.session = session
        self.profile_id = profile_id
        self._releases: dict[str, list[ReleaseInfo]] = {}
        self._providers: dict[str, dict[str, dict[str, list[str]]]] = {}
        self._wanted: set[str] = set()
        self._asked: set[str] = set()
        self.queries = 0

    def releases(self, app: str, *, spread: bool = True) -> list[ReleaseInfo] | None:
        """Every release of ``app``, oldest first; ``None`` when there is no such app.

        ``spread`` marks the app's dependencies for prefetching with the next miss;
        a mere look (is this provider usable?) should not.
        """
        if app not in self._releases:
            self._load({app} | (self._wanted - self._releases.keys()))
        if spread and app not in self._asked:
            # Only apps the resolver asked for spread to their dependencies: prefetching
            # must not walk the whole catalogue's graph.
            self._asked.add(app)
            self._wanted.update(dep for info in self._releases[app] for dep, _ in info.requires_apps)
        found = self._releases[app]
        return found if found else None

    def _load(self, apps: Iterable[str]) -> None:
        apps = sorted(set(apps))
        self.queries += 1
        compat = and_(CompatibilityRecord.release_id == Release.id, CompatibilityRecord.profile_id == self.profile_id)
        rows = self.session.execute(
            select(Release.id, App.slug, Release.version, Release.status, CompatibilityRecord.compatible,
                   Release.manifest, CompatibilityRecord.runs)
            .join(App, Release.app_id == App.id)
            .outerjoin(CompatibilityRecord, compat)
            .where(App.slug.in_(apps))
        )
        loaded: dict[str, list[ReleaseInfo]] = {a: [] for a in apps}
        for row in rows:
            info = release_info(*row)
            loaded[info.app].append(info)
        for app, infos in loaded.items():
            infos.sort(key=lambda i: _order(i.version))
            self._releases[app] = infos

    def providers(self, api: str) -> dict[str, dict[str, list[str]]]:
        """Apps that provide ``api``: ``{app: {api version: [release versions]}}``."""
        if api not in self._providers:
            self.queries += 1
            rows = self.session.execute(
                select(App.slug, ApiProvision.version, Release.version)
                .join(App, ApiProvision.app_id == App.id)
                .join(Release, ApiProvision.release_id == Release.id)
                .where(ApiProvision.api == api)
            )
            found: dict[str, dict[str, list[str]]] = {}
            for app, api_version, version in rows:
                found.setdefault(app, {}).setdefault(api_version, []).append(version)
            self._providers[api] = found
            self._wanted.update(found)  # the resolver looks at each provider's releases next
        return self._providers[api]


_order = functools.lru_cache(maxsize=65536)(sort_key)  # versions repeat across apps and plans
