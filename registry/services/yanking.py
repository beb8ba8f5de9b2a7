"""Yanking: a publisher withdraws a release; it stays downloadable but is never planned."""

from __future__ import annotations

import logging

import pluggy
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from registry.errors import Conflict, Forbidden, RegistryError
from registry.models import RELEASE_YANKED, Release, Yank
from registry.services import audit
from registry.services.catalogue import CatalogueService, refresh_latest_version
from registry.services.events import announce
from registry.services.tokens import Caller
from registry.services.webhooks import events as webhook_events
from registry.transactions import after_commit
from sdk.hookspecs import ReleaseEvent

log = logging.getLogger(__name__)
MAX_REASON = 1000


class YankService:
    def __init__(self, session: Session, plugins: pluggy.PluginManager) -> None:
        self.session = session
        self.plugins = plugins

    def yank(self, app_id: str, version: str, reason: str, caller: Caller) -> Release:
        reason = (reason or "").strip()
        if not reason:
            raise RegistryError("Give a reason: municipalities that run this release read it.")
        if len(reason) > MAX_REASON:
            raise RegistryError(f"Keep the reason under {MAX_REASON} characters.")
        release = CatalogueService(self.session).release(app_id, version)
        app = release.app
        if app.organisation_id != caller.organisation_id:
            raise Forbidden(f"Only `{app.organisation.slug}` may yank releases of `{app_id}`.")
        if not self._mark_yanked(release):
            raise Conflict(f"{app_id} {version} is yanked already.")
        release.yanks.append(Yank(reason=reason, actor=caller.actor))
        refresh_latest_version(self.session, app)
        audit.record(self.session, caller.actor, "release.yank", f"{app_id}@{version}", reason=reason)
        webhook_events.release_yanked(self.session, release, reason)
        self.session.flush()
        self._notify(release, caller, reason)
        return release

    def _mark_yanked(self, release: Release) -> bool:
        """Set the status only if no one else has: of two yanks at the same
        moment the database lets one change the row, and only that one goes on
        to record, audit and notify."""
        changed = self.session.execute(  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult
            update(Release).where(Release.id == release.id, Release.status != RELEASE_YANKED)
            .values(status=RELEASE_YANKED).execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            set_committed_value(release, "status", RELEASE_YANKED)  # what the row holds now
        return changed == 1

    def _notify(self, release: Release, caller: Caller, reason: str) -> None:
        event = ReleaseEvent(release.app.slug, release.version, release.app.organisation.slug,
                             release.artifact_sha256, caller.actor, reason)
        # Heard only once the yank is committed; a rolled-back yank is never announced.
        after_commit(self.session, lambda: announce(self.plugins, "appstore_release_yanked", event))
