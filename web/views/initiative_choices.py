"""Choosing together in the browser: initiators open and close ballots; curators merge a duplicate
initiative into another after a page that says what the merge does."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.api.initiatives import initiative_number
from registry.db import request_session
from registry.errors import Forbidden
from registry.models import Organisation
from registry.services.initiative_ballots import Ballots
from registry.services.initiative_participation import Participation
from registry.services.initiatives import InitiativeService
from registry.services.membership import OrganisationAccess
from web import web
from web.auth import signed_in, signed_in_user
from web.choices import organisation_options
from web.forms import form_problems
from web.initiative_forms import BallotForm, CloseBallotForm, MergeForm, line_list
from web.views.initiatives import act, curator_organisation, steering_organisations


@web.post("/initiatives/<raw>/ballots")
@signed_in
def open_ballot(raw: str) -> Response:
    number = initiative_number(raw)
    initiative = InitiativeService(request_session()).get(number)
    form = BallotForm()
    form.organisation.choices = organisation_options(steering_organisations(signed_in_user(), initiative))
    if form.validate():
        caller = OrganisationAccess(request_session(), signed_in_user()).caller(form.organisation.data)
        act(lambda: Ballots(request_session()).open(number, (form.question.data or "").strip(),
                                                    line_list(form.proposals.data), caller),
            _("The vote is open: participants can vote now."))
    else:
        flash(form_problems(form), "error")
    return redirect(url_for("web.initiative_page", raw=number, _anchor="votes"))


@web.post("/initiatives/<raw>/ballots/<int:ballot_id>/close")
@signed_in
def close_ballot(raw: str, ballot_id: int) -> Response:
    number = initiative_number(raw)
    form = CloseBallotForm()
    if form.validate():
        caller = OrganisationAccess(request_session(), signed_in_user()).caller(form.organisation.data or "")
        act(lambda: Ballots(request_session()).close(number, ballot_id, caller),
            _("The vote is closed; its outcome is kept."))
    else:
        flash(_("Choose an organisation."), "error")
    return redirect(url_for("web.initiative_page", raw=number, _anchor="votes"))


@web.get("/initiatives/<raw>/merge")
@signed_in
def merge_confirmation(raw: str) -> str | Response:
    """"Are you sure?", naming both initiatives and what merging does; its button merges."""
    number = initiative_number(raw)
    _require_curator()
    form = MergeForm(request.args, meta={"csrf": False})
    if not form.validate():
        flash(_("Give the number of the initiative that stays."), "error")
        return redirect(url_for("web.initiative_page", raw=number, _anchor="merge"))
    service = InitiativeService(request_session())
    duplicate, target = service.get(number), service.get(form.into.data or 0)
    return render_template("initiative_merge.html", duplicate=duplicate, target=target, form=MergeForm(into=target.id))


@web.post("/initiatives/<raw>/merge")
@signed_in
def merge_initiative(raw: str) -> Response:
    number = initiative_number(raw)
    curator = _require_curator()
    form = MergeForm()
    if not form.validate():
        flash(_("Give the number of the initiative that stays."), "error")
        return redirect(url_for("web.initiative_page", raw=number, _anchor="merge"))
    caller = OrganisationAccess(request_session(), signed_in_user()).caller(curator.slug)
    into = form.into.data or 0  # validated: a number from 1 on
    merged = act(lambda: Participation(request_session()).merge(number, into, caller),
                 _("The initiatives are merged; every participant takes part in the one that stays."))
    return redirect(url_for("web.initiative_page", raw=into if merged else number))


def _require_curator() -> Organisation:
    curator = curator_organisation(signed_in_user())
    if curator is None:
        raise Forbidden("Only curators merge initiatives.", page_code="initiative.not-a-curator")
    return curator
