"""Security advisories: publishers and curators say which releases of an app are vulnerable.

An advisory is kept as its OSV fields (registry.osv). It is published by the app's own
organisation or by a curator; an edit sets `modified`; withdrawing keeps the record, as
OSV asks, so that mirrors learn that it was withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry.errors import Conflict, Forbidden, NotFound
from registry.models import Advisory, App, utcnow
from registry.osv import AdvisoryContent, affects, fixed_in
from registry.services import audit
from registry.services.tokens import Caller
from registry.services.vendors import is_curator
from registry.services.webhooks import events as webhook_events
from sdk.versions import parse_version

PREFIX = "GAS"


@dataclass(frozen=True)
class AffectingAdvisory:
    """An advisory as it bears on one release: the first release without the flaw, if any."""

    advisory: Advisory
    fixed: str | None


def affecting(app: App, version: str) -> list[AffectingAdvisory]:
    """The advisories in force (not withdrawn) that affect ``version`` of ``app``."""
    return [AffectingAdvisory(a, fixed_in(a.ranges, version)) for a in app.advisories
            if not a.withdrawn and affects(a.ranges, a.versions, version)]


@dataclass(frozen=True)
class AppAdvisory:
    """An advisory in force about an app, with the app's releases that it affects."""

    advisory: Advisory
    versions: tuple[str, ...]


def in_force(app: App) -> list[AppAdvisory]:
    """The app's advisories that are not withdrawn, newest first, with the versions they affect."""
    found = [AppAdvisory(a, tuple(r.version for r in app.releases if affects(a.ranges, a.versions, r.version)))
             for a in app.advisories if not a.withdrawn]
    return sorted(found, key=lambda f: f.advisory.published_at, reverse=True)


def unaffected_upgrade(app: App, installed: str, fixed: list[str | None]) -> str | None:
    """The version to upgrade to: the lowest published release at or above every fixed
    version that no advisory in force affects; else the newest such release above
    ``installed``; None when there is none."""
    now = parse_version(installed)
    floor = max((v for v in (parse_version(f or "") for f in fixed) if v is not None), default=None)
    candidates = sorted(
        ((parsed, r.version) for r in app.releases if r.status == "published"
         and (parsed := parse_version(r.version)) is not None and (now is None or parsed > now)
         and not parsed.prerelease and not affecting(app, r.version)),
        key=lambda pair: pair[0])
    at_floor = [version for parsed, version in candidates if floor is None or parsed >= floor]
    if at_floor:
        return at_floor[0]
    return candidates[-1][1] if candidates else None


class AdvisoryService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def publish(self, content: AdvisoryContent, caller: Caller) -> Advisory:
        app = self._app_for(content, caller)
        now = utcnow()
        advisory = Advisory(advisory_id=self._next_id(now), app=app, organisation_id=caller.organisation_id,
                            created_by=caller.actor, published_at=now, modified_at=now)
        self._fill(advisory, content)
        self.session.add(advisory)
        audit.record(self.session, caller.actor, "advisory.publish", advisory.advisory_id, app=app.slug)
        self.session.flush()
        self._tell_subscribers(advisory)
        return advisory

    def update(self, advisory_id: str, content: AdvisoryContent, caller: Caller) -> Advisory:
        advisory = self.get(advisory_id)
        self._may_change(advisory, caller)
        if content.app != advisory.app.slug:
            raise Conflict(f"{advisory_id} is about `{advisory.app.slug}`; publish a new advisory for "
                           f"`{content.app}`.")
        self._fill(advisory, content)
        advisory.modified_at = utcnow()
        audit.record(self.session, caller.actor, "advisory.update", advisory_id)
        self.session.flush()
        return advisory

    def withdraw(self, advisory_id: str, caller: Caller) -> Advisory:
        advisory = self.get(advisory_id)
        self._may_change(advisory, caller)
        if advisory.withdrawn:
            raise Conflict(f"{advisory_id} is withdrawn already.")
        advisory.withdrawn_at = advisory.modified_at = utcnow()
        audit.record(self.session, caller.actor, "advisory.withdraw", advisory_id)
        self.session.flush()
        return advisory

    def _tell_subscribers(self, advisory: Advisory) -> None:
        """Organisations running an affected release hear of it by webhook (in this transaction's outbox)."""
        app = advisory.app
        versions = [r.version for r in app.releases if affects(advisory.ranges, advisory.versions, r.version)]
        fixed = sorted({f for v in versions if (f := fixed_in(advisory.ranges, v))})
        webhook_events.advisory_published(self.session, app, advisory.advisory_id, versions,
                                          {"summary": advisory.summary, "severity": advisory.level,
                                           "fixedIn": fixed})

    def get(self, advisory_id: str) -> Advisory:
        advisory = self.session.scalars(select(Advisory).where(Advisory.advisory_id == advisory_id)).first()
        if advisory is None:
            raise NotFound(f"There is no advisory `{advisory_id}`; GET /api/v1/advisories lists them.")
        return advisory

    def page(self, page: int, size: int) -> tuple[list[Advisory], int]:
        """Newest changes first, withdrawn ones included (mirrors need to see them go)."""
        total = self.session.scalar(select(func.count(Advisory.id))) or 0
        items = self.session.scalars(self._newest().offset((page - 1) * size).limit(size))
        return list(items), total

    def recent(self, limit: int) -> list[Advisory]:
        return list(self.session.scalars(self._newest().limit(limit)))

    def every(self) -> list[Advisory]:
        return list(self.session.scalars(select(Advisory).order_by(Advisory.id)
                                         .options(selectinload(Advisory.app))))

    def of_app(self, app: App) -> list[Advisory]:
        return sorted(app.advisories, key=lambda a: a.modified_at, reverse=True)

    def _newest(self):  # type: ignore[no-untyped-def]
        return select(Advisory).order_by(Advisory.modified_at.desc(), Advisory.id.desc()).options(
            selectinload(Advisory.app))

    def _app_for(self, content: AdvisoryContent, caller: Caller) -> App:
        app = self.session.scalars(select(App).where(App.slug == content.app)).first()
        if app is None or not app.releases:
            raise NotFound(f"There is no app `{content.app}`; `affected[0].package.name` must be an app's id.")
        if app.organisation_id != caller.organisation_id and not is_curator(caller):
            raise Forbidden(f"Only `{app.organisation.slug}`, the publisher of `{app.slug}`, or a curator may "
                            "publish advisories about it.")
        return app

    def _may_change(self, advisory: Advisory, caller: Caller) -> None:
        if advisory.app.organisation_id != caller.organisation_id and not is_curator(caller):
            raise Forbidden(f"Only `{advisory.app.organisation.slug}` or a curator may change "
                            f"{advisory.advisory_id}.")

    def _fill(self, advisory: Advisory, content: AdvisoryContent) -> None:
        affected = content.affected[0]
        advisory.aliases = list(content.aliases)
        advisory.summary = content.summary
        advisory.details = content.details
        advisory.severity = [s.model_dump() for s in content.severity]
        advisory.level = content.level()
        advisory.ranges = [r.model_dump(exclude_none=True) for r in affected.ranges]
        advisory.versions = list(affected.versions)
        advisory.references = [r.model_dump() for r in content.references]

    def _next_id(self, now: datetime) -> str:
        """GAS-<year>-<number>, numbered per year. Two at the same moment meet the unique
        constraint, and the second request fails rather than sharing an id."""
        prefix = f"{PREFIX}-{now.year}-"
        # Advisories are never deleted, so the count is the last number given.
        count = self.session.scalar(select(func.count(Advisory.id)).where(Advisory.advisory_id.startswith(prefix)))
        return f"{prefix}{(count or 0) + 1:04d}"
