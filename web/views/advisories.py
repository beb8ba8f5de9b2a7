"""Security advisories in the browser: the list, one advisory with its affected versions,
and the form in which the app's owners and maintainers (or a curator) publish one."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.db import request_session
from registry.errors import Forbidden, InvalidInput
from registry.models import Advisory, App, User
from registry.osv import AdvisoryContent, affects
from registry.services.advisories import AdvisoryService
from registry.services.catalogue import CatalogueService
from registry.services.membership import MemberCaller, OrganisationAccess, managed_organisations
from registry.services.vendors import CURATOR
from registry.validation import parsed
from web import web
from web.advisory_form import LIMITS, AdvisoryForm
from web.auth import signed_in, signed_in_user
from web.markup import render_markdown

NEW = "/apps/<app_id>/advisories/new"

#: The list page shows this many, newest changes first; the feed and the API have the rest.
LIST_SIZE = 100


@web.get("/advisories")
def advisories_page() -> str:
    advisories = AdvisoryService(request_session()).recent(LIST_SIZE)
    return render_template("advisories.html", advisories=advisories)


@web.get("/advisories/<advisory_id>")
def advisory_page(advisory_id: str) -> str:
    advisory = AdvisoryService(request_session()).get(advisory_id[:32])
    affected = [r.version for r in advisory.app.releases if _affects(advisory, r.version)]
    return render_template("advisory.html", advisory=advisory, affected=affected,
                           details=render_markdown(advisory.details))


def _affects(advisory: Advisory, version: str) -> bool:
    return affects(advisory.ranges, advisory.versions, version)


@web.get(NEW)
@signed_in
def new_advisory(app_id: str) -> str:
    app = CatalogueService(request_session()).app(app_id)
    _advising(app, signed_in_user())
    return _form_page(app, AdvisoryForm())


@web.post(NEW)
@signed_in
def publish_advisory(app_id: str) -> Response | tuple[str, int]:
    app = CatalogueService(request_session()).app(app_id)
    caller = _advising(app, signed_in_user())
    form = AdvisoryForm()
    form.validate()  # only the CSRF token, which is checked before the view already: the registry judges the rest
    try:
        advisory = AdvisoryService(request_session()).publish(parsed(AdvisoryContent, form.body(app.slug)), caller)
    except InvalidInput as error:
        return _form_page(app, form, form.show_problems(error.invalid_params)), 400
    flash(_("Advisory %(id)s is published.", id=advisory.advisory_id), "success")
    return redirect(url_for("web.advisory_page", advisory_id=advisory.advisory_id))


def may_advise(app: App, user: User | None) -> bool:
    """Whether the person may publish advisories about ``app``: they manage its publisher, or are a curator."""
    managed = managed_organisations(user) if user is not None else []
    return any(o.id == app.organisation_id or o.kind == CURATOR for o in managed)


def _advising(app: App, user: User) -> MemberCaller:
    access = OrganisationAccess(request_session(), user)
    managed = managed_organisations(user)
    own = next((o for o in managed if o.id == app.organisation_id), None)
    curator = next((o for o in managed if o.kind == CURATOR), None)
    if own is None and curator is None:
        raise Forbidden(f"Only owners and maintainers of {app.organisation.name}, or a curator, may publish "
                        "advisories about it.")
    return access.caller((own or curator).slug)  # type: ignore[union-attr]  # one of them is set


def _form_page(app: App, form: AdvisoryForm, elsewhere: list[str] | None = None) -> str:
    return render_template("advisory_form.html", app=app, form=form, elsewhere=elsewhere or [], limits=LIMITS)
