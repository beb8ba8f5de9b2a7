"""The adviser: from an app's page to a plan in one's own environment.

"Plan in my environment" lists the environments of the person's municipality
with the verdict of the app's latest release on each; a plan's missing config
values are filled in on its page (which plans again), and its bundle comes as
an archive of rendered manifests, in the order to apply them.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.api.context import store
from registry.db import request_session
from registry.models import User
from registry.services.bundles import bundle_archive
from registry.services.landscape import LandscapeService
from registry.services.membership import MANAGERS, OrganisationAccess
from web import web
from web.auth import signed_in, signed_in_user
from web.environment_forms import ConfigValuesForm, supplied_values
from web.views.environments import PREFIX, render_plan

MUNICIPALITY = "municipality"


def municipalities(user: User) -> list[tuple[str, str, str]]:
    """(slug, name, role) of the municipalities the person is a member of."""
    return sorted(((m.organisation.slug, m.organisation.name, m.role) for m in user.memberships
                   if m.organisation.kind == MUNICIPALITY), key=lambda m: m[1])


@web.get("/apps/<app_id>/plan")
@signed_in
def plan_in_environment(app_id: str) -> str:
    user = signed_in_user()
    own = municipalities(user)
    wanted = request.args.get("organisation", "")
    chosen = next((m for m in own if m[0] == wanted), own[0] if own else None)
    if chosen is None:
        return render_template("plan_in_environment.html", app_id=app_id, municipalities=own, chosen=None,
                               release=None, fits=[])
    slug, _name, role = chosen
    caller = OrganisationAccess(request_session(), user).member_caller(slug)
    release, fits = LandscapeService(request_session(), caller).fits(slug, app_id)
    return render_template("plan_in_environment.html", app_id=app_id, municipalities=own, chosen=chosen,
                           release=release, fits=fits, may_manage=role in MANAGERS)


@web.post(f"{PREFIX}/plans/<int:plan_id>/values")
@signed_in
def supply_values(slug: str, env: str, plan_id: int) -> Response | tuple[str, int]:
    """Set the values a plan misses in the environment and plan again (owners and maintainers)."""
    user = signed_in_user()
    caller = OrganisationAccess(request_session(), user).caller(slug)
    landscape = LandscapeService(request_session(), caller, store())
    record = landscape.get_plan(slug, env, plan_id)
    ConfigValuesForm().validate()  # the CSRF token is checked for every form already
    values, problems = supplied_values(landscape.missing_values(record), request.form)
    if problems or not values:
        if not problems:
            problems = {"": _("Fill in at least one value.")}
        return render_plan(landscape, record, True, problems=problems, given=request.form), 400
    new = landscape.supply(slug, env, plan_id, values)
    return redirect(url_for("web.plan_page", slug=slug, env=env, plan_id=new.id, _anchor="plan-status"))


@web.get(f"{PREFIX}/plans/<int:plan_id>/bundle")
@signed_in
def download_bundle(slug: str, env: str, plan_id: int) -> Response:
    """The ready plan's manifests as a .tar.gz: a folder per app, numbered in the order to apply."""
    user = signed_in_user()
    caller = OrganisationAccess(request_session(), user).member_caller(slug)
    plan, items = LandscapeService(request_session(), caller, store()).bundle(slug, env, plan_id,
                                                                                method=request.method)
    if not items:
        abort(404)
    name = f"{slug}-{env}-plan-{plan.id}"
    response = Response(bundle_archive(name, items), mimetype="application/gzip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.tar.gz"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
