"""Existing solutions: an organisation points an initiative to a published app of its own that
already solves the problem, so nobody builds it again.

Only the app's own organisation attaches it: nobody offers another's product. So that no
organisation fills the initiative's slots, one organisation offers at most a few apps, and the
organisation that started the initiative may detach any of them (the app's own organisation
may too). The link is a tag of kind ``solution`` whose value is the app id, like the
initiative's other tags.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.errors import Conflict, Forbidden, NotFound
from registry.models import RELEASE_PUBLISHED, App, Initiative, InitiativeTag, Release, utcnow
from registry.services import audit
from registry.services.initiatives import InitiativeService
from registry.services.tokens import Caller

SOLUTION = "solution"
#: An initiative points to at most this many existing apps; more would be a catalogue, not advice.
MAX_SOLUTIONS = 10
#: One organisation offers at most this many of its apps to one initiative, leaving room for others.
MAX_SOLUTIONS_PER_ORGANISATION = 3


class Solutions:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.initiatives = InitiativeService(session)

    def of(self, initiative: Initiative) -> list[App]:
        """The apps offered as existing solution, in the order they were attached."""
        slugs = initiative.tagged(SOLUTION)
        apps = {app.slug: app for app in self.session.scalars(select(App).where(App.slug.in_(slugs)))}
        return [apps[slug] for slug in slugs if slug in apps]

    def offerable(self, organisation_ids: list[int]) -> list[App]:
        """The apps of these organisations that have a published release: what they may offer."""
        published = select(Release.app_id).where(Release.status == RELEASE_PUBLISHED)
        return list(self.session.scalars(select(App).where(App.organisation_id.in_(organisation_ids),
                                                           App.id.in_(published)).order_by(App.name)))

    def attach(self, initiative_id: int, app_slug: str, caller: Caller) -> Initiative:
        initiative = self.initiatives.get(initiative_id)
        app = self._own_app(app_slug, caller)
        if initiative.merged_into_id is not None:
            raise Conflict(f"Initiative {initiative.id} was merged into {initiative.merged_into_id}; point that one "
                           "to your app.", page_code="initiative.merged")
        present = initiative.tagged(SOLUTION)
        if app.slug in present:
            return initiative
        if len(present) >= MAX_SOLUTIONS:
            raise Conflict(f"Initiative {initiative.id} already points to {MAX_SOLUTIONS} existing apps.",
                           page_code="initiative.solutions-full")
        if self._offered_by(app.organisation_id, present) >= MAX_SOLUTIONS_PER_ORGANISATION:
            raise Conflict(f"Your organisation already offers {MAX_SOLUTIONS_PER_ORGANISATION} apps to initiative "
                           f"{initiative.id}; withdraw one to offer another.",
                           page_code="initiative.solutions-per-organisation",
                           page_data={"limit": MAX_SOLUTIONS_PER_ORGANISATION})
        if app not in self.offerable([app.organisation_id]):
            raise Conflict(f"`{app.slug}` has no published release yet; publish it before offering it.",
                           page_code="initiative.solution-unpublished")
        initiative.tags.append(InitiativeTag(kind=SOLUTION, value=app.slug))
        initiative.updated_at = utcnow()
        self.session.flush()
        audit.record(self.session, caller.actor, "initiative.solution.attach", f"initiative:{initiative.id}",
                     app=app.slug)
        return initiative

    def detach(self, initiative_id: int, app_slug: str, caller: Caller) -> None:
        """Withdraw an app: its own organisation does, or the organisation that started the initiative."""
        initiative = self.initiatives.get(initiative_id)
        app = self._app(app_slug)
        if not self.may_detach(initiative, app, caller.organisation_id):
            raise Forbidden(f"Only the organisation that publishes `{app.slug}` or the one that started initiative "
                            f"{initiative.id} removes it as an existing solution.",
                            page_code="initiative.solution-not-removable")
        initiative.tags[:] = [t for t in initiative.tags if not (t.kind == SOLUTION and t.value == app.slug)]
        self.session.flush()
        audit.record(self.session, caller.actor, "initiative.solution.detach", f"initiative:{initiative.id}",
                     app=app.slug)

    def removable(self, initiative: Initiative, apps: list[App], organisation_ids: list[int]) -> dict[str, int]:
        """Of the initiative's solutions ``apps`` (from :meth:`of`), those one of these organisations may
        remove, each with the organisation that may (its own first)."""
        found: dict[str, int] = {}
        for app in apps:
            allowed = [o for o in organisation_ids if self.may_detach(initiative, app, o)]
            if allowed:
                found[app.slug] = app.organisation_id if app.organisation_id in allowed else allowed[0]
        return found

    @staticmethod
    def may_detach(initiative: Initiative, app: App, organisation_id: int) -> bool:
        """The app's own organisation withdraws it; the initiative's starter removes any."""
        return organisation_id in (app.organisation_id, initiative.created_by)

    def _offered_by(self, organisation_id: int, slugs: list[str]) -> int:
        """How many of the apps ``slugs`` belong to the organisation."""
        if not slugs:
            return 0
        return self.session.scalar(select(func.count(App.id)).where(
            App.slug.in_(slugs), App.organisation_id == organisation_id)) or 0

    def _app(self, app_slug: str) -> App:
        app = self.session.scalar(select(App).where(App.slug == app_slug))
        if app is None:
            raise NotFound(f"There is no app `{app_slug}`.", page_code="app.not-found", page_data={"app": app_slug})
        return app

    def _own_app(self, app_slug: str, caller: Caller) -> App:
        app = self._app(app_slug)
        if app.organisation_id != caller.organisation_id:
            raise Forbidden(f"Only the organisation that publishes `{app.slug}` offers it as an existing solution.",
                            page_code="initiative.solution-not-yours")
        return app
