"""A municipality's environments in the browser: what runs where, updates,
install plans and recording them. Only the organisation's own members get in;
owners and maintainers record installs."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from registry.api.context import store
from registry.api.models.inputs import PlanInput
from registry.db import request_session
from registry.models import InstallPlanRecord
from registry.services.explain import YOUR_REQUEST
from registry.services.landscape import LandscapeService
from registry.services.membership import MANAGERS, OrganisationAccess
from registry.validation import parsed
from web import web
from web.auth import signed_in, signed_in_user
from web.choices import options
from web.environment_forms import ConfigValuesForm, field_names
from web.forms import PlanForm, RecordPlanForm
from web.plan_texts import plan_problems

PREFIX = "/organisations/<slug>/environments/<env>"
CHOICE = "choice-"  # form fields "choice-<api>" carry the provider picked for an API


def _landscape(slug: str) -> tuple[LandscapeService, str]:
    """The landscape as seen by the signed-in member (403 for anyone else), and their role."""
    access = OrganisationAccess(request_session(), signed_in_user())
    role = access.membership(slug).role
    return LandscapeService(request_session(), access.member_caller(slug), store()), role


@web.get(PREFIX)
@signed_in
def environment_page(slug: str, env: str) -> str:
    landscape, role = _landscape(slug)
    return _render_environment(landscape, slug, env, role, PlanForm())


@web.post(f"{PREFIX}/plans")
@signed_in
def make_plan(slug: str, env: str) -> str | Response | tuple[str, int]:
    landscape, role = _landscape(slug)
    form = PlanForm()
    if not form.validate():
        return _render_environment(landscape, slug, env, role, form), 400
    choices = {k.removeprefix(CHOICE): v for k, v in request.form.items() if k.startswith(CHOICE) and v}
    asked = parsed(PlanInput, {"app": form.app.data, "version": (form.version.data or "").strip() or None,
                               "choices": choices})
    record = landscape.plan(slug, env, asked.request())
    return redirect(url_for("web.plan_page", slug=slug, env=env, plan_id=record.id))


@web.get(f"{PREFIX}/plans/<int:plan_id>")
@signed_in
def plan_page(slug: str, env: str, plan_id: int) -> str:
    landscape, role = _landscape(slug)
    return render_plan(landscape, landscape.get_plan(slug, env, plan_id), role in MANAGERS)


def render_plan(landscape: LandscapeService, record: InstallPlanRecord, may_record: bool, *,
                problems: Mapping[str, str] | None = None, given: Mapping[str, str] | None = None) -> str:
    """The plan page; ``problems`` and ``given`` redisplay a values form that was not right."""
    return render_template("plan.html", plan=record, result=record.result, environment=record.environment,
                           may_record=may_record, record_form=RecordPlanForm(), choice_prefix=CHOICE,
                           your_request=YOUR_REQUEST, missing_values=landscape.missing_values(record),
                           values_form=ConfigValuesForm(), value_fields=field_names,
                           value_problems=problems or {}, given=given or {}, plan_problems=plan_problems)


@web.post(f"{PREFIX}/plans/<int:plan_id>/record")
@signed_in
def record_plan(slug: str, env: str, plan_id: int) -> Response:
    caller = OrganisationAccess(request_session(), signed_in_user()).caller(slug)  # owners and maintainers only
    events = LandscapeService(request_session(), caller).record(slug, env, plan_id)
    flash(ngettext("%(num)d change is recorded.", "%(num)d changes are recorded.", len(events))
          if events else _("This plan was recorded already; nothing changed."), "success")
    return redirect(url_for("web.environment_page", slug=slug, env=env, _anchor="installed"))


def _render_environment(landscape: LandscapeService, slug: str, env: str, role: str, form: PlanForm) -> str:
    overview = landscape.overview(slug, env)
    form.app.choices = options(overview.apps, empty=_("Choose an app"))
    return render_template("environment.html", overview=overview, environment=overview.environment,
                           form=form, may_record=role in MANAGERS)
