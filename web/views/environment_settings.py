"""Creating, changing and archiving a municipality's environments in the browser,
for its owners and maintainers: the same service as the API's."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.db import request_session
from registry.errors import Conflict, RegistryError
from registry.models import ENVIRONMENT_STAGES, Environment
from registry.services.landscape import LandscapeService
from registry.services.membership import OrganisationAccess
from registry.services.namespaces import MODES
from registry.transactions import rollback
from web import web
from web.auth import safe_next, signed_in, signed_in_user
from web.choices import options
from web.environment_forms import ArchiveEnvironmentForm, EnvironmentForm
from web.labels import NAMESPACE_MODES, STAGES
from web.views.environments import PREFIX


def _managing(slug: str) -> LandscapeService:
    """The landscape for an owner or maintainer of ``slug`` (403 for anyone else)."""
    user = signed_in_user()
    return LandscapeService(request_session(), OrganisationAccess(request_session(), user).caller(slug))


def _choices(form: EnvironmentForm, landscape: LandscapeService, slug: str, name: str | None) -> None:
    form.stage.choices = options((s, STAGES[s]) for s in ENVIRONMENT_STAGES)
    form.profile.choices = options(landscape.profiles())
    form.promote_from.choices = options(
        ((e.name, e.name) for e in landscape.environments(slug) if e.name != name), empty=_("None"))
    form.namespace_mode.choices = options((m, NAMESPACE_MODES[m]) for m in MODES)


def _page(form: EnvironmentForm, slug: str, environment: Environment | None, error: str | None = None) -> str:
    return render_template("environment_form.html", form=form, slug=slug, environment=environment,
                           archive_form=ArchiveEnvironmentForm(), error=error)


@web.route("/organisations/<slug>/environments/new", methods=["GET", "POST"])
@signed_in
def new_environment(slug: str) -> str | Response | tuple[str, int]:
    landscape = _managing(slug)
    form = EnvironmentForm()
    _choices(form, landscape, slug, None)
    if not form.is_submitted():
        form.next.data = safe_next(request.args.get("next"), "")
        return _page(form, slug, None)
    if not form.validate():
        return _page(form, slug, None), 400
    try:
        environment = landscape.create_environment(slug, form.api_body())
    except Conflict:
        rollback(request_session())
        form.name.errors = [_("This organisation has (or had) an environment with this name; choose another.")]
        return _page(form, slug, None), 409
    except RegistryError:
        rollback(request_session())  # nothing half-made is kept
        return _page(form, slug, None, _("The environment could not be saved; check the values.")), 400
    flash(_("Environment %(name)s is created.", name=environment.name), "success")
    return redirect(safe_next(form.next.data, url_for("web.environment_page", slug=slug, env=environment.name)))


@web.route(f"{PREFIX}/settings", methods=["GET", "POST"])
@signed_in
def environment_settings(slug: str, env: str) -> str | Response | tuple[str, int]:
    landscape = _managing(slug)
    environment = landscape.environment(slug, env)
    form = EnvironmentForm()
    _choices(form, landscape, slug, env)
    if not form.is_submitted():
        form.fill_from(environment)
        return _page(form, slug, environment)
    form.name.data = environment.name  # an environment keeps its name
    if not form.validate():
        return _page(form, slug, environment), 400
    try:
        landscape.change_environment(slug, env, form.api_body(environment.config))
    except RegistryError:
        rollback(request_session())  # the service changed the environment before it found the problem
        return _page(form, slug, landscape.environment(slug, env),
                     _("The environment could not be saved; check the values.")), 400
    flash(_("The settings of %(name)s are saved.", name=env), "success")
    return redirect(url_for("web.environment_page", slug=slug, env=env))


@web.post(f"{PREFIX}/archive")
@signed_in
def archive_environment(slug: str, env: str) -> Response:
    landscape = _managing(slug)
    ArchiveEnvironmentForm().validate()  # the CSRF token is checked for every form already
    try:
        landscape.archive_environment(slug, env)
    except Conflict:
        flash(_("%(name)s cannot be archived while apps are recorded as installed in it or other environments "
                "promote from it.", name=env), "error")
        return redirect(url_for("web.environment_settings", slug=slug, env=env))
    flash(_("Environment %(name)s is archived; its history is kept.", name=env), "success")
    return redirect(url_for("web.publisher_page", slug=slug, _anchor="environments"))
