"""Updates and attention: newer releases for what an environment runs, yanked and
vulnerable installs.

For each installed app: the newest patch (same minor), minor (same major) and
major release that the environment's profile runs and that is not yanked;
pre-releases only when a pre-release is installed. An installed release that
was yanked, no longer runs on the profile, or is affected by a security advisory needs
attention; for an advisory, the version to upgrade to is the fixed one (or the newest
release that no advisory affects).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from registry.models import CompatibilityRecord, Environment, Release
from registry.services.advisories import AffectingAdvisory, affecting, unaffected_upgrade
from registry.services.installations import InstallationService
from sdk.versions import parse_version


@dataclass(frozen=True)
class Update:
    app: str
    installed: str
    patch: str | None
    minor: str | None
    major: str | None
    yank: dict[str, Any] | None  # reason and when, if the installed release was yanked
    runs_on_profile: bool | None
    advisories: tuple[AffectingAdvisory, ...] = ()
    upgrade_to: str | None = None  # for an affected install: the version without the flaws

    @property
    def needs_attention(self) -> bool:
        return self.yank is not None or self.runs_on_profile is False or bool(self.advisories)


class UpdateService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def updates(self, environment: Environment) -> list[Update]:
        installations = InstallationService(self.session).installed(environment)
        compat = and_(CompatibilityRecord.release_id == Release.id,
                      CompatibilityRecord.profile_id == environment.profile_id)
        rows = self.session.execute(
            select(Release.app_id, Release.id, Release.version, Release.status, CompatibilityRecord.compatible)
            .outerjoin(CompatibilityRecord, compat)
            .where(Release.app_id.in_([i.app_id for i in installations])))
        by_app: dict[int, list[tuple[int, str, str, bool | None]]] = {}
        for app_id, release_id, version, status, compatible in rows:
            by_app.setdefault(app_id, []).append((release_id, version, status, compatible))
        return [self._update(i, by_app.get(i.app_id, [])) for i in installations]

    def _update(self, installation: Any, releases: list[tuple[int, str, str, bool | None]]) -> Update:
        current = installation.release
        now = parse_version(current.version)
        newest: dict[str, Any] = {"patch": None, "minor": None, "major": None}
        runs = next((c for r, _, _, c in releases if r == current.id), None)
        for _, version, status, compatible in releases:
            parsed = parse_version(version)
            if status != "published" or compatible is not True or parsed is None or now is None or parsed <= now:
                continue
            if parsed.prerelease and not now.prerelease:
                continue
            kind = "major" if parsed.major > now.major else "minor" if parsed.minor > now.minor else "patch"
            if newest[kind] is None or parsed > newest[kind]:
                newest[kind] = parsed
        yank = None
        if current.yanked:
            last = current.yanks[-1] if current.yanks else None
            yank = {"reason": last.reason if last else "", "yankedAt": last.created_at if last else None}
        patch, minor, major = (str(newest[k]) if newest[k] else None for k in ("patch", "minor", "major"))
        advisories = tuple(affecting(installation.app, current.version))
        upgrade_to = (unaffected_upgrade(installation.app, current.version, [a.fixed for a in advisories])
                      if advisories else None)
        return Update(installation.app.slug, current.version, patch, minor, major, yank, runs, advisories, upgrade_to)
