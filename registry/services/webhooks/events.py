"""Events for webhooks, written to the outbox in the transaction of the change they report.

Each event becomes a CloudEvents 1.0 envelope (structured mode) and one delivery
row per subscription that asked for its type and may see it: a commercial
module's events only reach its vendor and the organisations entitled to it, an
installation only its own organisation, an advisory only organisations that run
an affected release. Rolled back with the change, so nothing is announced that
did not happen, and committed with it, so nothing that happened is lost.

The envelope is built here rather than with the ``cloudevents`` SDK: it is seven
plain attributes, the registry signs the exact bytes it sends, and the SDK's
HTTP bindings (its main part) would go unused.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from registry.models import (
    App,
    Entitlement,
    Environment,
    Installation,
    Organisation,
    Release,
    WebhookDelivery,
    WebhookSubscription,
    table_of,
    utcnow,
)

TYPE_PREFIX = "nl.gemeente-appstore."
RELEASE_PUBLISHED = "release.published"
RELEASE_YANKED = "release.yanked"
ADVISORY_PUBLISHED = "advisory.published"
ENTITLEMENT_GRANTED = "entitlement.granted"
ENTITLEMENT_REVOKED = "entitlement.revoked"
INSTALLATION_RECORDED = "installation.recorded"
#: What an organisation may subscribe to, with what each event means.
EVENT_TYPES = {
    RELEASE_PUBLISHED: "A release was published.",
    RELEASE_YANKED: "A release was yanked by its publisher.",
    ADVISORY_PUBLISHED: "A security advisory concerns a release your organisation has installed.",
    ENTITLEMENT_GRANTED: "A vendor entitled an organisation to a commercial module (vendor and entitled only).",
    ENTITLEMENT_REVOKED: "A vendor revoked an entitlement (vendor and formerly entitled only).",
    INSTALLATION_RECORDED: "Your organisation recorded an install, upgrade or removal in an environment.",
}


@dataclass(frozen=True)
class WebhookEvent:
    """One thing that happened: ``app`` orders it, ``audience`` (organisation ids) limits who
    hears of it; ``None`` is everyone. ``data`` may be given as a function, made only when
    some subscription wants the event (most have none, and data can cost queries)."""

    type: str
    app: str
    subject: str
    data: dict[str, Any] | Callable[[], dict[str, Any]]
    audience: frozenset[int] | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def envelope(self) -> dict[str, Any]:
        return {
            "specversion": "1.0",
            "id": self.id,
            "source": f"/api/v1/apps/{self.app}",
            "type": TYPE_PREFIX + self.type,
            "subject": self.subject,
            "time": utcnow().isoformat().replace("+00:00", "Z"),
            "datacontenttype": "application/json",
            "data": self.data() if callable(self.data) else self.data,
        }


def _subscribers(session: Session, event_type: str, audience: frozenset[int] | None) -> list[int]:
    """The ids of the subscriptions that want events of ``event_type`` and may see one for
    ``audience`` (asked on every publish: two columns, not whole rows)."""
    if audience is None:
        found = session.execute(_SUBSCRIBERS)
    else:
        found = session.execute(_SUBSCRIBERS_IN_AUDIENCE, {"audience": sorted(audience)})
    return [subscription for subscription, events in found if event_type in (events or ())]


# Built once, every publish asks; of the table's columns, so that the session runs them as
# plain statements, without the ORM's work for the columns of mapped classes.
_SUBSCRIPTIONS = table_of(WebhookSubscription)
_SUBSCRIBERS = select(_SUBSCRIPTIONS.c.id, _SUBSCRIPTIONS.c.events) \
    .where(_SUBSCRIPTIONS.c.deleted_at.is_(None)).order_by(_SUBSCRIPTIONS.c.id)
_SUBSCRIBERS_IN_AUDIENCE = _SUBSCRIBERS.where(
    _SUBSCRIPTIONS.c.organisation_id.in_(bindparam("audience", expanding=True)))


def emit(session: Session, event: WebhookEvent) -> int:
    """Queue ``event`` for every subscription that wants and may see it; how many."""
    wanting = _subscribers(session, event.type, event.audience)
    if not wanting:
        return 0
    envelope = event.envelope()
    for subscription in wanting:
        session.add(WebhookDelivery(subscription_id=subscription, event_id=event.id, event_type=event.type,
                                    ordering_key=event.app, envelope=envelope))
    return len(wanting)


def release_audience(session: Session, release: Release) -> frozenset[int] | None:
    """Everyone for open source; the vendor and entitled organisations for a commercial release."""
    if not release.commercial:
        return None
    entitled = session.scalars(select(Entitlement.organisation_id).where(Entitlement.app_id == release.app.id))
    return frozenset({release.app.organisation_id, *entitled})


def _release_data(release: Release) -> dict[str, Any]:
    return {"app": release.app.slug, "version": release.version, "publisher": release.app.organisation.slug,
            "sha256": release.artifact_sha256, "commercial": release.commercial}


def release_published(session: Session, release: Release) -> None:
    emit(session, WebhookEvent(RELEASE_PUBLISHED, release.app.slug, release.version,
                               lambda: _release_data(release), release_audience(session, release)))


def release_yanked(session: Session, release: Release, reason: str) -> None:
    emit(session, WebhookEvent(RELEASE_YANKED, release.app.slug, release.version,
                               lambda: {**_release_data(release), "reason": reason},
                               release_audience(session, release)))


def entitlement_changed(session: Session, app: App, organisation: Organisation, granted: bool) -> None:
    data = {"app": app.slug, "vendor": app.organisation.slug, "organisation": organisation.slug}
    emit(session, WebhookEvent(ENTITLEMENT_GRANTED if granted else ENTITLEMENT_REVOKED, app.slug,
                               organisation.slug, data, frozenset({app.organisation_id, organisation.id})))


def installation_recorded(session: Session, environment: Environment, app: str, action: str,
                          version: str | None, previous: str | None, plan: int | None) -> None:
    data = {"organisation": environment.organisation.slug, "environment": environment.name, "app": app,
            "action": action, "version": version, "previousVersion": previous, "plan": plan}
    emit(session, WebhookEvent(INSTALLATION_RECORDED, app, f"{environment.name}/{app}", data,
                               frozenset({environment.organisation_id})))


def advisory_published(session: Session, app: App, advisory_id: str, affected_versions: Collection[str],
                       details: dict[str, Any]) -> None:
    """For the advisories service to call once an advisory is recorded: organisations that run
    one of ``affected_versions`` of ``app`` (and may see it) hear of it. ``details`` (summary,
    severity, fixed version, ...) travel as they are in the event's data."""
    installed = select(Environment.organisation_id).join(Installation, Installation.environment_id == Environment.id) \
        .join(Release, Release.id == Installation.release_id) \
        .where(Installation.app_id == app.id, Release.version.in_(sorted(affected_versions)))
    running = frozenset(session.scalars(installed))
    if not running:
        return
    data = {"app": app.slug, "id": advisory_id, "affectedVersions": sorted(affected_versions), **details}
    emit(session, WebhookEvent(ADVISORY_PUBLISHED, app.slug, advisory_id, data, running))
